from typing import Any

import yaml

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
    body = yaml.dump(
        requirement_set.definition,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return header + body
