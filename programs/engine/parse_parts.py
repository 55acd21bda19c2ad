"""Parsing the parts rule kinds share: amounts, periods, durations, `where` filters, counts, steps.

Every error names the requirement key and the field, as the spec asks.
"""

from collections.abc import Callable, Mapping
from datetime import date
from fractions import Fraction

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
from programs.engine.facts import is_setting_key
from programs.engine.rules import (
    CadenceExtra,
    Cap,
    CapPerPeriod,
    CapRolling,
    CapShare,
    CountSource,
    DateAnchor,
    Duration,
    GroupCredit,
    HourEquivalent,
    LeaveExemption,
    LookBack,
    Multiply,
    OnlyIf,
    OnlyIfMet,
    OwnCase,
    Period,
    Scale,
    SessionFilter,
    Step,
    SubPeriod,
    Unit,
)

SUB_PERIODS: tuple[SubPeriod, ...] = ("day", "week", "month")

STEP_NAMES = (
    "cap_per_period",
    "cap",
    "multiply",
    "scale",
    "group_credit",
    "hour_equivalent",
    "cap_rolling",
    "only_if",
    "only_if_met",
    "cap_share",
)
# Steps that turn minutes into other minutes; a `sessions` total has no minutes to convert.
MINUTE_STEPS = frozenset({"scale", "group_credit", "hour_equivalent"})
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WHERE_KEYS = frozenset(
    {
        "from",
        "until",
        "look_back",
        "weekdays",
        "approved_provider",
        "provider_kinds",
        "settings",
        "max_group_size",
        "min_session_minutes",
    }
)
DURATION_KEYS = ("years", "months", "weeks", "days")
NOT_A_SETTING = "is not a setting key (letters, digits, - and _, as a session's setting)"


def amount(value: object, unit: Unit, where: str, *, positive: bool = False) -> int:
    """A whole amount in the rule's unit; caps may be 0 (the schema allows it: credits nothing)."""
    result = hours_to_minutes(value, where) if unit == "hours" else whole_number(value, where)
    if positive and result == 0:
        raise RuleDefinitionError(f"{where}: must be positive, got {value!r}")
    return result


def positive_whole(value: object, where: str) -> int:
    number = whole_number(value, where)
    if number == 0:
        raise RuleDefinitionError(f"{where}: must be positive, got {value!r}")
    return number


def positive_fraction(value: object, where: str) -> Fraction:
    number = fraction(value, where)
    if number <= 0:
        raise RuleDefinitionError(f"{where}: must be positive, got {value!r}")
    return number


def share_fraction(value: object, where: str) -> Fraction:
    number = fraction(value, where)
    if not 0 < number <= 1:
        raise RuleDefinitionError(f"{where}: must be more than 0 and at most 1, got {value!r}")
    return number


def parse_unit(raw: object, where: str) -> Unit:
    unit = as_str(raw, f"{where}: unit")
    if unit == "hours":
        return "hours"
    if unit == "sessions":
        return "sessions"
    raise RuleDefinitionError(f"{where}: unit: {unit!r} is not hours or sessions")


def parse_period(raw: object, where: str) -> Period:
    period = as_str(raw, where)
    if period == "week":
        return "week"
    if period == "month":
        return "month"
    if period == "enrollment_year":
        return "enrollment_year"
    raise RuleDefinitionError(f"{where}: {period!r} is not week, month or enrollment_year")


# Shortest first: a sub-period must be shorter than the period it divides.
_LENGTHS = ("day", "week", "month", "enrollment_year")


def parse_sub_period(raw: object, period: Period, where: str) -> SubPeriod:
    name = as_str(raw, where)
    sub = next((unit for unit in SUB_PERIODS if unit == name), None)
    if sub is None:
        raise RuleDefinitionError(f"{where}: {name!r} is not day, week or month")
    if _LENGTHS.index(sub) >= _LENGTHS.index(period):
        raise RuleDefinitionError(f"{where}: a {sub} is not shorter than the period ({period})")
    return sub


def parse_leave_exemption(raw: object, where: str) -> LeaveExemption:
    """`{share: F}` or `{days: N}`, optionally with `leaves_of_at_least: {months: 1}`."""
    body = as_mapping(raw, where)
    check_keys(body, frozenset({"share", "days", "leaves_of_at_least"}), where)
    if ("share" in body) == ("days" in body):
        raise RuleDefinitionError(f"{where}: give exactly one of share, days")
    longest = None
    if body.get("leaves_of_at_least") is not None:
        longest = parse_duration(body["leaves_of_at_least"], f"{where}.leaves_of_at_least")
    if "days" in body:
        return LeaveExemption(
            share=None,
            days=positive_whole(body["days"], f"{where}.days"),
            leaves_of_at_least=longest,
        )
    return LeaveExemption(
        share=share_fraction(body["share"], f"{where}.share"), leaves_of_at_least=longest
    )


