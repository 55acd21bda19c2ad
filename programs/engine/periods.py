"""Calendar arithmetic: weeks starting on the program's weekday, calendar months, leave days.

All ranges are inclusive (start, end) date pairs, like leaves and enrollments in the spec.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from fractions import Fraction

from programs.engine.facts import Leave
from programs.engine.rules import Duration, LeaveExemption, Period

DateRange = tuple[date, date]
ONE_DAY = timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    first = date(year, month + 1, 1)
    last = (next_month_first(first) - ONE_DAY).day
    return first.replace(day=min(day.day, last))


def next_month_first(first: date) -> date:
    """The first day of the month after `first`'s."""
    return date(first.year + 1, 1, 1) if first.month == 12 else first.replace(month=first.month + 1)


def add_duration(day: date, duration: Duration) -> date:
    """`day` + `duration`; years and months first (clamped), then weeks and days."""
    moved = add_months(day, duration.years * 12 + duration.months)
    return moved + timedelta(weeks=duration.weeks, days=duration.days)


def subtract_duration(day: date, duration: Duration) -> date:
    moved = add_months(day, -(duration.years * 12 + duration.months))
    return moved - timedelta(weeks=duration.weeks, days=duration.days)


def period_bounds(
    day: date, period: Period, week_start: int, origin: date | None = None
) -> DateRange:
    """The period holding `day`: a week starting on weekday `week_start` (0 = Monday), a
    calendar month, or a 12-month year counted from `origin` (the enrollment start)."""
    if period == "week":
        start = day - timedelta(days=(day.weekday() - week_start) % 7)
        return start, start + timedelta(days=6)
    if period == "enrollment_year":
        if origin is None:
            raise ValueError("enrollment_year periods need the enrollment start")
        # Years elapsed since origin; day-before-anniversary still belongs to the earlier year.
        years = day.year - origin.year
        if add_months(origin, 12 * years) > day:
            years -= 1
        start = add_months(origin, 12 * years)
        return start, add_months(origin, 12 * (years + 1)) - ONE_DAY
    first = day.replace(day=1)
    return first, next_month_first(first) - ONE_DAY


def periods_within(
    start: date, end: date, period: Period, week_start: int
) -> tuple[DateRange, ...]:
    """Every period lying entirely inside [start, end]; partial periods at either edge are left out.

    Enrollment years are counted from `start` itself, so the first one is always whole."""
    periods: list[DateRange] = []
    bounds = period_bounds(start, period, week_start, start)
    if bounds[0] < start:
        bounds = period_bounds(bounds[1] + ONE_DAY, period, week_start, start)
    while bounds[1] <= end:
        periods.append(bounds)
        bounds = period_bounds(bounds[1] + ONE_DAY, period, week_start, start)
    return tuple(periods)


def merge_leaves(leaves: Iterable[Leave]) -> tuple[DateRange, ...]:
    """Sorted, non-overlapping leave ranges, so overlapping leaves never count a day twice."""
    merged: list[DateRange] = []
    for leave in sorted(leaves, key=lambda leave: (leave.start, leave.end)):
        if merged and leave.start <= merged[-1][1] + ONE_DAY:
            merged[-1] = (merged[-1][0], max(merged[-1][1], leave.end))
        else:
            merged.append((leave.start, leave.end))
    return tuple(merged)


def on_leave(day: date, leaves: Iterable[DateRange]) -> bool:
    return any(start <= day <= end for start, end in leaves)


def days_between(start: date, end: date) -> int:
    """Days in [start, end]; 0 when the range is empty."""
    return max(0, (end - start).days + 1)


def leave_days(start: date, end: date, leaves: Iterable[DateRange]) -> int:
    """Days of [start, end] on leave; `leaves` must be merged."""
    return sum(
        days_between(max(start, leave_start), min(end, leave_end))
        for leave_start, leave_end in leaves
    )


def active_days(start: date, end: date, leaves: Iterable[DateRange]) -> int:
    """Days of [start, end] not on leave; `leaves` must be merged."""
    merged = tuple(leaves)
    return days_between(start, end) - leave_days(start, end, merged)


DEFAULT_LEAVE_EXEMPTION = LeaveExemption()


def leave_exemption(
    period: DateRange, leaves: tuple[DateRange, ...], policy: LeaveExemption
) -> tuple[bool, str]:
    """Whether leave exempts `period` under `policy`, and a note saying why when leave matters
    (spec: cadence). `leaves` must be merged. With the default policy a period that is not
    exempt gets no note, as before policies existed."""
    start, end = period
    on_leave = leave_days(start, end, leaves)
    if on_leave == 0:
        return False, ""
    counted = on_leave
    if policy.leaves_of_at_least is not None:
        longest = policy.leaves_of_at_least
        counted = leave_days(
            start,
            end,
            tuple(r for r in leaves if r[1] >= add_duration(r[0], longest) - ONE_DAY),
        )
    length = days_between(start, end)
    if policy.days is not None:
        exempt = counted >= min(policy.days, length)
    else:
        assert policy.share is not None
        exempt = counted >= policy.share * length
    if not exempt and policy == DEFAULT_LEAVE_EXEMPTION:
        return False, ""
    of_leaves = ""
    if policy.leaves_of_at_least is not None:
        of_leaves = f", {counted} in leaves of at least {_duration_text(policy.leaves_of_at_least)}"
    verdict = "exempt" if exempt else "not exempt"
    return exempt, (
        f"{on_leave} of {length} days on leave{of_leaves}: {verdict} "
        f"({describe_leave_exemption(policy)})"
    )


def describe_leave_exemption(policy: LeaveExemption) -> str:
    """'exempt when leave covers at least half of its days', in the policy's terms."""
    if policy.days is not None:
        covered = f"at least {policy.days} of its days"
    elif policy.share == 1:
        covered = "all of its days"
    elif policy.share == Fraction(1, 2):
        covered = "at least half of its days"
    else:
        covered = f"at least {policy.share} of its days"
    if policy.leaves_of_at_least is not None:
        longest = _duration_text(policy.leaves_of_at_least)
        return f"exempt when leaves of at least {longest} cover {covered}"
    return f"exempt when leave covers {covered}"


def _duration_text(duration: Duration) -> str:
    for unit in ("years", "months", "weeks", "days"):
        count = getattr(duration, unit)
        if count:
            return f"{count} {unit if count > 1 else unit[:-1]}"
    return "0 days"


def add_active_days(after: date, count: int, leaves: Iterable[DateRange]) -> date | None:
    """The date `count` active days after `after`, skipping leave days; None past year 9999."""
    day, remaining = after, count
    try:
        for leave_start, leave_end in leaves:  # merged, hence sorted
            if leave_end <= day:
                continue
            gap = (max(leave_start, day + ONE_DAY) - day).days - 1
            if remaining <= gap:
                break
            remaining -= gap
            day = leave_end
        return day + timedelta(days=remaining)
    except OverflowError:
        return None
