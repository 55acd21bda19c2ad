"""Reading a program file: YAML → JSON Schema → meaning → canonical document.

Every problem is collected with its file, line and field, and nothing is loaded unless the whole
file is valid. The canonical form fills every default explicitly, so what is stored, exported and
checksummed is exactly what the engine evaluates.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jsonschema import Draft202012Validator

from programs.definitions.errors import InputFileError, Problem
from programs.definitions.yaml_source import LocatedDocument, PathPart, parse_yaml
from programs.engine import RequirementSetRules, RuleDefinitionError, parse_requirement_set

SCHEMA_PATH = Path(__file__).with_name("program.schema.json")

# Safety default: a program that forgets to say so still keeps the trainee's own therapy private.
PRIVATE_BY_DEFAULT = frozenset({"personal_therapy", "personal_therapy_group", "training_analysis"})

DEFAULT_STATUS = {"on_track_ratio": 0.9, "at_risk_ratio": 0.75, "grace_days": 28}


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


def _check_schema(located: LocatedDocument) -> None:
    validator = Draft202012Validator(program_schema())
    problems = []
    for error in validator.iter_errors(located.data):
        # For if/then dispatch the useful error is the innermost one.
        leaf = error
        while leaf.context:
            leaf = min(leaf.context, key=lambda e: len(e.relative_path))
        path = tuple(leaf.absolute_path)
        problems.append(located.problem(path, _schema_message(leaf.message)))
    if problems:
        raise InputFileError(sorted(set(problems), key=lambda p: (p.line or 0, p.field)))


def _schema_message(message: str) -> str:
    return message.replace("Additional properties are not allowed", "unknown field")


def _check_meaning(located: LocatedDocument, vocabulary: Mapping[str, str]) -> None:
    data = located.data
    problems: list[Problem] = []

    def problem(path: tuple[PathPart, ...], message: str) -> None:
        problems.append(located.problem(path, message))

    time_zone = data["program"].get("time_zone", "UTC")
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        problem(
            ("program", "time_zone"),
            f"unknown time zone {time_zone!r} (use an IANA name such as Europe/London)",
        )

    known = set(vocabulary)
    listed: set[str] = set()
    for i, category in enumerate(data.get("categories", [])):
        key = category["key"]
        if key in listed:
            problem(("categories", i, "key"), f"category {key!r} is listed twice")
        listed.add(key)
        if key not in vocabulary and not category.get("name"):
            problem(
                ("categories", i, "key"),
                f"category {key!r} is not in the shared vocabulary; give it a `name` to add it",
            )
        known.add(key)

    status = data.get("status", {})
    on_track = status.get("on_track_ratio", DEFAULT_STATUS["on_track_ratio"])
    at_risk = status.get("at_risk_ratio", DEFAULT_STATUS["at_risk_ratio"])
    if at_risk > on_track:
        problem(
            ("status", "at_risk_ratio"),
            f"at_risk_ratio ({at_risk}) must not exceed on_track_ratio ({on_track})",
        )

    seen_keys: set[str] = set()
    for i, requirement in enumerate(data["requirements"]):
        base: tuple[PathPart, ...] = ("requirements", i)
        if requirement["key"] in seen_keys:
            problem((*base, "key"), f"requirement key {requirement['key']!r} is used twice")
        seen_keys.add(requirement["key"])
        for path, key in _referenced_categories(requirement, base):
            if key not in known:
                problem(path, f"unknown category {key!r}")
        problems.extend(_check_amounts(located, requirement, base))
        if requirement["kind"] == "total":
            counted: dict[str, int] = {}
            for j, count in enumerate(requirement["counts"]):
                for k, key in enumerate(count["categories"]):
                    if key in counted:
                        problem(
                            (*base, "counts", j, "categories", k),
                            f"category {key!r} is already counted in counts[{counted[key]}]; "
                            "a minute may be counted only once per requirement",
                        )
                    counted.setdefault(key, j)
        if requirement["kind"] == "ratio":
            both = set(requirement["categories"]) & set(requirement["per_categories"])
            if both:
                problem(
                    (*base, "per_categories"),
                    f"categories on both sides of a ratio: {sorted(both)}",
                )
    if problems:
        raise InputFileError(problems)


def _referenced_categories(
    requirement: Mapping[str, Any], base: tuple[PathPart, ...]
) -> list[tuple[tuple[PathPart, ...], str]]:
    found: list[tuple[tuple[PathPart, ...], str]] = []
    for field in ("categories", "per_categories"):
        for k, key in enumerate(requirement.get(field, [])):
            found.append(((*base, field, k), key))
    for j, count in enumerate(requirement.get("counts", [])):
        for k, key in enumerate(count["categories"]):
            found.append(((*base, "counts", j, "categories", k), key))
    return found


def _check_amounts(
    located: LocatedDocument, requirement: Mapping[str, Any], base: tuple[PathPart, ...]
) -> list[Problem]:
    """Hours must be whole minutes; session counts must be whole sessions."""
    unit = requirement.get("unit", "hours")
    amounts: list[tuple[tuple[PathPart, ...], Any, str]] = []
    if requirement["kind"] == "total":
        amounts.append(((*base, "minimum"), requirement["minimum"], unit))
        for j, count in enumerate(requirement["counts"]):
            for s, step in enumerate(count.get("steps", [])):
                step_base = (*base, "counts", j, "steps", s)
                if "cap" in step:
                    amounts.append(((*step_base, "cap"), step["cap"], unit))
                if "cap_per_period" in step:
                    amounts.append(
                        (
                            (*step_base, "cap_per_period", "amount"),
                            step["cap_per_period"]["amount"],
                            unit,
                        )
                    )
                if "multiply" in step and "input_cap" in step["multiply"]:
                    amounts.append(
                        ((*step_base, "multiply", "input_cap"), step["multiply"]["input_cap"], unit)
                    )
    if requirement["kind"] == "cadence" and "min_hours" in requirement:
        amounts.append(((*base, "min_hours"), requirement["min_hours"], "hours"))
    problems = []
    for path, value, amount_unit in amounts:
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


def _canonical_steps(steps: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for step in steps:
        if "cap" in step:
            out.append({"cap": _number(step["cap"])})
        elif "cap_per_period" in step:
            c = step["cap_per_period"]
            out.append({"cap_per_period": {"period": c["period"], "amount": _number(c["amount"])}})
        else:
            m = step["multiply"]
            multiply: dict[str, Any] = {"factor": m["factor"]}
            if "input_cap" in m:
                multiply["input_cap"] = _number(m["input_cap"])
            out.append({"multiply": multiply})
    return out


def _canonical_requirement(r: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"key": r["key"], "name": r["name"], "kind": r["kind"]}
    if r.get("description"):
        out["description"] = r["description"]
    if r["kind"] == "total":
        out["unit"] = r["unit"]
        out["minimum"] = _number(r["minimum"])
        out["counts"] = [
            {"categories": list(c["categories"]), "steps": _canonical_steps(c.get("steps", []))}
            for c in r["counts"]
        ]
    elif r["kind"] == "cadence":
        out["categories"] = list(r["categories"])
        out["period"] = r["period"]
        if "min_sessions" in r:
            out["min_sessions"] = r["min_sessions"]
        if "min_hours" in r:
            out["min_hours"] = _number(r["min_hours"])
        out["allowed_misses"] = r.get("allowed_misses", 0)
    else:
        out["categories"] = list(r["categories"])
        out["per_categories"] = list(r["per_categories"])
        out["per"] = _number(r["per"])
    out["verified_only"] = r.get("verified_only", True)
    out["advisory"] = r.get("advisory", False)
    return out


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
    for r in data["requirements"]:
        referenced.update(r.get("categories", []), r.get("per_categories", []))
        for count in r.get("counts", []):
            referenced.update(count["categories"])
    for key in sorted(referenced - listed):
        categories.append(
            {"key": key, "private": key in PRIVATE_BY_DEFAULT, "verification": "countersign"}
        )
    status = data.get("status", {})
    program = data["program"]
    return {
        "format": 1,
        "institution": {"slug": data["institution"]["slug"], "name": data["institution"]["name"]},
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
        "requirements": [_canonical_requirement(r) for r in data["requirements"]],
    }
