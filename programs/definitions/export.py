from typing import Any

import yaml

from programs.definitions.program_file import canonicalize
from programs.models import RequirementSet


class _Dumper(yaml.SafeDumper):
    pass


def _no_aliases(dumper: yaml.SafeDumper, data: Any) -> bool:
    return True


_Dumper.ignore_aliases = _no_aliases  # type: ignore[method-assign,assignment]


def requirement_set_to_yaml(requirement_set: RequirementSet) -> str:
    """The program file for one version, exactly as stored (loading it back changes nothing)."""
    header = (
        f"# {requirement_set.program.name}: requirement set version {requirement_set.version}\n"
        "# Format: see docs/program-format.md\n"
    )
    definition = requirement_set.definition
    # PostgreSQL's jsonb does not keep key order. The stored document is canonical already, so
    # canonicalizing it again changes no value and restores the documented order; every
    # category it lists is known, so none gains a name it did not have.
    known = {category["key"]: category["key"] for category in definition["categories"]}
    body = yaml.dump(
        canonicalize(definition, known),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return header + body
