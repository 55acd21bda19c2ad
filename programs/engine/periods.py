"""Calendar arithmetic: weeks starting on the program's weekday, calendar months, leave days.

All ranges are inclusive (start, end) date pairs, like leaves and enrollments in the spec.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from programs.engine.facts import Leave
from programs.engine.rules import Period

DateRange = tuple[date, date]
ONE_DAY = timedelta(days=1)


def period_bounds(day: date, period: Period, week_start: int) -> DateRange:
    """The week (starting on weekday `week_start`, 0 = Monday) or calendar month holding `day`."""
    if period == "week":
        start = day - timedelta(days=(day.weekday() - week_start) % 7)
        return start, start + timedelta(days=6)
    first = day.replace(day=1)
    next_first = (
        date(first.year + 1, 1, 1) if first.month == 12 else first.replace(month=first.month + 1)
    )
    return first, next_first - ONE_DAY


def periods_within(
    start: date, end: date, period: Period, week_start: int
) -> tuple[DateRange, ...]:
    """Every period lying entirely inside [start, end]; partial periods at either edge are left out."""
    periods: list[DateRange] = []
    bounds = period_bounds(start, period, week_start)
    if bounds[0] < start:
        bounds = period_bounds(bounds[1] + ONE_DAY, period, week_start)
    while bounds[1] <= end:
        periods.append(bounds)
        bounds = period_bounds(bounds[1] + ONE_DAY, period, week_start)
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


def is_exempt(period: DateRange, leaves: Iterable[DateRange]) -> bool:
    """A period at least half of whose days are on leave is exempt (spec: cadence)."""
    start, end = period
    return 2 * leave_days(start, end, leaves) >= days_between(start, end)


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
