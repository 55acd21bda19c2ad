"""Rules the engine applies, parsed from a program document (docs/program-format.md).

Amounts are integers already in the rule's unit: minutes for `hours` rules, a count for
`sessions` rules. The JSON Schema has checked the shape before we get here; this module still
refuses anything it cannot interpret, naming the requirement key and field.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from programs.engine.amounts import (
    RuleDefinitionError,
    as_bool,
    as_mapping,
    as_sequence,
    as_str,
    check_keys,
    fraction,
    hours_to_minutes,
    whole_number,
)

__all__ = [
    "CadenceRule",
    "Cap",
    "CapPerPeriod",
    "CountSource",
    "Multiply",
    "Period",
    "RatioRule",
    "RequirementSetRules",
    "Rule",
    "RuleDefinitionError",
    "StatusThresholds",
    "Step",
    "TotalRule",
    "Unit",
    "parse_requirement_set",
]

Period = Literal["week", "month"]
Unit = Literal["hours", "sessions"]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
VERIFICATIONS = frozenset({"countersign", "attestation", "self_report"})


@dataclass(frozen=True, slots=True)
class StatusThresholds:
    on_track_ratio: Fraction = Fraction(9, 10)
    at_risk_ratio: Fraction = Fraction(3, 4)
    grace_days: int = 28


@dataclass(frozen=True, slots=True)
class CapPerPeriod:
    period: Period
    amount: int


@dataclass(frozen=True, slots=True)
class Cap:
    amount: int


@dataclass(frozen=True, slots=True)
class Multiply:
    factor: int
    input_cap: int | None = None


Step = CapPerPeriod | Cap | Multiply


@dataclass(frozen=True, slots=True)
class CountSource:
    categories: frozenset[str]
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True, slots=True)
class TotalRule:
    key: str
    name: str
    unit: Unit
    minimum: int
    counts: tuple[CountSource, ...]
    verified_only: bool = True
    advisory: bool = False

    @property
    def categories(self) -> frozenset[str]:
        return frozenset().union(*(source.categories for source in self.counts))


@dataclass(frozen=True, slots=True)
class CadenceRule:
    key: str
    name: str
    categories: frozenset[str]
    period: Period
    min_sessions: int | None = None
    min_minutes: int | None = None
    allowed_misses: int = 0
    verified_only: bool = True
    advisory: bool = False


@dataclass(frozen=True, slots=True)
class RatioRule:
    """minutes(categories) >= minutes(per_categories) / per; `per` may be a decimal in the file."""

    key: str
    name: str
    categories: frozenset[str]
    per_categories: frozenset[str]
    per: Fraction
    verified_only: bool = True
    advisory: bool = False


Rule = TotalRule | CadenceRule | RatioRule


@dataclass(frozen=True, slots=True)
class RequirementSetRules:
    week_start: int  # 0 = Monday .. 6 = Sunday, as date.weekday()
    self_reported_categories: frozenset[str]
    thresholds: StatusThresholds
    rules: tuple[Rule, ...]


# `description` is documentation: the schema allows it and the canonical form stores it.
_COMMON_KEYS = frozenset({"key", "name", "description", "kind", "verified_only", "advisory"})
_KIND_KEYS = {
    "total": _COMMON_KEYS | {"unit", "minimum", "counts"},
    "cadence": _COMMON_KEYS
    | {"categories", "period", "min_sessions", "min_hours", "allowed_misses"},
    "ratio": _COMMON_KEYS | {"categories", "per_categories", "per"},
}


def parse_requirement_set(definition: Mapping[str, object]) -> RequirementSetRules:
    """Turn a whole program document into engine rules; raises RuleDefinitionError."""
    document = as_mapping(definition, "document")
    if "format" in document and document["format"] != 1:
        raise RuleDefinitionError(f"format: unsupported format {document['format']!r}")
    rules: list[Rule] = []
    keys: set[str] = set()
    for index, raw in enumerate(as_sequence(document.get("requirements", []), "requirements")):
        rule = _parse_requirement(as_mapping(raw, f"requirements[{index}]"), index)
        if rule.key in keys:
            raise RuleDefinitionError(f"requirement {rule.key!r}: key: duplicate requirement key")
        keys.add(rule.key)
        rules.append(rule)
    return RequirementSetRules(
        week_start=_parse_week_start(document.get("program", {})),
        self_reported_categories=_parse_self_reported(document.get("categories", [])),
        thresholds=_parse_thresholds(document.get("status", {})),
        rules=tuple(rules),
    )


def _parse_week_start(raw: object) -> int:
    program = as_mapping(raw, "program")
    # Absent means ISO weeks, which start on Monday.
    name = as_str(program.get("week_start", "monday"), "program.week_start")
    if name not in WEEKDAYS:
        raise RuleDefinitionError(f"program.week_start: {name!r} is not a weekday name")
    return WEEKDAYS.index(name)


def _parse_self_reported(raw: object) -> frozenset[str]:
    seen: set[str] = set()
    self_reported: set[str] = set()
    for index, item in enumerate(as_sequence(raw, "categories")):
        where = f"categories[{index}]"
        category = as_mapping(item, where)
        key = as_str(category.get("key"), f"{where}.key")
        if key in seen:
            raise RuleDefinitionError(f"{where}.key: duplicate category {key!r}")
        seen.add(key)
        verification = as_str(category.get("verification", "countersign"), f"{where}.verification")
        if verification not in VERIFICATIONS:
            raise RuleDefinitionError(f"{where}.verification: unknown value {verification!r}")
        if verification == "self_report":
            self_reported.add(key)
    return frozenset(self_reported)


def _parse_thresholds(raw: object) -> StatusThresholds:
    status = as_mapping(raw, "status")
    check_keys(status, frozenset({"on_track_ratio", "at_risk_ratio", "grace_days"}), "status")
    defaults = StatusThresholds()
    on_track = fraction(
        status.get("on_track_ratio", defaults.on_track_ratio), "status.on_track_ratio"
    )
    at_risk = fraction(status.get("at_risk_ratio", defaults.at_risk_ratio), "status.at_risk_ratio")
    grace_days = whole_number(status.get("grace_days", defaults.grace_days), "status.grace_days")
    if not 0 < at_risk <= on_track <= 1:
        raise RuleDefinitionError(
            "status: need 0 < at_risk_ratio <= on_track_ratio <= 1, "
            f"got at_risk_ratio={float(at_risk):g} and on_track_ratio={float(on_track):g}"
        )
    return StatusThresholds(on_track_ratio=on_track, at_risk_ratio=at_risk, grace_days=grace_days)


def _parse_requirement(raw: Mapping[str, object], index: int) -> Rule:
    key = as_str(raw.get("key"), f"requirements[{index}].key")
    where = f"requirement {key!r}"
    kind = as_str(raw.get("kind"), f"{where}: kind")
    if kind not in _KIND_KEYS:
        raise RuleDefinitionError(
            f"{where}: kind: unknown kind {kind!r} (expected total, cadence or ratio)"
        )
    check_keys(raw, _KIND_KEYS[kind], where)
    name = as_str(raw.get("name", key), f"{where}: name")
    verified_only = as_bool(raw.get("verified_only", True), f"{where}: verified_only")
    advisory = as_bool(raw.get("advisory", False), f"{where}: advisory")
    if kind == "total":
        unit = _parse_unit(raw.get("unit"), where)
        return TotalRule(
            key=key,
            name=name,
            unit=unit,
            minimum=_amount(raw.get("minimum"), unit, f"{where}: minimum", positive=True),
            counts=_parse_counts(raw.get("counts"), unit, where),
            verified_only=verified_only,
            advisory=advisory,
        )
    if kind == "cadence":
        return _parse_cadence(raw, key, name, verified_only, advisory)
    categories = _categories(raw.get("categories"), f"{where}: categories")
    per_categories = _categories(raw.get("per_categories"), f"{where}: per_categories")
    if categories & per_categories:
        both = ", ".join(sorted(categories & per_categories))
        raise RuleDefinitionError(
            f"{where}: per_categories: {both} also listed in categories; a ratio needs two sides"
        )
    per = fraction(raw.get("per"), f"{where}: per")
    if per <= 0:
        raise RuleDefinitionError(f"{where}: per: must be positive, got {per}")
    return RatioRule(
        key=key,
        name=name,
        categories=categories,
        per_categories=per_categories,
        per=per,
        verified_only=verified_only,
        advisory=advisory,
    )


def _parse_cadence(
    raw: Mapping[str, object], key: str, name: str, verified_only: bool, advisory: bool
) -> CadenceRule:
    where = f"requirement {key!r}"
    min_sessions = min_minutes = None
    if raw.get("min_sessions") is not None:
        min_sessions = _amount(
            raw["min_sessions"], "sessions", f"{where}: min_sessions", positive=True
        )
    if raw.get("min_hours") is not None:
        min_minutes = _amount(raw["min_hours"], "hours", f"{where}: min_hours", positive=True)
    if min_sessions is None and min_minutes is None:
        raise RuleDefinitionError(f"{where}: min_sessions: give min_sessions and/or min_hours")
    allowed_misses = whole_number(raw.get("allowed_misses", 0), f"{where}: allowed_misses")
    return CadenceRule(
        key=key,
        name=name,
        categories=_categories(raw.get("categories"), f"{where}: categories"),
        period=_parse_period(raw.get("period"), f"{where}: period"),
        min_sessions=min_sessions,
        min_minutes=min_minutes,
        allowed_misses=allowed_misses,
        verified_only=verified_only,
        advisory=advisory,
    )


def _parse_counts(raw: object, unit: Unit, where: str) -> tuple[CountSource, ...]:
    sources: list[CountSource] = []
    seen: set[str] = set()
    entries = as_sequence(raw, f"{where}: counts")
    if not entries:
        raise RuleDefinitionError(f"{where}: counts: must list at least one entry")
    for index, item in enumerate(entries):
        field = f"{where}: counts[{index}]"
        entry = as_mapping(item, field)
        check_keys(entry, frozenset({"categories", "steps"}), field)
        categories = _categories(entry.get("categories"), f"{field}.categories")
        # One counts entry per category, so no minute is credited twice.
        if categories & seen:
            twice = ", ".join(sorted(categories & seen))
            raise RuleDefinitionError(
                f"{field}.categories: {twice} already listed in another counts entry"
            )
        seen |= categories
        steps = tuple(
            _parse_step(step, unit, f"{field}.steps[{step_index}]")
            for step_index, step in enumerate(as_sequence(entry.get("steps", []), f"{field}.steps"))
        )
        sources.append(CountSource(categories=categories, steps=steps))
    return tuple(sources)


def _parse_step(raw: object, unit: Unit, where: str) -> Step:
    step = as_mapping(raw, where)
    if len(step) != 1:
        raise RuleDefinitionError(
            f"{where}: a step has exactly one of cap_per_period, cap, multiply"
        )
    [(name, value)] = step.items()
    if name == "cap":
        return Cap(amount=_amount(value, unit, f"{where}.cap"))
    if name == "cap_per_period":
        body = as_mapping(value, f"{where}.cap_per_period")
        check_keys(body, frozenset({"period", "amount"}), f"{where}.cap_per_period")
        return CapPerPeriod(
            period=_parse_period(body.get("period"), f"{where}.cap_per_period.period"),
            amount=_amount(body.get("amount"), unit, f"{where}.cap_per_period.amount"),
        )
    if name == "multiply":
        body = as_mapping(value, f"{where}.multiply")
        check_keys(body, frozenset({"factor", "input_cap"}), f"{where}.multiply")
        factor = whole_number(body.get("factor"), f"{where}.multiply.factor")
        if factor < 1:
            raise RuleDefinitionError(f"{where}.multiply.factor: must be at least 1, got {factor}")
        input_cap = None
        if body.get("input_cap") is not None:
            input_cap = _amount(body["input_cap"], unit, f"{where}.multiply.input_cap")
        return Multiply(factor=factor, input_cap=input_cap)
    raise RuleDefinitionError(f"{where}: unknown step {name!r}")


def _amount(value: object, unit: Unit, where: str, *, positive: bool = False) -> int:
    """A whole amount in the rule's unit; caps may be 0 (the schema allows it: credits nothing)."""
    amount = hours_to_minutes(value, where) if unit == "hours" else whole_number(value, where)
    if positive and amount == 0:
        raise RuleDefinitionError(f"{where}: must be positive, got {value!r}")
    return amount


def _parse_unit(raw: object, where: str) -> Unit:
    unit = as_str(raw, f"{where}: unit")
    if unit == "hours":
        return "hours"
    if unit == "sessions":
        return "sessions"
    raise RuleDefinitionError(f"{where}: unit: {unit!r} is not hours or sessions")


def _parse_period(raw: object, where: str) -> Period:
    period = as_str(raw, where)
    if period == "week":
        return "week"
    if period == "month":
        return "month"
    raise RuleDefinitionError(f"{where}: {period!r} is not week or month")


def _categories(raw: object, where: str) -> frozenset[str]:
    items = as_sequence(raw, where)
    if not items:
        raise RuleDefinitionError(f"{where}: must list at least one category")
    return frozenset(as_str(item, where) for item in items)
