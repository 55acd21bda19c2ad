from datetime import date, time

import pytest

from programs.engine import Contribution, PeriodResult

THERAPY = "personal_therapy"


def weekly_therapy(period="week", **extra):
    return {
        "key": "weekly_therapy",
        "name": "Weekly personal therapy",
        "kind": "cadence",
        "categories": [THERAPY],
        "period": period,
        **({"min_sessions": 1} if "min_hours" not in extra else {}),
        **extra,
    }


# Eight full weeks, Monday 6 January to Sunday 2 March 2025; as_of is Wednesday of week 4.
EIGHT_WEEKS = {"start": date(2025, 1, 6), "end": date(2025, 3, 2), "as_of": date(2025, 1, 29)}


def test_cadence_counts_required_satisfied_and_missed_periods(run_requirement, make_session):
    # given sessions in weeks 1, 3 and 4 (week 2 missed) and two misses allowed
    sessions = [
        make_session(date(2025, 1, 7), category=THERAPY),
        make_session(date(2025, 1, 21), category=THERAPY),
        make_session(date(2025, 1, 27), category=THERAPY),
    ]

    # when
    result = run_requirement(weekly_therapy(allowed_misses=2), sessions, **EIGHT_WEEKS)

    # then
    assert (result.kind, result.unit) == ("cadence", "periods")
    assert (result.required, result.credited, result.expected_by_now) == (6, 3, 1)
    assert (result.periods_missed, result.status) == (1, "on_track")
    assert result.needed_this_period == 0
    assert result.projected_completion == date(2025, 3, 2)
    assert [(p.start, p.satisfied, p.state) for p in result.periods] == [
        (date(2025, 1, 6), True, "elapsed"),
        (date(2025, 1, 13), False, "elapsed"),
        (date(2025, 1, 20), True, "elapsed"),
        (date(2025, 1, 27), True, "current"),
        (date(2025, 2, 3), False, "future"),
        (date(2025, 2, 10), False, "future"),
        (date(2025, 2, 17), False, "future"),
        (date(2025, 2, 24), False, "future"),
    ]


def test_a_week_ending_on_as_of_is_still_current(run_requirement):
    result = run_requirement(weekly_therapy(), **{**EIGHT_WEEKS, "as_of": date(2025, 1, 12)})

    assert [p.state for p in result.periods[:2]] == ["current", "future"]
    assert result.periods_missed == 0


@pytest.mark.parametrize(
    ("week_start", "week"),
    [
        ("monday", (date(2025, 3, 3), date(2025, 3, 9))),
        ("sunday", (date(2025, 3, 9), date(2025, 3, 15))),
    ],
)
def test_a_late_sunday_session_belongs_to_the_week_of_its_date(
    run_requirement, make_session, week_start, week
):
    # given a session starting Sunday 9 March at 23:30
    session = make_session(date(2025, 3, 9), 60, THERAPY, start_time=time(23, 30))

    # when
    result = run_requirement(weekly_therapy(), [session], rule_options={"week_start": week_start})

    # then
    assert [(p.start, p.end) for p in result.periods if p.sessions] == [week]


def test_only_periods_entirely_inside_the_enrollment_are_required(run_requirement, make_session):
    # given an enrollment from Wednesday 1 to Wednesday 29 January, a session in the partial first week
    session = make_session(date(2025, 1, 2), 50, THERAPY)

    # when
    result = run_requirement(
        weekly_therapy(),
        [session],
        start=date(2025, 1, 1),
        end=date(2025, 1, 29),
        as_of=date(2025, 2, 5),
    )

    # then
    assert [(p.start, p.end) for p in result.periods] == [
        (date(2025, 1, 6), date(2025, 1, 12)),
        (date(2025, 1, 13), date(2025, 1, 19)),
        (date(2025, 1, 20), date(2025, 1, 26)),
    ]
    assert result.explanation == (
        Contribution(session.id, session.date, THERAPY, input=50, credited=0, role="period"),
    )


# A calendar year, looked at in mid-August.
YEAR = {"start": date(2025, 1, 1), "end": date(2025, 12, 31), "as_of": date(2025, 8, 15)}