def parse_extra(raw: object, where: str) -> CadenceExtra:
    body = as_mapping(raw, where)
    check_keys(body, frozenset({"above_hours", "add_sessions", "add_hours"}), where)
    add_sessions = add_minutes = None
    if body.get("add_sessions") is not None:
        add_sessions = positive_whole(body["add_sessions"], f"{where}.add_sessions")
    if body.get("add_hours") is not None:
        add_minutes = amount(body["add_hours"], "hours", f"{where}.add_hours", positive=True)
    if add_sessions is None and add_minutes is None:
        raise RuleDefinitionError(f"{where}: give add_sessions and/or add_hours")
    return CadenceExtra(
        above_minutes=amount(body.get("above_hours"), "hours", f"{where}.above_hours"),
        add_sessions=add_sessions,
        add_minutes=add_minutes,
    )


def parse_own_case(raw: object, credited: frozenset[str], where: str) -> OwnCase:
    """`{categories, as, max_hours_per_session, max_group_size}`; both parts must be credited."""
    body = as_mapping(raw, where)
    check_keys(
        body, frozenset({"categories", "as", "max_hours_per_session", "max_group_size"}), where
    )
    categories = categories_of(body.get("categories"), f"{where}.categories")
    as_category = as_str(body.get("as"), f"{where}.as")
    if as_category in categories:
        raise RuleDefinitionError(f"{where}.as: {as_category} is also split")
    for name, names in (("categories", categories), ("as", frozenset({as_category}))):
        outside = names - credited
        if outside:
            raise RuleDefinitionError(
                f"{where}.{name}: {', '.join(sorted(outside))} not counted by the requirement"
            )
    group = body.get("max_group_size")
    return OwnCase(
        categories=categories,
        as_category=as_category,
        max_minutes=amount(
            body.get("max_hours_per_session"),
            "hours",
            f"{where}.max_hours_per_session",
            positive=True,
        ),
        max_group_size=None if group is None else positive_whole(group, f"{where}.max_group_size"),
    )


def categories_of(raw: object, where: str) -> frozenset[str]:
    items = as_sequence(raw, where)
    if not items:
        raise RuleDefinitionError(f"{where}: must list at least one category")
    return frozenset(as_str(item, where) for item in items)


def parse_duration(raw: object, where: str) -> Duration:
    """Exactly one of years, months, weeks, days: a positive whole number."""
    body = as_mapping(raw, where)
    check_keys(body, frozenset(DURATION_KEYS), where)
    if len(body) != 1:
        raise RuleDefinitionError(f"{where}: give exactly one of years, months, weeks, days")
    [(unit, value)] = body.items()
    count = positive_whole(value, f"{where}.{unit}")
    return Duration(**{unit: count})


def parse_date(raw: object, where: str) -> date:
    if isinstance(raw, date):
        return raw
    text = as_str(raw, where)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RuleDefinitionError(f"{where}: {text!r} is not a date (YYYY-MM-DD)") from None


def _parse_anchor(raw: object, where: str) -> DateAnchor:
    body = as_mapping(raw, where)
    check_keys(body, frozenset({"milestone", "date"}), where)
    if len(body) != 1:
        raise RuleDefinitionError(f"{where}: give exactly one of milestone, date")
    if "milestone" in body:
        return DateAnchor(milestone=as_str(body["milestone"], f"{where}.milestone"))
    return DateAnchor(date=parse_date(body["date"], f"{where}.date"))


def parse_where(raw: object, where: str) -> SessionFilter | None:
    if raw is None:
        return None
    field = f"{where}where"
    body = as_mapping(raw, field)
    check_keys(body, WHERE_KEYS, field)
    look_back = None
    if "look_back" in body:
        look = dict(as_mapping(body["look_back"], f"{field}.look_back"))
        milestone = look.pop("from_milestone", None)
        look_back = LookBack(
            duration=parse_duration(look, f"{field}.look_back"),
            from_milestone=None
            if milestone is None
            else as_str(milestone, f"{field}.look_back.from_milestone"),
        )
    kinds = body.get("provider_kinds")
    settings = body.get("settings")
    group = body.get("max_group_size")
    shortest = body.get("min_session_minutes")
    weekdays = body.get("weekdays")
    return SessionFilter(
        on_or_after=None if "from" not in body else _parse_anchor(body["from"], f"{field}.from"),
        on_or_before=None
        if "until" not in body
        else _parse_anchor(body["until"], f"{field}.until"),
        look_back=look_back,
        approved_provider=as_bool(
            body.get("approved_provider", False), f"{field}.approved_provider"
        ),
        provider_kinds=None if kinds is None else _names(kinds, f"{field}.provider_kinds"),
        settings=None if settings is None else _settings(settings, f"{field}.settings"),
        max_group_size=None if group is None else positive_whole(group, f"{field}.max_group_size"),
        min_session_minutes=None
        if shortest is None
        else positive_whole(shortest, f"{field}.min_session_minutes"),
        weekdays=None if weekdays is None else parse_weekdays(weekdays, f"{field}.weekdays"),
    )


