"""Calendar arithmetic for reminders: pure functions, no ORM, so DST and week rules are testable.

A reminder "at 16:00 local" is built from a local date and an hour in the recipient's zone and
only then converted to UTC, so it stays at 16:00 on both sides of a clock change (adding 24-hour
steps to a UTC instant would drift by an hour).
"""

from datetime import date, datetime, time, timedelta, tzinfo


def local_moment(day: date, hour: int, tz: tzinfo) -> datetime:
    """`hour`:00 on `day` in `tz`, as an aware datetime. In a spring-forward gap (e.g. 02:00 that
    does not exist) zoneinfo resolves to the instant after the gap (fold=0), which is what a person
    expects from "at 2 o'clock"."""
    return datetime.combine(day, time(hour), tzinfo=tz)


def week_start_on_or_before(day: date, week_start: int) -> date:
    """First day of the program week containing `day` (`week_start`: 0 = Monday ... 6 = Sunday)."""
    return day - timedelta(days=(day.weekday() - week_start) % 7)


def weekly_moment(
    *, now: datetime, tz: tzinfo, week_start: int, weekday: int, hour: int
) -> tuple[date, datetime]:
    """The program week containing `now` (in `tz`) and this week's moment for weekday/hour.

    Returns (first day of the week, the aware moment). The moment may lie in the future.
    """
    today = now.astimezone(tz).date()
    first = week_start_on_or_before(today, week_start)
    day = first + timedelta(days=(weekday - week_start) % 7)
    return first, local_moment(day, hour, tz)