@pytest.mark.parametrize(
    ("leave", "june_exempt", "july_exempt"),
    [
        ((date(2025, 6, 20), date(2025, 7, 10)), False, False),  # 11 of 30, 10 of 31 days
        ((date(2025, 7, 1), date(2025, 7, 15)), False, False),  # 15 of 31: under half
        ((date(2025, 7, 1), date(2025, 7, 16)), False, True),  # 16 of 31: at least half
        ((date(2025, 6, 16), date(2025, 6, 30)), True, False),  # 15 of 30: exactly half
    ],
)
def test_a_month_at_least_half_on_leave_is_exempt(run_requirement, leave, june_exempt, july_exempt):
    result = run_requirement(weekly_therapy("month"), leaves=[leave], **YEAR)

    exempt = {p.start.month: p.exempt for p in result.periods}
    assert (exempt[6], exempt[7]) == (june_exempt, july_exempt)


def test_leave_across_a_month_end_excludes_its_sessions_and_exempts_nothing(
    run_requirement, make_session
):
    # given a leave from 20 June to 10 July and sessions before, during and after it
    before = make_session(date(2025, 6, 10), category=THERAPY)
    during = make_session(date(2025, 6, 25), category=THERAPY)
    after = make_session(date(2025, 7, 15), category=THERAPY)

    # when
    result = run_requirement(
        weekly_therapy("month"),
        [before, during, after],
        leaves=[(date(2025, 6, 20), date(2025, 7, 10))],
        **YEAR,
    )

    # then
    assert [e.session_id for e in result.excluded if e.reason == "during_leave"] == [during.id]
    june, july = result.periods[5:7]
    assert june == PeriodResult(date(2025, 6, 1), date(2025, 6, 30), 60, 1, True, False, "elapsed")
    assert july == PeriodResult(date(2025, 7, 1), date(2025, 7, 31), 60, 1, True, False, "elapsed")


@pytest.mark.parametrize(
    ("leave_days", "exempt"),
    [(3, False), (4, True), (7, True)],
)
def test_a_week_is_exempt_from_four_leave_days(run_requirement, leave_days, exempt):
    leave = (date(2025, 1, 13), date(2025, 1, 12 + leave_days))

    result = run_requirement(weekly_therapy(), leaves=[leave], **EIGHT_WEEKS)

    assert result.periods[1].exempt is exempt
    assert result.periods_missed == (1 if not exempt else 0) + 2  # weeks 1 and 3 are missed too
    assert result.required == 8 - (1 if exempt else 0)


def test_exempt_current_period_needs_nothing(run_requirement):
    result = run_requirement(
        weekly_therapy(), leaves=[(date(2025, 1, 27), date(2025, 2, 2))], **EIGHT_WEEKS
    )

    assert result.needed_this_period is None


@pytest.mark.parametrize(
    ("rule", "minutes", "satisfied", "needed"),
    [
        ({"min_sessions": 2, "min_hours": 1.5}, [30, 30], False, 30),  # two sessions, 60 of 90 min
        ({"min_sessions": 2, "min_hours": 1.5}, [120], False, 0),  # enough minutes, one session
        ({"min_sessions": 2, "min_hours": 1.5}, [45, 45], True, 0),
        ({"min_hours": 1}, [50], False, 10),
        ({"min_sessions": 3}, [50], False, 2),
    ],
)
def test_sessions_and_hours_must_both_be_reached(
    run_requirement, make_session, rule, minutes, satisfied, needed
):
    # given sessions in the current week (27 January - 2 February)
    sessions = [make_session(date(2025, 1, 27), m, THERAPY) for m in minutes]

    # when
    result = run_requirement(weekly_therapy(**rule), sessions, **EIGHT_WEEKS)

    # then
    assert result.periods[3].satisfied is satisfied
    assert result.needed_this_period == needed


@pytest.mark.parametrize(
    "facts",
    [
        {**EIGHT_WEEKS, "as_of": date(2025, 3, 10)},  # ended
        {**EIGHT_WEEKS, "start": date(2025, 1, 8), "as_of": date(2025, 1, 9)},  # partial first week
    ],
)
def test_no_current_required_period_means_nothing_needed_this_period(run_requirement, facts):
    assert run_requirement(weekly_therapy(), **facts).needed_this_period is None


def test_missing_more_periods_than_allowed_leaves_no_projected_completion(run_requirement):
    # given nothing logged in three elapsed weeks with two misses allowed
    result = run_requirement(weekly_therapy(allowed_misses=2), **EIGHT_WEEKS)

    assert (result.periods_missed, result.status, result.projected_completion) == (
        3,
        "behind",
        None,
    )
