"""Turning a program document into engine rules (docs/program-format.md).

The JSON Schema has checked the shape before we get here; this module still refuses anything it
cannot interpret, naming the requirement key and field, so rules built from a stored document
are as trustworthy as rules built from a freshly validated file.
"""

from collections.abc import Mapping

from programs.engine.amounts import (
    RuleDefinitionError,
    as_bool,
    as_mapping,
    as_sequence,
    as_str,
    check_keys,
    fraction,
    whole_number,
)
from programs.engine.order import dependency_order, period_references
from programs.engine.parse_parts import (
    NOT_IN_A_CONDITION,
    WEEKDAYS,
    amount,
    categories_of,
    parse_counts,
    parse_duration,
    parse_extra,
    parse_leave_exemption,
    parse_own_case,
    parse_period,
    parse_steps,
    parse_sub_period,
    parse_unit,
    parse_where,
    positive_whole,
    share_fraction,
)
from programs.engine.rules import (
    AverageRule,
    CadenceRule,
    CapShare,
    CountSource,
    DistinctOf,
    DistinctRule,
    ElapsedRule,
    ElapsedSince,
    GapRule,
    LeaveExemption,
    Limit,
    OwnCase,
    RatioRule,
    RequirementSetRules,
    Rule,
    ShareRule,
    StatusThresholds,
    TotalRule,
)

__all__ = ["KINDS", "parse_requirement_set"]

VERIFICATIONS = frozenset({"countersign", "attestation", "self_report"})
KINDS = ("total", "cadence", "ratio", "average", "share", "distinct", "gap", "elapsed")
DISTINCT_OF: tuple[DistinctOf, ...] = ("provider", "client", "setting", "day", "week", "month")
ELAPSED_SINCE: tuple[ElapsedSince, ...] = ("start", "first_session", "milestone")

