"""`cadence` rules: enough sessions and/or minutes in every period, with allowed misses.

Variants, all optional: `counts` (minutes after steps, e.g. group supervision at half),
`distinct_days` / `distinct` (sessions on separate days, weeks or months), `min_periods` (N of M
periods), and triggers
(`required_above_hours`: a period is required only when the trigger categories exceed it;
`extra`: more is required in a period whose trigger minutes exceed a threshold).
"""

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from programs.engine.context import Context
from programs.engine.counting import credit_counts
from programs.engine.periods import DateRange, leave_exemption, period_bounds, periods_within
from programs.engine.results import Contribution, PeriodResult, PeriodState, RequirementResult
from programs.engine.rules import CadenceRule, CountSource, SubPeriod
from programs.engine.status import cadence_status, min_periods_status
from programs.engine.steps import PeriodKey, PeriodVerdicts


@dataclass(slots=True)
class Bucket:
    """What happened in one period, gathered before judging it."""

    bounds: DateRange
    setting: str | None = None
    minutes: int = 0
    sessions: int = 0
    # Distinct days (weeks, months) with a session, by their first day, for `distinct`.
    units: set[date] = dataclasses.field(default_factory=set)
    trigger_minutes: int = 0


def evaluate_cadence(
    rule: CadenceRule,
    context: Context,
    verdicts: Mapping[str, PeriodVerdicts] | None = None,
) -> RequirementResult:
    facts = context.facts
    counts = rule.counts or (CountSource(rule.categories),)
    counted = credit_counts(
        counts,
        context,
        unit="hours",
        verified_only=rule.verified_only,
        where=rule.where,
        listed=(("trigger", rule.trigger_categories), ("condition", rule.condition_categories)),
        verdicts=verdicts,
        own_case=rule.own_case,
    )
    all_bounds = periods_within(facts.start, facts.end, rule.period, context.week_start)
    bounds_of = {bounds[0]: bounds for bounds in all_bounds}
    settings = _session_settings(context) if rule.per_setting else None
    buckets: dict[PeriodKey, Bucket] = {}
    if settings is None:
        buckets = {(bounds[0], None): Bucket(bounds) for bounds in all_bounds}
    unit = rule.distinct_unit
    for contribution in counted.explanation:
        if contribution.role == "condition":
            continue
        start = context.calendar.period_start(contribution.date, rule.period)
        setting = None if settings is None else settings[contribution.session_id]
        bucket = buckets.get((start, setting))
        if bucket is None:
            if settings is None or start not in bounds_of:
                continue
            # Per setting: a (period, setting) is judged once anything happened there.
            bucket = buckets[(start, setting)] = Bucket(bounds_of[start], setting)
        if contribution.role == "trigger":
            bucket.trigger_minutes += contribution.input
        elif contribution.credited > 0:
            bucket.minutes += contribution.credited
            bucket.sessions += 1
            if unit is not None:
                bucket.units.add(_unit_start(contribution.date, unit, context.week_start))
    if settings is not None:
        # A period with nothing in any setting is still judged, once, with no setting.
        judged = {start for start, _ in buckets}
        for start, bounds in bounds_of.items():
            if start not in judged:
                buckets[(start, None)] = Bucket(bounds)
        buckets = dict(sorted(buckets.items(), key=lambda item: (item[0][0], item[0][1] or "")))
    periods = tuple(_period_result(rule, bucket, context) for bucket in buckets.values())
    required_periods = [period for period in periods if not period.exempt]
    elapsed = [period for period in required_periods if period.state == "elapsed"]
    currents = [period for period in required_periods if period.state == "current"]
    misses = sum(1 for period in elapsed if not period.satisfied)
    credited = sum(1 for period in elapsed if period.satisfied)
    credited += sum(1 for period in currents if period.satisfied)
    if rule.min_periods is None:
        required = max(0, len(required_periods) - rule.allowed_misses)
        expected = max(0, len(elapsed) - rule.allowed_misses)
        status = cadence_status(
            misses=misses,
            allowed_misses=rule.allowed_misses,
            ended=context.ended,
            elapsed_required=len(elapsed),
            credited=credited,
        )
        done = misses <= rule.allowed_misses
    else:
        required = rule.min_periods
        # N of M: pace against the share of required periods that has elapsed.
        expected = rule.min_periods * len(elapsed) // max(1, len(required_periods))
        still_open = sum(1 for p in required_periods if p.state != "elapsed" and not p.satisfied)
        status = min_periods_status(
            credited=credited,
            required=required,
            still_possible=still_open,
            expected_by_now=expected,
            ended=context.ended,
            elapsed_required=len(elapsed),
            thresholds=context.thresholds,
        )
        done = credited + still_open >= required
    if rule.min_periods is None:
        # Within the allowance the rule is done when its last required period is.
        completion = required_periods[-1].end if required_periods and done else None
    else:
        completion = _nth_period_completion(rule.min_periods, required_periods)
    return RequirementResult(
        key=rule.key,
        name=rule.name,
        kind="cadence",
        unit="periods",
        required=required,
        credited=credited,
        capped_off=sum(effect.capped_off for c in counted.explanation for effect in c.steps),
        expected_by_now=expected,
        status=status,
        advisory=rule.advisory,
        projected_completion=completion,
        excluded=counted.excluded,
        explanation=_explanation(counted.explanation, rule, context, required_periods, settings),
        periods=periods,
        periods_missed=misses,
        needed_this_period=max((_still_needed(rule, p) for p in currents), default=None),
    )


