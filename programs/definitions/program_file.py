"""Reading a program file: YAML → JSON Schema → meaning → canonical document.

Every problem is collected with its file, line and field, and nothing is loaded unless the whole
file is valid. The canonical form fills every default explicitly, so what is stored, exported and
checksummed is exactly what the engine evaluates.
"""

import hashlib
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jsonschema import Draft202012Validator

from core.problems import InputFileError, Problem
from programs.definitions.yaml_source import LocatedDocument, PathPart, parse_yaml
from programs.engine import RequirementSetRules, RuleDefinitionError, parse_requirement_set
from programs.engine.parse_parts import WEEKDAYS

SCHEMA_PATH = Path(__file__).with_name("program.schema.json")

# Safety default: a program that forgets to say so still keeps the trainee's own therapy private.
PRIVATE_BY_DEFAULT = frozenset({"personal_therapy", "personal_therapy_group", "training_analysis"})

DEFAULT_STATUS = {"on_track_ratio": 0.9, "at_risk_ratio": 0.75, "grace_days": 28}

# Steps that convert minutes; a `sessions` total has none to convert.
HOURS_ONLY_STEPS = frozenset({"scale", "group_credit", "hour_equivalent"})
# Requirement fields given in hours whatever the requirement's unit.
HOUR_FIELDS = ("min_hours", "required_above_hours", "min_hours_per_week", "max_hours_per_week")
# No amount in a real file comes near this; bounding numbers keeps minute arithmetic exact and
# every number printable (YAML also reads `.nan` and `.inf`, which no amount can be).
MAX_NUMBER = 10**9


@dataclass(frozen=True, slots=True)
class NewCategory:
    key: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class ProgramDocument:
    source: str
    canonical: dict[str, Any]
    checksum: str
    rules: RequirementSetRules
    new_categories: tuple[NewCategory, ...]


@cache
def program_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return schema