# `description` is documentation: the schema allows it and the canonical form stores it.
_BASE_KEYS = frozenset({"key", "name", "description", "kind", "advisory"})
_COMMON_KEYS = _BASE_KEYS | {"verified_only", "where"}
_KIND_KEYS = {
    "total": _COMMON_KEYS | {"unit", "minimum", "counts", "steps", "own_case"},
    "cadence": _COMMON_KEYS
    | {
        "categories",
        "counts",
        "period",
        "min_sessions",
        "min_hours",
        "allowed_misses",
        "distinct_days",
        "distinct",
        "leave_exemption",
        "per_setting",
        "own_case",
        "min_periods",
        "trigger_categories",
        "required_above_hours",
        "extra",
    },
    "ratio": _COMMON_KEYS | {"categories", "per_categories", "per", "counts", "per_counts"},
    "average": _COMMON_KEYS
    | {
        "categories",
        "block_weeks",
        "block_days",
        "min_hours_per_week",
        "max_hours_per_week",
        "min_free_days_per_week",
        "allowed_misses",
    },
    "share": _BASE_KEYS | {"requirement", "categories", "at_least", "at_most", "of"},
    "distinct": _COMMON_KEYS | {"categories", "of", "at_least", "at_most", "per_period"},
    "gap": _COMMON_KEYS | {"categories", "max_days", "allowed_misses"},
    "elapsed": _BASE_KEYS
    | {"verified_only", "duration", "since", "milestone", "categories", "count_leave"},
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
    _check_share_references(rules)
    _check_period_references(rules)
    leave = document.get("leave_exemption")
    return RequirementSetRules(
        week_start=_parse_week_start(document.get("program", {})),
        self_reported_categories=_parse_self_reported(document.get("categories", [])),
        thresholds=_parse_thresholds(document.get("status", {})),
        rules=tuple(rules),
        leave_exemption=LeaveExemption()
        if leave is None
        else parse_leave_exemption(leave, "leave_exemption"),
    )


def _check_share_references(rules: list[Rule]) -> None:
    totals = {rule.key: rule for rule in rules if isinstance(rule, TotalRule)}
    for rule in rules:
        if not isinstance(rule, ShareRule):
            continue
        where = f"requirement {rule.key!r}: requirement"
        total = totals.get(rule.requirement)
        if total is None:
            raise RuleDefinitionError(f"{where}: {rule.requirement!r} is not a total requirement")
        outside = rule.categories - total.categories
        if outside:
            raise RuleDefinitionError(
                f"requirement {rule.key!r}: categories: {', '.join(sorted(outside))} not "
                f"credited by {rule.requirement!r}"
            )


def _check_period_references(rules: list[Rule]) -> None:
    """Every `only_if_met` names a cadence in the set, and no requirement reads itself."""
    cadences = {rule.key for rule in rules if isinstance(rule, CadenceRule)}
    for rule in rules:
        for key in period_references(rule):
            if key not in cadences:
                raise RuleDefinitionError(
                    f"requirement {rule.key!r}: only_if_met: {key!r} is not a cadence requirement"
                )
    try:
        dependency_order(rules)
    except ValueError as exc:
        raise RuleDefinitionError(str(exc)) from None


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


class _Fields:
    """The fields every kind shares, read once."""

    def __init__(self, raw: Mapping[str, object], key: str) -> None:
        self.raw = raw
        self.key = key
        self.where = f"requirement {key!r}"
        self.name = as_str(raw.get("name", key), f"{self.where}: name")
        self.verified_only = as_bool(raw.get("verified_only", True), f"{self.where}: verified_only")
        self.advisory = as_bool(raw.get("advisory", False), f"{self.where}: advisory")
        self.filter = parse_where(raw.get("where"), f"{self.where}: ")

    def field(self, name: str) -> str:
        return f"{self.where}: {name}"

    def categories(self, name: str = "categories") -> frozenset[str]:
        return categories_of(self.raw.get(name), self.field(name))

    def own_case(self, credited: frozenset[str]) -> OwnCase | None:
        raw = self.raw.get("own_case")
        return None if raw is None else parse_own_case(raw, credited, self.field("own_case"))

    def limit(self) -> tuple[Limit, object]:
        """Exactly one of at_least / at_most, and its value."""
        given = [name for name in ("at_least", "at_most") if self.raw.get(name) is not None]
        if len(given) != 1:
            raise RuleDefinitionError(
                f"{self.where}: at_least: give exactly one of at_least, at_most"
            )
        [name] = given
        return ("at_least" if name == "at_least" else "at_most"), self.raw[name]


def _parse_requirement(raw: Mapping[str, object], index: int) -> Rule:
    key = as_str(raw.get("key"), f"requirements[{index}].key")
    where = f"requirement {key!r}"
    kind = as_str(raw.get("kind"), f"{where}: kind")
    if kind not in _KIND_KEYS:
        raise RuleDefinitionError(
            f"{where}: kind: unknown kind {kind!r} (expected {', '.join(KINDS)})"
        )
    check_keys(raw, _KIND_KEYS[kind], where)
    fields = _Fields(raw, key)
    if kind == "total":
        return _parse_total(fields)
    if kind == "cadence":
        return _parse_cadence(fields)
    if kind == "average":
        return _parse_average(fields)
    if kind == "share":
        return _parse_share(fields)
    if kind == "distinct":
        return _parse_distinct(fields)
    if kind == "gap":
        return _parse_gap(fields)
    if kind == "elapsed":
        return _parse_elapsed(fields)
    return _parse_ratio(fields)


def _parse_total(f: _Fields) -> TotalRule:
    unit = parse_unit(f.raw.get("unit"), f.where)
    counts = parse_counts(f.raw.get("counts"), unit, f.where)
    _no_cap_share_in(counts, f)
    steps = parse_steps(f.raw.get("steps", []), unit, f.field("steps"))
    credited = frozenset().union(*(source.categories for source in counts))
    for index, step in enumerate(steps):
        if not isinstance(step, CapShare):
            continue
        where = f"{f.where}: steps[{index}].cap_share"
        # It reads the whole credit, so nothing may come after it (nor a second one).
        if index != len(steps) - 1:
            raise RuleDefinitionError(f"{where}: must be the last step")
        for name, categories in (("categories", step.categories), ("of", step.of)):
            outside = (categories or frozenset()) - credited
            if outside:
                raise RuleDefinitionError(
                    f"{where}.{name}: {', '.join(sorted(outside))} not credited by {f.key!r}"
                )
    return TotalRule(
        key=f.key,
        name=f.name,
        unit=unit,
        minimum=amount(f.raw.get("minimum"), unit, f.field("minimum"), positive=True),
        counts=counts,
        verified_only=f.verified_only,
        advisory=f.advisory,
        where=f.filter,
        steps=steps,
        own_case=f.own_case(credited),
    )


def _no_cap_share_in(counts: tuple[CountSource, ...], f: _Fields) -> None:
    for index, source in enumerate(counts):
        if any(isinstance(step, CapShare) for step in source.steps):
            raise RuleDefinitionError(
                f"{f.where}: counts[{index}].steps: cap_share is a step of a total's own steps"
            )


def _parse_ratio(f: _Fields) -> RatioRule:
    raw = f.raw
    counts: tuple[CountSource, ...] = ()
    per_counts: tuple[CountSource, ...] = ()
    for side, plain in (("counts", "categories"), ("per_counts", "per_categories")):
        if (side in raw) == (plain in raw):
            raise RuleDefinitionError(f"{f.where}: {plain}: give exactly one of {plain}, {side}")
    if "counts" in raw:
        counts = parse_counts(raw["counts"], "hours", f.where)
        categories = frozenset().union(*(c.categories for c in counts))
    else:
        categories = f.categories()
    if "per_counts" in raw:
        per_counts = parse_counts(raw["per_counts"], "hours", f.where, "per_counts")
        per_categories = frozenset().union(*(c.categories for c in per_counts))
    else:
        per_categories = f.categories("per_categories")
    for source in (*counts, *per_counts):
        if any(type(step) in NOT_IN_A_CONDITION for step in source.steps):
            raise RuleDefinitionError(
                f"{f.where}: counts: a ratio's steps may not be only_if, only_if_met or cap_share"
            )
    if categories & per_categories:
        both = ", ".join(sorted(categories & per_categories))
        raise RuleDefinitionError(
            f"{f.where}: per_categories: {both} also listed in categories; a ratio needs two sides"
        )
    per = fraction(f.raw.get("per"), f.field("per"))
    if per <= 0:
        raise RuleDefinitionError(f"{f.where}: per: must be positive, got {per}")
    return RatioRule(
        key=f.key,
        name=f.name,
        categories=categories,
        per_categories=per_categories,
        per=per,
        verified_only=f.verified_only,
        advisory=f.advisory,
        where=f.filter,
        counts=counts,
        per_counts=per_counts,
    )


def _parse_cadence(f: _Fields) -> CadenceRule:
    raw = f.raw
    min_sessions = min_minutes = None
    if raw.get("min_sessions") is not None:
        min_sessions = amount(
            raw["min_sessions"], "sessions", f.field("min_sessions"), positive=True
        )
    if raw.get("min_hours") is not None:
        min_minutes = amount(raw["min_hours"], "hours", f.field("min_hours"), positive=True)
    if min_sessions is None and min_minutes is None:
        raise RuleDefinitionError(f"{f.where}: min_sessions: give min_sessions and/or min_hours")
    allowed_misses = whole_number(raw.get("allowed_misses", 0), f.field("allowed_misses"))
    min_periods = None
    if raw.get("min_periods") is not None:
        min_periods = positive_whole(raw["min_periods"], f.field("min_periods"))
        if allowed_misses:
            raise RuleDefinitionError(
                f"{f.where}: min_periods: give min_periods or allowed_misses, not both"
            )
    if ("categories" in raw) == ("counts" in raw):
        raise RuleDefinitionError(f"{f.where}: categories: give exactly one of categories, counts")
    counts = parse_counts(raw["counts"], "hours", f.where) if "counts" in raw else ()
    categories = frozenset().union(*(c.categories for c in counts)) if counts else f.categories()
    _no_cap_share_in(counts, f)
    trigger: frozenset[str] = frozenset()
    if raw.get("trigger_categories") is not None:
        trigger = f.categories("trigger_categories")
        if trigger & categories:
            both = ", ".join(sorted(trigger & categories))
            raise RuleDefinitionError(
                f"{f.where}: trigger_categories: {both} also counted by the cadence"
            )
    above = None
    if raw.get("required_above_hours") is not None:
        above = amount(raw["required_above_hours"], "hours", f.field("required_above_hours"))
    extra = tuple(
        parse_extra(item, f"{f.where}: extra[{index}]")
        for index, item in enumerate(as_sequence(raw.get("extra", []), f.field("extra")))
    )
    if (above is not None or extra) and not trigger:
        raise RuleDefinitionError(
            f"{f.where}: trigger_categories: needed by required_above_hours and extra"
        )
    period = parse_period(raw.get("period"), f.field("period"))
    distinct_days = as_bool(raw.get("distinct_days", False), f.field("distinct_days"))
    distinct = None
    if raw.get("distinct") is not None:
        if distinct_days:
            raise RuleDefinitionError(f"{f.where}: distinct: give distinct or distinct_days")
        distinct = parse_sub_period(raw["distinct"], period, f.field("distinct"))
        distinct_days, distinct = distinct == "day", (None if distinct == "day" else distinct)
    per_setting = as_bool(raw.get("per_setting", False), f.field("per_setting"))
    if per_setting and min_periods is not None:
        raise RuleDefinitionError(f"{f.where}: per_setting: not with min_periods")
    return CadenceRule(
        key=f.key,
        name=f.name,
        categories=categories,
        period=period,
        min_sessions=min_sessions,
        min_minutes=min_minutes,
        allowed_misses=allowed_misses,
        verified_only=f.verified_only,
        advisory=f.advisory,
        counts=counts,
        distinct_days=distinct_days,
        min_periods=min_periods,
        trigger_categories=trigger,
        required_above_minutes=above,
        extra=extra,
        where=f.filter,
        distinct=distinct,
        leave_exemption=None
        if raw.get("leave_exemption") is None
        else parse_leave_exemption(raw["leave_exemption"], f.field("leave_exemption")),
        per_setting=per_setting,
        own_case=f.own_case(categories),
    )


AVERAGE_MEASURES = ("min_hours_per_week", "max_hours_per_week", "min_free_days_per_week")


def _parse_average(f: _Fields) -> AverageRule:
    given = [name for name in AVERAGE_MEASURES if f.raw.get(name) is not None]
    if "min_free_days_per_week" in given and len(given) > 1:
        raise RuleDefinitionError(
            f"{f.where}: min_free_days_per_week: not with min_hours_per_week or max_hours_per_week"
        )
    if len(given) != 1:
        raise RuleDefinitionError(
            f"{f.where}: min_hours_per_week: give exactly one of min_hours_per_week, "
            "max_hours_per_week (or min_free_days_per_week alone)"
            if given
            else f"{f.where}: min_hours_per_week: give exactly one of min_hours_per_week, "
            "max_hours_per_week"
        )
    [name] = given
    if (f.raw.get("block_weeks") is None) == (f.raw.get("block_days") is None):
        raise RuleDefinitionError(
            f"{f.where}: block_weeks: give exactly one of block_weeks, block_days"
        )
    block_weeks = block_days = 0
    if f.raw.get("block_days") is not None:
        block_days = positive_whole(f.raw["block_days"], f.field("block_days"))
    else:
        block_weeks = positive_whole(f.raw.get("block_weeks"), f.field("block_weeks"))
    free_days = None
    minutes_per_week = 0
    if name == "min_free_days_per_week":
        free_days = fraction(f.raw[name], f.field(name))
        if not 0 < free_days <= 7:
            raise RuleDefinitionError(f"{f.where}: {name}: must be more than 0 and at most 7")
    else:
        minutes_per_week = amount(f.raw[name], "hours", f.field(name), positive=True)
    return AverageRule(
        key=f.key,
        name=f.name,
        categories=f.categories(),
        block_weeks=block_weeks,
        minutes_per_week=minutes_per_week,
        block_days=block_days or None,
        free_days_per_week=free_days,
        limit="at_most" if name == "max_hours_per_week" else "at_least",
        allowed_misses=whole_number(f.raw.get("allowed_misses", 0), f.field("allowed_misses")),
        verified_only=f.verified_only,
        advisory=f.advisory,
        where=f.filter,
    )


def _parse_share(f: _Fields) -> ShareRule:
    limit, value = f.limit()
    of = as_str(f.raw.get("of"), f.field("of"))
    if of not in ("actual", "required"):
        raise RuleDefinitionError(f"{f.where}: of: {of!r} is not actual or required")
    return ShareRule(
        key=f.key,
        name=f.name,
        requirement=as_str(f.raw.get("requirement"), f.field("requirement")),
        categories=f.categories(),
        fraction=share_fraction(value, f.field(limit)),
        limit=limit,
        of="actual" if of == "actual" else "required",
        advisory=f.advisory,
    )


def _parse_distinct(f: _Fields) -> DistinctRule:
    limit, value = f.limit()
    of = as_str(f.raw.get("of"), f.field("of"))
    if of not in DISTINCT_OF:
        raise RuleDefinitionError(f"{f.where}: of: {of!r} is not one of {', '.join(DISTINCT_OF)}")
    per_period = None
    if f.raw.get("per_period") is not None:
        per_period = parse_period(f.raw["per_period"], f.field("per_period"))
        if limit != "at_most":
            raise RuleDefinitionError(f"{f.where}: per_period: only with at_most")
    return DistinctRule(
        key=f.key,
        name=f.name,
        categories=f.categories(),
        of=next(name for name in DISTINCT_OF if name == of),
        count=positive_whole(value, f.field(limit)),
        limit=limit,
        per_period=per_period,
        verified_only=f.verified_only,
        advisory=f.advisory,
        where=f.filter,
    )


def _parse_gap(f: _Fields) -> GapRule:
    return GapRule(
        key=f.key,
        name=f.name,
        categories=f.categories(),
        max_days=positive_whole(f.raw.get("max_days"), f.field("max_days")),
        allowed_misses=whole_number(f.raw.get("allowed_misses", 0), f.field("allowed_misses")),
        verified_only=f.verified_only,
        advisory=f.advisory,
        where=f.filter,
    )


def _parse_elapsed(f: _Fields) -> ElapsedRule:
    since_name = as_str(f.raw.get("since", "start"), f.field("since"))
    since = next((name for name in ELAPSED_SINCE if name == since_name), None)
    if since is None:
        raise RuleDefinitionError(
            f"{f.where}: since: {since_name!r} is not start, first_session or milestone"
        )
    milestone = None
    categories: frozenset[str] = frozenset()
    if since == "milestone":
        milestone = as_str(f.raw.get("milestone"), f.field("milestone"))
    elif f.raw.get("milestone") is not None:
        raise RuleDefinitionError(f"{f.where}: milestone: only with since: milestone")
    if since == "first_session":
        categories = f.categories()
    elif f.raw.get("categories") is not None:
        raise RuleDefinitionError(f"{f.where}: categories: only with since: first_session")
    return ElapsedRule(
        key=f.key,
        name=f.name,
        duration=parse_duration(f.raw.get("duration"), f.field("duration")),
        since=since,
        milestone=milestone,
        categories=categories,
        count_leave=as_bool(f.raw.get("count_leave", False), f.field("count_leave")),
        verified_only=f.verified_only,
        advisory=f.advisory,
    )