def period_verdicts(rule: CadenceRule, result: RequirementResult) -> PeriodVerdicts:
    """Whether each judged period (in each setting) is met, for `only_if_met` steps: satisfied
    or exempt."""
    return PeriodVerdicts(
        requirement=rule.key,
        period=rule.period,
        per_setting=rule.per_setting,
        met={(p.start, p.setting): p.satisfied or p.exempt for p in result.periods},
        found={(p.start, p.setting): _found(rule, p) for p in result.periods if not p.satisfied},
    )


def _found(rule: CadenceRule, period: PeriodResult) -> str:
    """What a period had against what it needed: "60 of 120 min", "1 of 2 sessions"."""
    minutes = period.required_minutes if period.required_minutes is not None else rule.min_minutes
    sessions = (
        period.required_sessions if period.required_sessions is not None else rule.min_sessions
    )
    parts = []
    if minutes is not None:
        parts.append(f"{period.minutes} of {minutes} min")
    if sessions is not None:
        parts.append(f"{period.sessions} of {sessions} sessions")
    return ", ".join(parts)


def _session_settings(context: Context) -> dict[int, str | None]:
    return {session.id: session.setting for session in context.ordered}


def _period_result(rule: CadenceRule, bucket: Bucket, context: Context) -> PeriodResult:
    min_sessions, min_minutes = rule.min_sessions, rule.min_minutes
    for extra in rule.extra:
        if bucket.trigger_minutes > extra.above_minutes:
            if extra.add_sessions is not None:
                min_sessions = (min_sessions or 0) + extra.add_sessions
            if extra.add_minutes is not None:
                min_minutes = (min_minutes or 0) + extra.add_minutes
    unit = rule.distinct_unit
    sessions = bucket.sessions if unit is None else len(bucket.units)
    notes = []
    if unit is not None and bucket.sessions:
        notes.append(f"{bucket.sessions} sessions on {sessions} different {unit}s")
    triggered = bool(rule.trigger_categories)
    not_triggered = (
        rule.required_above_minutes is not None
        and bucket.trigger_minutes <= rule.required_above_minutes
    )
    satisfied = (min_sessions is None or sessions >= min_sessions) and (
        min_minutes is None or bucket.minutes >= min_minutes
    )
    policy = rule.leave_exemption or context.leave_exemption
    on_leave, leave_note = leave_exemption(bucket.bounds, context.leaves, policy)
    if leave_note:
        notes.append(leave_note)
    return PeriodResult(
        start=bucket.bounds[0],
        end=bucket.bounds[1],
        minutes=bucket.minutes,
        sessions=sessions,
        satisfied=satisfied,
        # A period met despite the leave counts as met: a leave never turns a met period into
        # one that does not count (with N of M periods it would lower the periods met).
        exempt=not_triggered or (on_leave and not satisfied),
        state=period_state(bucket.bounds, context.facts.as_of),
        required_minutes=min_minutes if triggered else None,
        required_sessions=min_sessions if triggered else None,
        trigger_minutes=bucket.trigger_minutes if triggered else None,
        note="; ".join(notes),
        setting=bucket.setting,
    )


def _nth_period_completion(needed: int, required_periods: Sequence[PeriodResult]) -> date | None:
    """N of M periods: the end of the N-th satisfied period once there are N; otherwise the
    earliest the N-th can end, if every open period from now on is satisfied (those already
    missed are gone); None when too few periods are left."""
    satisfied = [p for p in required_periods if p.satisfied and p.state != "future"]
    if len(satisfied) >= needed:
        return satisfied[needed - 1].end
    still_open = [p for p in required_periods if p.state != "elapsed" and not p.satisfied]
    missing = needed - len(satisfied)
    return still_open[missing - 1].end if len(still_open) >= missing else None


def _unit_start(day: date, unit: SubPeriod, week_start: int) -> date:
    if unit == "day":
        return day
    return period_bounds(day, unit, week_start)[0]


def period_state(bounds: DateRange, as_of: date) -> PeriodState:
    start, end = bounds
    if end < as_of:
        return "elapsed"
    if start <= as_of:
        return "current"
    return "future"


def _explanation(
    explanation: Sequence[Contribution],
    rule: CadenceRule,
    context: Context,
    required_periods: Sequence[PeriodResult],
    settings: Mapping[int, str | None] | None,
) -> tuple[Contribution, ...]:
    """Own sessions keep their minutes (after steps) when in a required period, else 0;
    trigger and condition sessions stay listed with 0."""
    required = {(period.start, period.setting) for period in required_periods}
    out: list[Contribution] = []
    for contribution in explanation:
        if contribution.role in ("trigger", "condition"):
            out.append(contribution)
            continue
        start = context.calendar.period_start(contribution.date, rule.period)
        setting = None if settings is None else settings[contribution.session_id]
        counts = (start, setting) in required
        # Built directly rather than with dataclasses.replace, which costs twice as much on a
        # path every cadence session takes (the engine benchmark).
        c = contribution
        out.append(
            Contribution(
                c.session_id,
                c.date,
                c.category,
                c.input,
                c.credited if counts else 0,
                c.steps,
                "period",
                c.part,
                c.note,
            )
        )
    return tuple(out)


def _still_needed(rule: CadenceRule, current: PeriodResult) -> int:
    """Minutes still needed this period, or sessions when the rule only sets sessions."""
    min_minutes = current.required_minutes if current.required_minutes is not None else None
    min_sessions = current.required_sessions if current.required_sessions is not None else None
    if current.trigger_minutes is None:
        min_minutes, min_sessions = rule.min_minutes, rule.min_sessions
    if min_minutes is not None:
        return max(0, min_minutes - current.minutes)
    return max(0, (min_sessions or 0) - current.sessions)
