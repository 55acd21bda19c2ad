"""Rolling windows: a cap over any N consecutive days, and N-week block averages with leave
taken out of the denominator."""

from datetime import date, timedelta

import pytest

from programs.engine import PeriodResult

CLIENT = "client_individual"
MONDAY = date(2025, 3, 3)


def client_hours(*steps):
    return {
        "key": "client_contact",
        "name": "Client contact",
        "kind": "total",
        "unit": "hours",
        "minimum": 3000,
        "counts": [{"categories": [CLIENT], "steps": list(steps)}],
    }


FORTY_IN_SEVEN = {"cap_rolling": {"days": 7, "amount": 40}}


def test_no_more_than_forty_hours_in_any_seven_days_keeps_the_earliest(
    run_requirement, make_session
):
    # given 8 h a day from Monday to Saturday, then 8 h the next Monday
    days = [MONDAY + timedelta(days=n) for n in range(6)] + [date(2025, 3, 10)]
    sessions = [make_session(day, 480, CLIENT) for day in days]

    result = run_requirement(client_hours(FORTY_IN_SEVEN), sessions)

    # then Saturday is the sixth day of a window already holding 40 h; by the next Monday the
    # first Monday has left the window (Tue..Mon holds 32 h), so 8 h fit again
    assert [c.credited for c in result.explanation] == [480, 480, 480, 480, 480, 0, 480]
    assert result.capped_off == 480
    assert result.explanation[5].steps[0].step == "cap_rolling:7d"


@pytest.mark.parametrize(("last", "credited"), [(480, 480), (481, 480)])
def test_the_session_crossing_the_rolling_limit_counts_partly(
    run_requirement, make_session, last, credited
):
    sessions = [make_session(MONDAY + timedelta(days=n), 480, CLIENT) for n in range(4)]
    sessions.append(make_session(MONDAY + timedelta(days=6), last, CLIENT))

    result = run_requirement(client_hours(FORTY_IN_SEVEN), sessions)

    assert result.explanation[-1].credited == credited
    assert result.credited == 4 * 480 + credited


def test_the_day_a_session_leaves_the_window_is_day_n_plus_one(run_requirement, make_session):
    # given 40 h on one Monday; 8 h the next Sunday (day 7) and 8 h the next Monday (day 8)
    sessions = [
        make_session(MONDAY, 720, CLIENT),
        make_session(MONDAY, 720, CLIENT),
        make_session(MONDAY, 720, CLIENT),
        make_session(MONDAY, 240, CLIENT),
        make_session(date(2025, 3, 9), 480, CLIENT),
        make_session(date(2025, 3, 10), 480, CLIENT),
    ]

    result = run_requirement(client_hours(FORTY_IN_SEVEN), sessions)

    assert [c.credited for c in result.explanation][-2:] == [0, 480]


def average(minimum=2, **extra):
    return {
        "key": "average",
        "name": "Average client hours",
        "kind": "average",
        "categories": [CLIENT],
        "block_weeks": 4,
        "min_hours_per_week": minimum,
        **extra,
    }


# A 12-week enrollment from Monday 6 January: blocks 6 Jan-2 Feb, 3 Feb-2 Mar, 3 Mar-30 Mar.
WINDOW = {"start": date(2025, 1, 6), "end": date(2025, 3, 30), "as_of": date(2025, 4, 30)}


@pytest.mark.parametrize(("minutes", "satisfied"), [(479, False), (480, True)])
def test_a_block_needs_the_weekly_average_times_its_weeks(
    run_requirement, make_session, minutes, satisfied
):
    sessions = [make_session(date(2025, 1, 7), minutes, CLIENT)]

    result = run_requirement(average(), sessions, **WINDOW)

    assert result.periods[0] == PeriodResult(
        date(2025, 1, 6), date(2025, 2, 2), minutes, 1, satisfied, False, "elapsed", 480
    )
    assert result.periods_missed == (3 if not satisfied else 2)


def test_leave_is_taken_out_of_the_blocks_denominator(run_requirement, make_session):
    # given a week of leave in the first block and the whole second block on leave
    leaves = [(date(2025, 1, 13), date(2025, 1, 19)), (date(2025, 2, 3), date(2025, 3, 2))]
    sessions = [make_session(date(2025, 1, 7), 360, CLIENT), make_session(MONDAY, 480, CLIENT)]

    result = run_requirement(average(), sessions, leaves=leaves, **WINDOW)

    # then the first block needs 2 h x 21 active days / 7 = 6 h; the second is exempt
    assert [(p.required_minutes, p.satisfied, p.exempt) for p in result.periods] == [
        (360, True, False),
        (0, True, True),
        (480, True, False),
    ]
    assert (result.required, result.credited, result.status) == (2, 2, "met")


def test_leave_days_that_do_not_divide_into_weeks_round_the_target_up_to_whole_minutes(
    run_requirement, make_session
):
    # given 3 leave days: 25 active days x 2 h / 7 = 428 4/7 minutes, so 429 are needed
    leaves = [(date(2025, 1, 13), date(2025, 1, 15))]
    sessions = [make_session(date(2025, 1, 7), 429, CLIENT)]

    result = run_requirement(average(), sessions, leaves=leaves, **WINDOW)

    assert (result.periods[0].required_minutes, result.periods[0].satisfied) == (429, True)


def test_an_average_maximum_is_missed_as_soon_as_the_current_block_is_over_it(
    run_requirement, make_session
):
    # given at most 10 h a week (40 h a block) and 40 h 1 min in the current block
    sessions = [
        make_session(date(2025, 1, 7), 720, CLIENT),
        make_session(date(2025, 1, 8), 720, CLIENT),
        make_session(date(2025, 1, 9), 720, CLIENT),
        make_session(date(2025, 1, 10), 241, CLIENT),
    ]
    rule = {**average(), "max_hours_per_week": 10}
    del rule["min_hours_per_week"]

    result = run_requirement(rule, sessions, **{**WINDOW, "as_of": date(2025, 1, 20)})

    assert (result.limit, result.periods_missed, result.status) == ("at_most", 1, "behind")
    assert result.needed_this_period == 0
