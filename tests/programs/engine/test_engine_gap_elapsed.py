"""Maximum gaps between sessions, and minimum elapsed durations."""

from datetime import date

import pytest

from programs.engine import PeriodResult

SUPERVISION = "supervision_individual"
# Twelve weeks, looked at after the end.
WINDOW = {"start": date(2025, 1, 6), "end": date(2025, 3, 30), "as_of": date(2025, 4, 30)}


def gap(max_days=14, **extra):
    return {
        "key": "fortnightly",
        "name": "Fortnightly",
        "kind": "gap",
        "categories": [SUPERVISION],
        "max_days": max_days,
        **extra,
    }


def on(make_session, *days):
    return [make_session(day, 60, SUPERVISION) for day in days]


def test_sessions_fourteen_days_apart_keep_a_fortnightly_rule(run_requirement, make_session):
    days = [date(2025, 1, 20), date(2025, 2, 3), date(2025, 2, 17), date(2025, 3, 3)]
    days += [date(2025, 3, 17), date(2025, 3, 30)]

    result = run_requirement(gap(), on(make_session, *days), **WINDOW)

    assert [p.days for p in result.periods] == [14, 14, 14, 14, 14, 13]
    assert result.periods[0] == PeriodResult(
        date(2025, 1, 6), date(2025, 1, 20), 60, 1, True, False, "elapsed", days=14
    )
    assert (result.limit, result.required, result.credited, result.status) == (
        "at_most",
        14,
        14,
        "met",
    )


@pytest.mark.parametrize(("allowed_misses", "status"), [(0, "behind"), (1, "met")])
def test_one_fifteen_day_gap_breaks_the_rule_unless_allowed(
    run_requirement, make_session, allowed_misses, status
):
    days = [date(2025, 1, 20), date(2025, 2, 4), date(2025, 2, 17), date(2025, 3, 3)]
    days += [date(2025, 3, 17), date(2025, 3, 30)]

    result = run_requirement(gap(allowed_misses=allowed_misses), on(make_session, *days), **WINDOW)

    assert [p.days for p in result.periods][:3] == [14, 15, 13]
    assert (result.credited, result.periods_missed, result.status) == (15, 1, status)


def test_leave_days_do_not_count_in_a_gap(run_requirement, make_session):
    # given 21 calendar days between sessions, 7 of them on leave
    days = [date(2025, 1, 20), date(2025, 2, 10)]

    result = run_requirement(
        gap(),
        on(make_session, *days),
        leaves=[(date(2025, 1, 27), date(2025, 2, 2))],
        **{**WINDOW, "end": date(2025, 2, 10)},
    )

    assert [p.days for p in result.periods] == [14, 14]


@pytest.mark.parametrize(
    ("as_of", "open_gap", "status", "left"),
    [
        (date(2025, 2, 1), 12, "met", 2),
        (date(2025, 2, 2), 13, "at_risk", 1),  # past 0.9 x 14 = 12.6 days
        (date(2025, 2, 3), 14, "at_risk", 0),
        (date(2025, 2, 4), 15, "behind", 0),  # no later session can shorten it
    ],
)
def test_the_gap_since_the_last_session_counts_as_it_grows(
    run_requirement, make_session, as_of, open_gap, status, left
):
    result = run_requirement(
        gap(), on(make_session, date(2025, 1, 20)), **{**WINDOW, "as_of": as_of}
    )

    assert (result.periods[-1].days, result.periods[-1].state) == (open_gap, "current")
    assert (result.status, result.needed_this_period) == (status, left)


def test_before_the_first_session_within_the_grace_days_it_has_not_started(
    run_requirement, make_session
):
    result = run_requirement(gap(), [], **{**WINDOW, "as_of": date(2025, 1, 10)})

    assert (result.credited, result.status) == (4, "not_started")


def elapsed(duration, **extra):
    return {"key": "duration", "name": "Duration", "kind": "elapsed", "duration": duration, **extra}


LONG = {"start": date(2025, 1, 6), "end": date(2027, 12, 31)}


@pytest.mark.parametrize(
    ("as_of", "credited", "status"),
    # 104 weeks from Monday 6 January 2025 end on Monday 4 January 2027, not a day earlier
    [(date(2027, 1, 3), 727, "on_track"), (date(2027, 1, 4), 728, "met")],
)
def test_not_in_fewer_than_104_weeks(run_requirement, as_of, credited, status):
    result = run_requirement(elapsed({"weeks": 104}), [], **LONG, as_of=as_of)

    assert (result.unit, result.required, result.credited, result.status) == (
        "days",
        728,
        credited,
        status,
    )
    assert result.projected_completion == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("count_leave", "completion"), [(False, date(2027, 1, 14)), (True, date(2027, 1, 4))]
)
def test_leave_postpones_the_end_of_a_minimum_duration(run_requirement, count_leave, completion):
    result = run_requirement(
        elapsed({"weeks": 104}, count_leave=count_leave),
        [],
        leaves=[(date(2025, 6, 1), date(2025, 6, 10))],
        **LONG,
        as_of=date(2026, 1, 1),
    )

    assert result.projected_completion == completion


@pytest.mark.parametrize(
    ("as_of", "credited", "status"),
    [(date(2026, 7, 14), 545, "on_track"), (date(2026, 7, 15), 546, "met")],
)
def test_eighteen_months_from_the_licence_date_are_met_on_the_same_day_of_the_month(
    run_requirement, as_of, credited, status
):
    # Issue 18, item 1, as docs/program-format.md states it: "at least 18 months from the
    # licence date" (22 TAC §681.92(c) words it "not ... in less than 18 months") with a licence
    # dated 15 January 2025 is met on 15 July 2026, 546 days later; the engine used to report
    # it met, and complete, on 14 July.
    rule = elapsed({"months": 18}, since="milestone", milestone="license_granted")

    result = run_requirement(
        rule, [], **LONG, as_of=as_of, milestones={"license_granted": date(2025, 1, 15)}
    )

    assert (result.required, result.credited, result.status) == (546, credited, status)
    assert result.projected_completion == date(2026, 7, 15)


def test_eighteen_months_after_a_milestone_without_a_date_have_not_started(run_requirement):
    rule = elapsed({"months": 18}, since="milestone", milestone="degree_conferred")

    missing = run_requirement(rule, [], **LONG, as_of=date(2026, 7, 14))

    assert (missing.credited, missing.status, missing.projected_completion) == (
        0,
        "not_started",
        None,
    )


def test_since_the_first_session(run_requirement, make_session):
    sessions = [
        make_session(date(2025, 3, 3), 50, "client_individual", status="draft"),
        make_session(date(2025, 3, 10), 50, "client_individual"),
        make_session(date(2025, 3, 17), 50, "client_individual"),
    ]
    rule = elapsed({"days": 30}, since="first_session", categories=["client_individual"])

    result = run_requirement(rule, sessions, **LONG, as_of=date(2025, 4, 9))

    # 30 days from Monday 10 March 2025 end on Wednesday 9 April
    assert (result.credited, result.status, result.projected_completion) == (
        30,
        "met",
        date(2025, 4, 9),
    )
    assert [c.credited for c in result.explanation] == [50, 0]
    assert [e.reason for e in result.excluded] == ["draft"]


def test_an_enrollment_that_ended_too_soon_is_behind(run_requirement):
    result = run_requirement(
        elapsed({"months": 18}),
        [],
        start=date(2025, 1, 6),
        end=date(2025, 12, 31),
        as_of=date(2026, 3, 1),
    )

    # 6 January to 31 December 2025: 359 days after the start
    assert (result.credited, result.status) == (359, "behind")
