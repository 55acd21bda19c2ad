"""ACGME-style duty hours: at most 80 hours a week and one day in seven free, each averaged over
four weeks with leave taken out first (Common Program Requirements VI.F)."""

from datetime import date, timedelta

from tests.programs.presets.conftest import run, summary

# Two 28-day blocks of a rotation starting Monday 7 July 2025.
ROTATION = {"start": date(2025, 7, 7), "end": date(2025, 8, 31), "as_of": date(2025, 9, 15)}
VACATION = (date(2025, 8, 11), date(2025, 8, 17))


def shifts(log, first, days, minutes, free=()):
    return [
        log(first + timedelta(days=n), minutes, "clinical_work", status="submitted")
        for n in range(days)
        if first + timedelta(days=n) not in free
        and not VACATION[0] <= first + timedelta(days=n) <= VACATION[1]
    ]


def test_a_rotation_within_the_limits(log):
    # Block 1: 24 shifts of 13 h 20 min = 320 h (80 a week), 4 free Sundays.
    # Block 2: a week of vacation; 18 shifts of 13 h 20 min = 240 h (80 x 21 / 7) and 3 free days.
    sundays = {date(2025, 7, 13), date(2025, 7, 20), date(2025, 7, 27), date(2025, 8, 3)}
    later = {date(2025, 8, 24), date(2025, 8, 30), date(2025, 8, 31)}
    sessions = shifts(log, date(2025, 7, 7), 28, 800, sundays)
    sessions += shifts(log, date(2025, 8, 4), 28, 800, later)

    result = run("acgme-duty-hours", sessions, **ROTATION, leaves=[VACATION])

    assert summary(result) == {
        "eighty_hours": ("met", 2, 2),
        "one_day_in_seven": ("met", 2, 2),
    }
    second = result.requirements[1].periods[1]
    assert (second.days, second.required_days, second.note) == (
        3,
        3,
        "3 free of 21 active days (7 on leave): 3 needed, 1 in 7",
    )


def test_vacation_is_neither_free_time_nor_room_for_more_hours(log):
    # Block 2 with a week of vacation: 20 shifts of 12 h 30 min = 250 h, above 240, and only one
    # free day of the 3 needed; counting the vacation as free days and as part of the block
    # would find 8 free days and room for 320 h.
    sessions = shifts(log, date(2025, 8, 4), 28, 750, {date(2025, 8, 31)})

    result = run("acgme-duty-hours", sessions, **ROTATION, leaves=[VACATION])

    hours, free = result.requirements
    assert (hours.periods[1].minutes, hours.periods[1].required_minutes) == (15000, 14400)
    assert (free.periods[1].days, free.periods[1].required_days) == (1, 3)
    assert (hours.status, free.status) == ("behind", "behind")