def document_checksum(canonical: Mapping[str, Any]) -> str:
    encoded = json.dumps(canonical, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def read_program_file(path: Path, *, vocabulary: Mapping[str, str]) -> ProgramDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputFileError(
            [Problem(str(path), None, "", f"cannot read file: {exc.strerror}")]
        ) from None
    except UnicodeDecodeError:
        raise InputFileError([Problem(str(path), None, "", "not UTF-8 text")]) from None
    return parse_program_text(text, source=str(path), vocabulary=vocabulary)


def parse_program_text(text: str, *, source: str, vocabulary: Mapping[str, str]) -> ProgramDocument:
    """Validate a program file. `vocabulary` maps known category keys to names."""
    located = parse_yaml(text, source)
    if not isinstance(located.data, dict):
        raise InputFileError([located.problem((), "a program file must be a YAML mapping")])
    located = LocatedDocument(located.source, _dates_as_text(located.data), located.root)
    _check_numbers(located)
    _check_schema(located)
    _check_meaning(located, vocabulary)
    canonical = canonicalize(located.data, vocabulary)
    try:
        rules = parse_requirement_set(canonical)
    except RuleDefinitionError as exc:
        raise InputFileError([located.problem(("requirements",), str(exc))]) from None
    new_categories = tuple(
        NewCategory(c["key"], c["name"], c.get("description", ""))
        for c in canonical["categories"]
        if c["key"] not in vocabulary
    )
    return ProgramDocument(source, canonical, document_checksum(canonical), rules, new_categories)


def _dates_as_text(value: Any) -> Any:
    """YAML reads `2026-06-30` as a date; the schema, the engine and the stored JSON want text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(item) for item in value]
    return value


def _check_numbers(located: LocatedDocument) -> None:
    problems = []
    stack: list[tuple[tuple[PathPart, ...], Any]] = [((), located.data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*path, key), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, i), item) for i, item in enumerate(value))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                problems.append(located.problem(path, f"{value} is not a number"))
            elif abs(value) > MAX_NUMBER:
                # Not the value itself: an integer of hundreds of digits does not format as a
                # float, and the line and field already say which one it is.
                message = f"is out of range (at most {MAX_NUMBER:,} either side of zero)"
                problems.append(located.problem(path, message))
    if problems:
        raise InputFileError(sorted(problems, key=lambda p: (p.line or 0, p.field)))


def _check_schema(located: LocatedDocument) -> None:
    validator = Draft202012Validator(program_schema())
    problems = []
    for error in validator.iter_errors(located.data):
        # For if/then dispatch the useful error is the innermost one.
        leaf = error
        while leaf.context:
            leaf = min(leaf.context, key=lambda e: len(e.relative_path))
        path = tuple(leaf.absolute_path)
        if leaf.validator == "additionalProperties" and isinstance(leaf.instance, dict):
            # Point at each unknown key's own line, not at the start of its section.
            allowed = set(leaf.schema.get("properties", {}))
            for key in sorted(set(leaf.instance) - allowed, key=str):
                problems.append(located.key_problem((*path, key), f"unknown field {key!r}"))
            continue
        problems.append(located.problem(path, _schema_message(leaf.message)))
    if problems:
        raise InputFileError(sorted(set(problems), key=lambda p: (p.line or 0, p.field)))


def _schema_message(message: str) -> str:
    return message.replace("Additional properties are not allowed", "unknown field")


def _check_meaning(located: LocatedDocument, vocabulary: Mapping[str, str]) -> None:
    data = located.data
    problems = _check_time_zone(located)
    known, category_problems = _check_categories(located, vocabulary)
    problems += category_problems + _check_status(located)
    cadences = {r["key"] for r in data["requirements"] if r["kind"] == "cadence"}
    seen_keys: set[str] = set()
    for i, requirement in enumerate(data["requirements"]):
        base: tuple[PathPart, ...] = ("requirements", i)
        if requirement["key"] in seen_keys:
            problems.append(
                located.problem(
                    (*base, "key"), f"requirement key {requirement['key']!r} is used twice"
                )
            )
        seen_keys.add(requirement["key"])
        problems += _check_requirement(located, requirement, base, known, cadences)
    if problems:
        raise InputFileError(problems)


def _check_time_zone(located: LocatedDocument) -> list[Problem]:
    time_zone = located.data["program"].get("time_zone", "UTC")
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return [
            located.problem(
                ("program", "time_zone"),
                f"unknown time zone {time_zone!r} (use an IANA name such as Europe/London)",
            )
        ]
    return []


def _check_categories(
    located: LocatedDocument, vocabulary: Mapping[str, str]
) -> tuple[set[str], list[Problem]]:
    """The keys a requirement may name (the vocabulary and the file's own), and the problems of
    the file's category list."""
    problems: list[Problem] = []
    known = set(vocabulary)
    listed: set[str] = set()
    for i, category in enumerate(located.data.get("categories", [])):
        key = category["key"]
        if key in listed:
            problems.append(
                located.problem(("categories", i, "key"), f"category {key!r} is listed twice")
            )
        listed.add(key)
        if key not in vocabulary and not category.get("name"):
            problems.append(
                located.problem(
                    ("categories", i, "key"),
                    f"category {key!r} is not in the shared vocabulary; give it a `name` to add it",
                )
            )
        known.add(key)
    return known, problems


def _check_status(located: LocatedDocument) -> list[Problem]:
    status = located.data.get("status", {})
    on_track = status.get("on_track_ratio", DEFAULT_STATUS["on_track_ratio"])
    at_risk = status.get("at_risk_ratio", DEFAULT_STATUS["at_risk_ratio"])
    if at_risk > on_track:
        return [
            located.problem(
                ("status", "at_risk_ratio"),
                f"at_risk_ratio ({at_risk}) must not exceed on_track_ratio ({on_track})",
            )
        ]
    return []


def _check_requirement(
    located: LocatedDocument,
    requirement: Mapping[str, Any],
    base: tuple[PathPart, ...],
    known: set[str],
    cadences: set[str],
) -> list[Problem]:
    problems = [
        located.problem(path, f"unknown category {key!r}")
        for path, key in _referenced_categories(requirement, base)
        if key not in known
    ]
    problems += _check_amounts(located, requirement, base)
    problems += _check_counted_once(located, requirement, base)
    problems += _check_steps(located, requirement, base, cadences)
    if requirement["kind"] == "share":
        problems += _check_share(located, requirement, base, located.data["requirements"])
    if requirement["kind"] == "ratio":
        both = _ratio_side(requirement, "categories", "counts") & _ratio_side(
            requirement, "per_categories", "per_counts"
        )
        if both:
            problems.append(
                located.problem(
                    (*base, "per_categories"),
                    f"categories on both sides of a ratio: {sorted(both)}",
                )
            )
    return problems


def _check_counted_once(
    located: LocatedDocument, requirement: Mapping[str, Any], base: tuple[PathPart, ...]
) -> list[Problem]:
    problems: list[Problem] = []
    counted: dict[str, int] = {}
    for j, count in enumerate(requirement.get("counts", [])):
        for k, key in enumerate(count["categories"]):
            if key in counted:
                problems.append(
                    located.problem(
                        (*base, "counts", j, "categories", k),
                        f"category {key!r} is already counted in counts[{counted[key]}]; "
                        "a minute may be counted only once per requirement",
                    )
                )
            # An entry with a filter passes on the sessions it refuses to later entries.
            if "where" not in count:
                counted.setdefault(key, j)
    return problems


def _check_steps(
    located: LocatedDocument,
    requirement: Mapping[str, Any],
    base: tuple[PathPart, ...],
    cadences: set[str],
) -> list[Problem]:
    problems: list[Problem] = []
    for path, step in _steps_of(requirement, base):
        [name] = step
        in_condition = "only_if" in path
        if (
            name in HOURS_ONLY_STEPS
            and requirement.get("unit", "hours") != "hours"
            and not in_condition
        ):
            problems.append(
                located.problem((*path, name), f"{name} needs unit hours (it works on minutes)")
            )
        if in_condition and name in ("only_if", "only_if_met", "cap_share"):
            problems.append(
                located.problem((*path, name), f"a condition's steps may not have {name}")
            )
        if name == "cap_share" and not _is_last_own_step(requirement, path, base):
            problems.append(located.problem((*path, name), CAP_SHARE_PLACE))
        if name == "only_if_met" and step[name]["requirement"] not in cadences:
            problems.append(
                located.problem(
                    (*path, name, "requirement"),
                    f"{step[name]['requirement']!r} is not a cadence requirement in this file",
                )
            )
    return problems


CAP_SHARE_PLACE = "cap_share must be the last of a total's own steps"


def _is_last_own_step(
    requirement: Mapping[str, Any], path: tuple[PathPart, ...], base: tuple[PathPart, ...]
) -> bool:
    own = requirement.get("steps", [])
    return requirement["kind"] == "total" and path == (*base, "steps", len(own) - 1)


def _ratio_side(requirement: Mapping[str, Any], plain: str, side: str) -> set[str]:
    if side in requirement:
        return {key for count in requirement[side] for key in count["categories"]}
    return set(requirement.get(plain, []))


def _steps_of(
    requirement: Mapping[str, Any], base: tuple[PathPart, ...]
) -> list[tuple[tuple[PathPart, ...], Mapping[str, Any]]]:
    """Every step of a requirement with its path: each entry's, then the requirement's own,
    and after an `only_if` with `counts` the steps of those counts."""
    found: list[tuple[tuple[PathPart, ...], Mapping[str, Any]]] = []

    def add(path: tuple[PathPart, ...], step: Mapping[str, Any]) -> None:
        found.append((path, step))
        for j, count in enumerate(step.get("only_if", {}).get("counts", [])):
            for n, inner in enumerate(count.get("steps", [])):
                add((*path, "only_if", "counts", j, "steps", n), inner)

    for field in ("counts", "per_counts"):
        for j, count in enumerate(requirement.get(field, [])):
            for n, step in enumerate(count.get("steps", [])):
                add((*base, field, j, "steps", n), step)
    for n, step in enumerate(requirement.get("steps", [])):
        add((*base, "steps", n), step)
    return found


def _check_share(
    located: LocatedDocument,
    requirement: Mapping[str, Any],
    base: tuple[PathPart, ...],
    requirements: list[Mapping[str, Any]],
) -> list[Problem]:
    target = next((r for r in requirements if r["key"] == requirement["requirement"]), None)
    if target is None or target["kind"] != "total":
        return [
            located.problem(
                (*base, "requirement"),
                f"{requirement['requirement']!r} is not a total requirement in this file",
            )
        ]
    credited = {key for count in target["counts"] for key in count["categories"]}
    return [
        located.problem(
            (*base, "categories", k), f"category {key!r} is not counted by {target['key']!r}"
        )
        for k, key in enumerate(requirement["categories"])
        if key not in credited
    ]


def _referenced_categories(
    requirement: Mapping[str, Any], base: tuple[PathPart, ...]
) -> list[tuple[tuple[PathPart, ...], str]]:
    found: list[tuple[tuple[PathPart, ...], str]] = []
    for field in ("categories", "per_categories", "trigger_categories"):
        for k, key in enumerate(requirement.get(field, [])):
            found.append(((*base, field, k), key))
    for field in ("counts", "per_counts"):
        for j, count in enumerate(requirement.get(field, [])):
            for k, key in enumerate(count["categories"]):
                found.append(((*base, field, j, "categories", k), key))
    own_case = requirement.get("own_case", {})
    for k, key in enumerate(own_case.get("categories", [])):
        found.append(((*base, "own_case", "categories", k), key))
    if "as" in own_case:
        found.append(((*base, "own_case", "as"), own_case["as"]))
    for path, step in _steps_of(requirement, base):
        [(name, value)] = step.items()
        for field in STEP_CATEGORY_FIELDS.get(name, ()):
            for k, key in enumerate(value.get(field, [])):
                found.append(((*path, name, field, k), key))
        if name == "only_if":
            for j, count in enumerate(value.get("counts", [])):
                for k, key in enumerate(count["categories"]):
                    found.append(((*path, name, "counts", j, "categories", k), key))
    return found


# Fields of a step's value that name categories (a condition's `counts` are walked as steps'
# owners by _steps_of, their categories here).
STEP_CATEGORY_FIELDS = {
    "only_if": ("categories", "extra_of"),
    "cap_share": ("categories", "of"),
}


Amount = tuple[tuple[PathPart, ...], Any, str]


def _step_amounts(
    step: Mapping[str, Any], step_base: tuple[PathPart, ...], unit: str
) -> list[Amount]:
    # A condition's own counts are measured in minutes whatever the requirement's unit.
    step_unit = "hours" if "only_if" in step_base else unit
    amounts: list[Amount] = []
    if "cap" in step:
        amounts.append(((*step_base, "cap"), step["cap"], step_unit))
    for name in ("cap_per_period", "cap_rolling"):
        if name in step:
            amounts.append(((*step_base, name, "amount"), step[name]["amount"], step_unit))
    if "multiply" in step and "input_cap" in step["multiply"]:
        amounts.append(
            ((*step_base, "multiply", "input_cap"), step["multiply"]["input_cap"], step_unit)
        )
    if "only_if" in step and "min_hours" in step["only_if"]:
        amounts.append(
            ((*step_base, "only_if", "min_hours"), step["only_if"]["min_hours"], "hours")
        )
    for i, extra in enumerate(step.get("only_if", {}).get("extra", [])):
        amounts.extend(_extra_amounts(extra, (*step_base, "only_if", "extra", i)))
    return amounts


def _extra_amounts(extra: Mapping[str, Any], path: tuple[PathPart, ...]) -> list[Amount]:
    return [
        ((*path, name), extra[name], "hours")
        for name in ("above_hours", "add_hours")
        if name in extra
    ]


def _requirement_amounts(
    requirement: Mapping[str, Any], base: tuple[PathPart, ...]
) -> list[Amount]:
    unit = requirement.get("unit", "hours")
    amounts: list[Amount] = []
    if requirement["kind"] == "total":
        amounts.append(((*base, "minimum"), requirement["minimum"], unit))
    for step_base, step in _steps_of(requirement, base):
        amounts.extend(_step_amounts(step, step_base, unit))
    for name in HOUR_FIELDS:
        if name in requirement:
            amounts.append(((*base, name), requirement[name], "hours"))
    if "own_case" in requirement:
        path = (*base, "own_case", "max_hours_per_session")
        amounts.append((path, requirement["own_case"]["max_hours_per_session"], "hours"))
    for i, extra in enumerate(requirement.get("extra", [])):
        amounts.extend(_extra_amounts(extra, (*base, "extra", i)))
    return amounts


def _check_amounts(
    located: LocatedDocument, requirement: Mapping[str, Any], base: tuple[PathPart, ...]
) -> list[Problem]:
    """Hours must be whole minutes; session counts must be whole sessions."""
    problems = []
    for path, value, amount_unit in _requirement_amounts(requirement, base):
        if amount_unit == "hours" and (Fraction(str(value)) * 60).denominator != 1:
            problems.append(
                located.problem(path, f"{value} hours is not a whole number of minutes")
            )
        if amount_unit == "sessions" and Fraction(str(value)).denominator != 1:
            problems.append(located.problem(path, f"{value} is not a whole number of sessions"))
    return problems


def _number(value: Any) -> Any:
    # 100.0 and 100 are the same amount; export the simpler spelling.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _canonical_multiply(value: Mapping[str, Any]) -> dict[str, Any]:
    multiply: dict[str, Any] = {"factor": value["factor"]}
    if "input_cap" in value:
        multiply["input_cap"] = _number(value["input_cap"])
    return multiply


def _canonical_only_if(value: Mapping[str, Any]) -> dict[str, Any]:
    only_if: dict[str, Any] = {"period": value["period"]}
    if "counts" in value:
        only_if["counts"] = _canonical_counts(value["counts"])
    else:
        only_if["categories"] = list(value["categories"])
    for key in ("min_hours", "min_sessions"):
        if key in value:
            only_if[key] = _number(value[key])
    only_if["same_setting"] = value.get("same_setting", False)
    # Issue 18's tiers are written only when given: older conditions keep their checksum.
    if value.get("extra"):
        only_if["extra"] = _canonical_extra(value["extra"])
        if "extra_of" in value:
            only_if["extra_of"] = list(value["extra_of"])
    return only_if


def _canonical_cap_share(value: Mapping[str, Any]) -> dict[str, Any]:
    cap_share: dict[str, Any] = {
        "categories": list(value["categories"]),
        "at_most": _number(value["at_most"]),
    }
    if "of" in value:
        cap_share["of"] = list(value["of"])
    return cap_share


def _canonical_own_case(value: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "categories": list(value["categories"]),
        "as": value["as"],
        "max_hours_per_session": _number(value["max_hours_per_session"]),
    }
    if "max_group_size" in value:
        out["max_group_size"] = value["max_group_size"]
    return out


def _canonical_extra(extras: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            key: _number(extra[key])
            for key in ("above_hours", "add_hours", "add_sessions")
            if key in extra
        }
        for extra in extras
    ]


# The stored form of each step's value, by step kind: one entry per kind, every default filled.
STEP_CANONICAL: dict[str, Callable[[Any], Any]] = {
    "cap": _number,
    "scale": _number,
    "cap_per_period": lambda value: {
        "period": value["period"],
        "amount": _number(value["amount"]),
    },
    "multiply": _canonical_multiply,
    "group_credit": lambda value: {
        "divide_above": value["divide_above"],
        "at_or_below": _number(value["at_or_below"]),
    },
    "hour_equivalent": lambda value: {
        "minutes": value["minutes"],
        "round_up_from": value.get("round_up_from", value["minutes"]),
    },
    "cap_rolling": lambda value: {"days": value["days"], "amount": _number(value["amount"])},
    "only_if": _canonical_only_if,
    "only_if_met": lambda value: {"requirement": value["requirement"]},
    "cap_share": _canonical_cap_share,
}


def _canonical_steps(steps: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for step in steps:
        [(name, value)] = step.items()
        out.append({name: STEP_CANONICAL[name](value)})
    return out


WHERE_ORDER = (
    "from",
    "until",
    "look_back",
    "weekdays",
    "approved_provider",
    "provider_kinds",
    "settings",
    "max_group_size",
    "min_session_minutes",
)


def _canonical_where(where: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in WHERE_ORDER:
        if key == "approved_provider":
            out[key] = where.get(key, False)
        elif key in ("provider_kinds", "settings") and key in where:
            out[key] = list(where[key])
        elif key == "weekdays" and key in where:
            # Week order, so the stored form does not depend on the order they were written in.
            out[key] = [day for day in WEEKDAYS if day in where[key]]
        elif key in where:
            out[key] = dict(where[key]) if isinstance(where[key], Mapping) else where[key]
    return out


def _canonical_counts(counts: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for count in counts:
        entry: dict[str, Any] = {
            "categories": list(count["categories"]),
            "steps": _canonical_steps(count.get("steps", [])),
        }
        if "where" in count:
            entry["where"] = _canonical_where(count["where"])
        out.append(entry)
    return out


def _canonical_leave_exemption(policy: Mapping[str, Any]) -> dict[str, Any]:
    out = {key: _number(policy[key]) for key in ("share", "days") if key in policy}
    if "leaves_of_at_least" in policy:
        out["leaves_of_at_least"] = dict(policy["leaves_of_at_least"])
    return out


def _canonical_cadence(r: Mapping[str, Any], out: dict[str, Any]) -> None:
    if "counts" in r:
        out["counts"] = _canonical_counts(r["counts"])
    else:
        out["categories"] = list(r["categories"])
    out["period"] = r["period"]
    if "min_sessions" in r:
        out["min_sessions"] = r["min_sessions"]
    if "min_hours" in r:
        out["min_hours"] = _number(r["min_hours"])
    out["allowed_misses"] = r.get("allowed_misses", 0)
    if "leave_exemption" in r:
        out["leave_exemption"] = _canonical_leave_exemption(r["leave_exemption"])
    # Options that came after the first cadences were stored are written only when they change
    # something, so those cadences keep their checksum (and version) when loaded again.
    # `distinct: day` is stored as `distinct_days: true`, as it was written before `distinct`.
    if r.get("distinct_days", False) or r.get("distinct") == "day":
        out["distinct_days"] = True
    elif "distinct" in r:
        out["distinct"] = r["distinct"]
    if "min_periods" in r:
        out["min_periods"] = r["min_periods"]
    if "trigger_categories" in r:
        out["trigger_categories"] = list(r["trigger_categories"])
    if "required_above_hours" in r:
        out["required_above_hours"] = _number(r["required_above_hours"])
    if r.get("extra"):
        out["extra"] = _canonical_extra(r["extra"])
    if r.get("per_setting", False):
        out["per_setting"] = True
    if "own_case" in r:
        out["own_case"] = _canonical_own_case(r["own_case"])


def _canonical_average(r: Mapping[str, Any], out: dict[str, Any]) -> None:
    out["categories"] = list(r["categories"])
    for key in ("block_weeks", "block_days"):
        if key in r:
            out[key] = r[key]
    for key in ("min_hours_per_week", "max_hours_per_week", "min_free_days_per_week"):
        if key in r:
            out[key] = _number(r[key])
    out["allowed_misses"] = r.get("allowed_misses", 0)


def _canonical_share(r: Mapping[str, Any], out: dict[str, Any]) -> None:
    out["requirement"] = r["requirement"]
    out["categories"] = list(r["categories"])
    for key in ("at_least", "at_most"):
        if key in r:
            out[key] = _number(r[key])
    out["of"] = r["of"]


def _canonical_distinct(r: Mapping[str, Any], out: dict[str, Any]) -> None:
    out["categories"] = list(r["categories"])
    out["of"] = r["of"]
    for key in ("at_least", "at_most"):
        if key in r:
            out[key] = r[key]
    if "per_period" in r:
        out["per_period"] = r["per_period"]


def _canonical_gap(r: Mapping[str, Any], out: dict[str, Any]) -> None:
    out["categories"] = list(r["categories"])
    out["max_days"] = r["max_days"]
    out["allowed_misses"] = r.get("allowed_misses", 0)


def _canonical_elapsed(r: Mapping[str, Any], out: dict[str, Any]) -> None:
    out["duration"] = dict(r["duration"])
    out["since"] = r.get("since", "start")
    if "milestone" in r:
        out["milestone"] = r["milestone"]
    if "categories" in r:
        out["categories"] = list(r["categories"])
    out["count_leave"] = r.get("count_leave", False)


# Kinds added with issue 3, one entry per kind: every default is written.
_CANONICAL_NEW_KIND: dict[str, Callable[[Mapping[str, Any], dict[str, Any]], None]] = {
    "average": _canonical_average,
    "share": _canonical_share,
    "distinct": _canonical_distinct,
    "gap": _canonical_gap,
    "elapsed": _canonical_elapsed,
}


def _canonical_new_kind(r: Mapping[str, Any], out: dict[str, Any]) -> None:
    _CANONICAL_NEW_KIND[r["kind"]](r, out)


def _canonical_requirement(r: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"key": r["key"], "name": r["name"], "kind": r["kind"]}
    if r.get("description"):
        out["description"] = r["description"]
    kind = r["kind"]
    if kind == "total":
        out["unit"] = r["unit"]
        out["minimum"] = _number(r["minimum"])
        out["counts"] = _canonical_counts(r["counts"])
        # Written only when used, so totals stored before requirement-level steps keep their
        # checksum.
        if r.get("steps"):
            out["steps"] = _canonical_steps(r["steps"])
        if "own_case" in r:
            out["own_case"] = _canonical_own_case(r["own_case"])
    elif kind == "cadence":
        _canonical_cadence(r, out)
    elif kind == "ratio":
        # Sides with steps (issue 18) are written as counts; plain sides as before.
        for plain, side in (("categories", "counts"), ("per_categories", "per_counts")):
            if side in r:
                out[side] = _canonical_counts(r[side])
            else:
                out[plain] = list(r[plain])
        out["per"] = _number(r["per"])
    else:
        _canonical_new_kind(r, out)
    if kind != "share":
        out["verified_only"] = r.get("verified_only", True)
    out["advisory"] = r.get("advisory", False)
    if "where" in r:
        out["where"] = _canonical_where(r["where"])
    return out


def _whole_numbers(value: Any) -> Any:
    """3.0 and 3 are the same amount; store one spelling so the checksum (and so the version)
    does not depend on how a number was typed."""
    if isinstance(value, dict):
        return {key: _whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    return _number(value)


def canonicalize(data: Mapping[str, Any], vocabulary: Mapping[str, str]) -> dict[str, Any]:
    """The stored form: defaults explicit, every referenced category listed with its settings."""
    categories: list[dict[str, Any]] = []
    listed: set[str] = set()
    for c in data.get("categories", []):
        entry: dict[str, Any] = {"key": c["key"]}
        if c.get("name"):
            entry["name"] = c["name"]
        elif c["key"] not in vocabulary:
            entry["name"] = c["key"]
        if c.get("description"):
            entry["description"] = c["description"]
        entry["private"] = c.get("private", c["key"] in PRIVATE_BY_DEFAULT)
        entry["verification"] = c.get("verification", "countersign")
        categories.append(entry)
        listed.add(c["key"])
    referenced: set[str] = set()
    for i, r in enumerate(data["requirements"]):
        referenced.update(key for _, key in _referenced_categories(r, ("requirements", i)))
    for key in sorted(referenced - listed):
        categories.append(
            {"key": key, "private": key in PRIVATE_BY_DEFAULT, "verification": "countersign"}
        )
    status = data.get("status", {})
    program = data["program"]
    # Written only when the file gives it, so files stored before it existed keep their checksum.
    leave = {}
    if "leave_exemption" in data:
        leave = {"leave_exemption": _canonical_leave_exemption(data["leave_exemption"])}
    canonical: dict[str, Any] = _whole_numbers(
        {
            "format": 1,
            "institution": {
                "slug": data["institution"]["slug"],
                "name": data["institution"]["name"],
            },
            "program": {
                "slug": program["slug"],
                "name": program["name"],
                "time_zone": program.get("time_zone", "UTC"),
                "week_start": program.get("week_start", "monday"),
            },
            "categories": categories,
            "status": {
                key: _number(status.get(key, default)) for key, default in DEFAULT_STATUS.items()
            },
            **leave,
            "requirements": [_canonical_requirement(r) for r in data["requirements"]],
        }
    )
    return canonical
