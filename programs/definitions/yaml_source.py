"""YAML parsing that remembers where every value came from.

PyYAML's composed node tree keeps line marks; we walk it alongside the constructed data so a
problem found at `requirements[2].counts[0]` can be reported at its line in the file.
"""

from dataclasses import dataclass
from typing import Any

import yaml

from core.problems import InputFileError, Problem

PathPart = str | int


@dataclass(frozen=True, slots=True)
class LocatedDocument:
    source: str
    data: Any
    root: yaml.Node | None

    def line_of(self, path: tuple[PathPart, ...]) -> int | None:
        """The 1-based line of the deepest node along `path` that exists."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for part in path:
            child = _child(node, part)
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line

    def problem(self, path: tuple[PathPart, ...], message: str) -> Problem:
        return Problem(self.source, self.line_of(path), format_path(path), message)

    def key_problem(self, path: tuple[PathPart, ...], message: str) -> Problem:
        """A problem with a mapping key itself (e.g. an unknown field): the key's line."""
        parent = self.root
        for part in path[:-1]:
            parent = _child(parent, part)
        line = None
        if isinstance(parent, yaml.MappingNode):
            for key_node, _ in parent.value:
                if key_node.value == path[-1]:
                    line = key_node.start_mark.line + 1
        return Problem(self.source, line or self.line_of(path[:-1]), format_path(path), message)


def format_path(path: tuple[PathPart, ...]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            # str(): YAML allows keys that are not text (`~: 1`, `2: x`), and an unknown one
            # must still be reported, not crash the report.
            out += f".{part}" if out else str(part)
    return out


def _child(node: yaml.Node | None, part: PathPart) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key_node, value_node in node.value:
            if key_node.value == part:
                found: yaml.Node = value_node
                return found
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        item: yaml.Node = node.value[part]
        return item
    return None


def _duplicate_keys(node: yaml.Node, source: str) -> list[Problem]:
    # PyYAML keeps the last of two equal keys; a silently ignored rule is exactly the kind of
    # lost hours we exist to prevent, so duplicates are an error.
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.value in seen:
                problems.append(
                    Problem(
                        source, key_node.start_mark.line + 1, str(key_node.value), "duplicate key"
                    )
                )
            seen.add(key_node.value)
            problems.extend(_duplicate_keys(value_node, source))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            problems.extend(_duplicate_keys(item, source))
    return problems


# Real program files nest about nine levels and hold a few hundred values; these bounds are far
# above that and keep a hostile file (deep nesting, an alias "billion laughs", a self-referencing
# alias) from exhausting the stack or the CPU before it can be refused with a clear problem.
MAX_DEPTH = 32
MAX_VALUES = 50_000
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"
TOO_LARGE = f"more than {MAX_VALUES} values once anchors and aliases are expanded"


class _Loader(yaml.SafeLoader):
    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # A scalar that matches a YAML type but not its range (2026-02-30 as a timestamp, an
        # integer too long to convert) raises a bare ValueError; give it the value's line.
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {_shortened(node.value)!r}: {exc}", node.start_mark
            ) from None


def _shortened(value: Any) -> Any:
    return value[:40] + "…" if isinstance(value, str) and len(value) > 40 else value


def _check_size(root: yaml.Node, source: str) -> None:
    """Walk the node graph as the constructed data will be walked (aliases expanded), stopping
    as soon as it is too deep or too large, so the cost is bounded by the limits."""
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    seen = 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if depth > MAX_DEPTH:
            raise InputFileError([Problem(source, node.start_mark.line + 1, "", TOO_DEEP)])
        if seen > MAX_VALUES:
            raise InputFileError([Problem(source, node.start_mark.line + 1, "", TOO_LARGE)])
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                stack.extend(((key_node, depth + 1), (value_node, depth + 1)))


def parse_yaml(text: str, source: str) -> LocatedDocument:
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        root = loader.get_single_node()
        if root is not None:
            _check_size(root, source)
        # Constructed from the same node tree that locates problems, so lines always agree.
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise InputFileError(
            [Problem(source, line, "", f"not valid YAML: {exc.problem}")]
        ) from None
    except yaml.reader.ReaderError as exc:
        # A control character, NUL byte or lone surrogate: located by character position.
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character
        shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        message = f"not valid YAML: character {shown} is not allowed"
        raise InputFileError([Problem(source, line, "", message)]) from None
    except yaml.YAMLError as exc:
        raise InputFileError([Problem(source, None, "", f"not valid YAML: {exc}")]) from None
    except RecursionError:
        # The parser itself recurses per level, before _check_size can see the tree; the
        # reader's position is where it had got to.
        line = loader.line + 1 if loader is not None else None
        raise InputFileError([Problem(source, line, "", TOO_DEEP)]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if root is not None:
        duplicates = _duplicate_keys(root, source)
        if duplicates:
            raise InputFileError(duplicates)
    return LocatedDocument(source=source, data=data, root=root)
