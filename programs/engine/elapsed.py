"""`elapsed` rules: a minimum duration ("not in fewer than 104 weeks", "over at least 18 months").

Measured from the enrollment start, the first session of some categories, or a milestone, up to
and including the as-of date (or the end). Time is counted as boards count it "from" a date: the
anchor day itself is day 0, so "at least 18 months from the licence date" with a licence dated
15 January 2025 is met on 15 July 2026, the same day of the month 18 months later, and not on
14 July (the days after the anchor up to that date, leave days not counted unless
`count_leave`). The duration in days is counted on the calendar from the anchor: 18 months from
15 January 2025 are the 546 days to 15 July 2026.
"""

from datetime import date, timedelta

from programs.engine.context import Context
from programs.engine.counting import contribution
from programs.engine.periods import add_active_days, add_duration, days_between, leave_days
from programs.engine.results import Contribution, Exclusion, RequirementResult, Status
from programs.engine.rules import ElapsedRule


def evaluate_elapsed(rule: ElapsedRule, context: Context) -> RequirementResult:
    facts = context.facts
    explanation: tuple[Contribution, ...] = ()
    excluded: tuple[Exclusion, ...] = ()
    anchor: date | None = facts.start
    if rule.since == "milestone" and rule.milestone is not None:
        anchor = facts.milestones.get(rule.milestone)
    if rule.since == "first_session":
        split = context.split(rule.categories, verified_only=rule.verified_only)
        anchor = split.eligible[0].date if split.eligible else None
        # The first session sets the anchor; the others are listed and add nothing.
        explanation = tuple(
            contribution(s, s.minutes, s.minutes if index == 0 else 0, role="occurrence")
            for index, s in enumerate(split.eligible)
        )
        excluded = split.excluded
    base = anchor or facts.start
    required = (add_duration(base, rule.duration) - base).days
    _, through = context.last_day
    credited = 0
    if anchor is not None and through > anchor:
        # The days after the anchor up to and including `through`: the anchor day is day 0.
        first = anchor + timedelta(days=1)
        credited = days_between(first, through)
        if not rule.count_leave:
            credited -= leave_days(first, through, context.leaves)
    status: Status
    if credited >= required:
        status = "met"
    elif context.ended:
        status = "behind"
    elif anchor is None or through < anchor:
        status = "not_started"
    else:
        status = "on_track"  # time passes at the pace it must
    completion = None
    if anchor is not None:
        # The day the `required`-th day after the anchor ends: 18 months from 15 January 2025
        # complete on 15 July 2026, later by the leave days in between.
        completion = (
            anchor + timedelta(days=required)
            if rule.count_leave
            else add_active_days(anchor, required, context.leaves)
        )
    return RequirementResult(
        key=rule.key,
        name=rule.name,
        kind="elapsed",
        unit="days",
        required=required,
        credited=credited,
        capped_off=0,
        expected_by_now=min(credited, required),
        status=status,
        advisory=rule.advisory,
        projected_completion=completion,
        excluded=excluded,
        explanation=explanation,
    )
