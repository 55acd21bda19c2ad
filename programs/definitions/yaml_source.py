"""YAML parsing that remembers where every value came from.

PyYAML's composed node tree keeps line marks; we walk it alongside the constructed data so a
problem found at `requirements[2].counts[0]` can be reported at its line in the file.
"""

from dataclasses import dataclass
from typing import Any

import yaml

from programs.definitions.errors import InputFileError, Problem

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
            out += f".{part}" if out else part
    return out


def _child(node: yaml.Node | None, part: PathPart) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key_node, value_node in node.value:
            if key_node.value == part:
                return value_node
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        return node.value[part]
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


def parse_yaml(text: str, source: str) -> LocatedDocument:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise InputFileError(
            [Problem(source, line, "", f"not valid YAML: {exc.problem}")]
        ) from None
    except yaml.YAMLError as exc:
        raise InputFileError([Problem(source, None, "", f"not valid YAML: {exc}")]) from None
    if root is not None:
        duplicates = _duplicate_keys(root, source)
        if duplicates:
            raise InputFileError(duplicates)
    return LocatedDocument(source=source, data=data, root=root)