def parse_weekdays(raw: object, where: str) -> frozenset[int]:
    """Weekday names to date.weekday() numbers (0 = Monday)."""
    numbers = set()
    for name in _names(raw, where):
        if name not in WEEKDAYS:
            raise RuleDefinitionError(f"{where}: {name!r} is not a weekday name")
        numbers.add(WEEKDAYS.index(name))
    return frozenset(numbers)


def _names(raw: object, where: str) -> frozenset[str]:
    items = as_sequence(raw, where)
    if not items:
        raise RuleDefinitionError(f"{where}: must list at least one value")
    return frozenset(as_str(item, where) for item in items)


def _settings(raw: object, where: str) -> frozenset[str]:
    names = _names(raw, where)
    for name in sorted(names):
        if not is_setting_key(name):
            raise RuleDefinitionError(f"{where}: {name!r} {NOT_A_SETTING}")
    return names


def parse_counts(
    raw: object, unit: Unit, where: str, name: str = "counts"
) -> tuple[CountSource, ...]:
    sources: list[CountSource] = []
    # Categories already taken by an entry without a filter: a later entry would never see them.
    taken: set[str] = set()
    entries = as_sequence(raw, f"{where}: {name}")
    if not entries:
        raise RuleDefinitionError(f"{where}: {name}: must list at least one entry")
    for index, item in enumerate(entries):
        field = f"{where}: {name}[{index}]"
        entry = as_mapping(item, field)
        check_keys(entry, frozenset({"categories", "steps", "where"}), field)
        categories = categories_of(entry.get("categories"), f"{field}.categories")
        if categories & taken:
            twice = ", ".join(sorted(categories & taken))
            raise RuleDefinitionError(
                f"{field}.categories: {twice} already listed in another counts entry"
            )
        filter_ = parse_where(entry.get("where"), f"{field}.")
        if filter_ is None:
            taken |= categories
        steps = parse_steps(entry.get("steps", []), unit, f"{field}.steps")
        sources.append(CountSource(categories=categories, steps=steps, where=filter_))
    return tuple(sources)


def parse_steps(raw: object, unit: Unit, where: str) -> tuple[Step, ...]:
    return tuple(
        parse_step(step, unit, f"{where}[{index}]")
        for index, step in enumerate(as_sequence(raw, where))
    )


def parse_step(raw: object, unit: Unit, where: str) -> Step:
    step = as_mapping(raw, where)
    if len(step) != 1:
        raise RuleDefinitionError(f"{where}: a step has exactly one of {', '.join(STEP_NAMES)}")
    [(name, value)] = step.items()
    field = f"{where}.{name}"
    if name not in STEP_NAMES:
        raise RuleDefinitionError(f"{where}: unknown step {name!r}")
    if name in MINUTE_STEPS and unit != "hours":
        raise RuleDefinitionError(f"{field}: needs unit hours (it works on minutes)")
    if name == "cap":
        return Cap(amount=amount(value, unit, field))
    if name == "scale":
        return Scale(factor=positive_fraction(value, field))
    return _STEP_PARSERS[name](as_mapping(value, field), unit, field)


def _parse_cap_per_period(body: Mapping[str, object], unit: Unit, field: str) -> Step:
    check_keys(body, frozenset({"period", "amount"}), field)
    return CapPerPeriod(
        period=parse_period(body.get("period"), f"{field}.period"),
        amount=amount(body.get("amount"), unit, f"{field}.amount"),
    )


def _parse_multiply(body: Mapping[str, object], unit: Unit, field: str) -> Step:
    check_keys(body, frozenset({"factor", "input_cap"}), field)
    factor = whole_number(body.get("factor"), f"{field}.factor")
    if factor < 1:
        raise RuleDefinitionError(f"{field}.factor: must be at least 1, got {factor}")
    input_cap = None
    if body.get("input_cap") is not None:
        input_cap = amount(body["input_cap"], unit, f"{field}.input_cap")
    return Multiply(factor=factor, input_cap=input_cap)


def _parse_group_credit(body: Mapping[str, object], unit: Unit, field: str) -> Step:
    check_keys(body, frozenset({"divide_above", "at_or_below"}), field)
    return GroupCredit(
        divide_above=whole_number(body.get("divide_above"), f"{field}.divide_above"),
        share_at_or_below=share_fraction(body.get("at_or_below"), f"{field}.at_or_below"),
    )


def _parse_hour_equivalent(body: Mapping[str, object], unit: Unit, field: str) -> Step:
    check_keys(body, frozenset({"minutes", "round_up_from"}), field)
    minutes = positive_whole(body.get("minutes"), f"{field}.minutes")
    round_up_from = positive_whole(body.get("round_up_from", minutes), f"{field}.round_up_from")
    if round_up_from > minutes:
        raise RuleDefinitionError(
            f"{field}.round_up_from: must not exceed minutes ({minutes}), got {round_up_from}"
        )
    return HourEquivalent(minutes=minutes, round_up_from=round_up_from)


def _parse_cap_rolling(body: Mapping[str, object], unit: Unit, field: str) -> Step:
    check_keys(body, frozenset({"days", "amount"}), field)
    return CapRolling(
        days=positive_whole(body.get("days"), f"{field}.days"),
        amount=amount(body.get("amount"), unit, f"{field}.amount"),
    )


def _parse_only_if_met(body: Mapping[str, object], unit: Unit, field: str) -> Step:
    check_keys(body, frozenset({"requirement"}), field)
    return OnlyIfMet(requirement=as_str(body.get("requirement"), f"{field}.requirement"))


ONLY_IF_KEYS = frozenset(
    {
        "period",
        "categories",
        "counts",
        "min_hours",
        "min_sessions",
        "same_setting",
        "extra",
        "extra_of",
    }
)
# Steps a condition's own counts may not have: a condition of a condition, or a cap on a whole
# requirement.
NOT_IN_A_CONDITION = frozenset({OnlyIf, OnlyIfMet, CapShare})


def _parse_only_if(body: Mapping[str, object], field: str) -> OnlyIf:
    check_keys(body, ONLY_IF_KEYS, field)
    min_minutes = min_sessions = None
    if body.get("min_hours") is not None:
        min_minutes = amount(body["min_hours"], "hours", f"{field}.min_hours", positive=True)
    if body.get("min_sessions") is not None:
        min_sessions = positive_whole(body["min_sessions"], f"{field}.min_sessions")
    if min_minutes is None and min_sessions is None:
        raise RuleDefinitionError(f"{field}: give min_sessions and/or min_hours")
    if ("categories" in body) == ("counts" in body):
        raise RuleDefinitionError(f"{field}: give exactly one of categories, counts")
    counts: tuple[CountSource, ...] = ()
    if "counts" in body:
        # A condition is measured in minutes whatever the requirement's unit.
        counts = parse_counts(body["counts"], "hours", field)
        for index, source in enumerate(counts):
            if any(type(step) in NOT_IN_A_CONDITION for step in source.steps):
                raise RuleDefinitionError(
                    f"{field}: counts[{index}].steps: a condition's steps may not be only_if, "
                    "only_if_met or cap_share"
                )
        categories = frozenset().union(*(source.categories for source in counts))
    else:
        categories = categories_of(body.get("categories"), f"{field}.categories")
    extra = tuple(
        parse_extra(item, f"{field}.extra[{index}]")
        for index, item in enumerate(as_sequence(body.get("extra", []), f"{field}.extra"))
    )
    extra_of = None
    if body.get("extra_of") is not None:
        if not extra:
            raise RuleDefinitionError(f"{field}.extra_of: only with extra")
        extra_of = categories_of(body["extra_of"], f"{field}.extra_of")
    return OnlyIf(
        period=parse_period(body.get("period"), f"{field}.period"),
        categories=categories,
        min_minutes=min_minutes,
        min_sessions=min_sessions,
        same_setting=as_bool(body.get("same_setting", False), f"{field}.same_setting"),
        counts=counts,
        extra=extra,
        extra_of=extra_of,
    )


def _parse_cap_share(body: Mapping[str, object], field: str) -> CapShare:
    check_keys(body, frozenset({"categories", "at_most", "of"}), field)
    categories = categories_of(body.get("categories"), f"{field}.categories")
    of = None
    if body.get("of") is not None:
        of = categories_of(body["of"], f"{field}.of")
        if not categories <= of:
            outside = ", ".join(sorted(categories - of))
            raise RuleDefinitionError(f"{field}.of: must include the capped {outside}")
    return CapShare(
        categories=categories,
        fraction=share_fraction(body.get("at_most"), f"{field}.at_most"),
        of=of,
    )


# One parser per step kind whose value is a mapping (`cap` and `scale` take a number).
_STEP_PARSERS: dict[str, Callable[[Mapping[str, object], Unit, str], Step]] = {
    "cap_per_period": _parse_cap_per_period,
    "multiply": _parse_multiply,
    "group_credit": _parse_group_credit,
    "hour_equivalent": _parse_hour_equivalent,
    "cap_rolling": _parse_cap_rolling,
    "only_if_met": _parse_only_if_met,
    "cap_share": lambda body, unit, field: _parse_cap_share(body, field),
    "only_if": lambda body, unit, field: _parse_only_if(body, field),
}
