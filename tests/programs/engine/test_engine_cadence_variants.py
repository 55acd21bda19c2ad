"""Cadence variants: triggered periods and extra units, distinct days, N of M periods,
enrollment years, and minutes measured after steps."""

from datetime import date, timedelta

import pytest

CLIENT = "client_individual"
SUPERVISION = "supervision_individual"
GROUP = "supervision_group"


def cadence(**fields):
    return {"key": "weekly", "name": "Weekly", "kind": "cadence", "period": "week", **fields}


TRIGGERED = cadence(
    categories=[SUPERVISION],
    min_hours=1,
    trigger_categories=[CLIENT],
    required_above_hours=0,
    extra=[{"above_hours": 10, "add_hours": 1}],
)
# Three whole weeks (3-9, 10-16, 17-23 March), looked at after the end.
THREE_WEEKS = {"start": date(2025, 3, 3), "end": date(2025, 3, 23), "as_of": date(2025, 4, 30)}


def test_a_week_above_ten_client_hours_needs_a_second_hour_and_a_week_without_any_needs_none(
    run_requirement, make_session
):
    sessions = [
        # week 1: exactly 10 h of client contact is not above 10 h: one hour is enough
        make_session(date(2025, 3, 3), 600, CLIENT),
        make_session(date(2025, 3, 4), 60, SUPERVISION),
        # week 2: 10 h 1 min needs two hours; one is not enough
        make_session(date(2025, 3, 10), 601, CLIENT),
        make_session(date(2025, 3, 11), 60, SUPERVISION),
        # week 3: no client contact: nothing required
    ]

    result = run_requirement(TRIGGERED, sessions, **THREE_WEEKS)

    assert [
        (p.trigger_minutes, p.required_minutes, p.minutes, p.satisfied, p.exempt)
        for p in result.periods
    ] == [(600, 60, 60, True, False), (601, 120, 60, False, False), (0, 60, 0, False, True)]
    assert (result.required, result.credited, result.periods_missed, result.status) == (
        2,
        1,
        1,
        "behind",
    )
    # trigger sessions are listed, credited nothing
    assert [(c.category, c.role, c.credited) for c in result.explanation] == [
        (CLIENT, "trigger", 0),
        (SUPERVISION, "period", 60),
        (CLIENT, "trigger", 0),
        (SUPERVISION, "period", 60),
    ]


def test_without_required_above_every_week_is_required_and_extras_still_apply(
    run_requirement, make_session
):
    rule = {**TRIGGERED}
    del rule["required_above_hours"]
    sessions = [
        make_session(date(2025, 3, 3), 660, CLIENT),
        make_session(date(2025, 3, 4), 120, SUPERVISION),
    ]

    result = run_requirement(rule, sessions, **THREE_WEEKS)

    assert [(p.required_minutes, p.satisfied, p.exempt) for p in result.periods] == [
        (120, True, False),
        (60, False, False),
        (60, False, False),
    ]


@pytest.mark.parametrize(("days", "satisfied"), [((3, 4, 4, 5), False), ((3, 4, 5, 6), True)])
def test_distinct_days_counts_days_with_a_session_not_sessions(
    run_requirement, make_session, days, satisfied
):
    rule = cadence(categories=["training_analysis"], min_sessions=4, distinct_days=True)
    sessions = [make_session(date(2025, 3, day), 50, "training_analysis") for day in days]

    result = run_requirement(rule, sessions, **THREE_WEEKS)

    assert (result.periods[0].sessions, result.periods[0].satisfied) == (len(set(days)), satisfied)


# Six whole months, January to June 2025.
SIX_MONTHS = {"start": date(2025, 1, 1), "end": date(2025, 6, 30)}
FOUR_OF_SIX = cadence(categories=[SUPERVISION], period="month", min_hours=4, min_periods=4)


def monthly_supervision(make_session, months):
    return [make_session(date(2025, month, 10), 240, SUPERVISION) for month in months]


@pytest.mark.parametrize(
    ("months", "as_of", "credited", "expected", "status"),
    [
        # ended: four satisfied months are enough, three are not
        ((1, 2, 4, 6), date(2025, 7, 31), 4, 4, "met"),
        ((1, 2, 4), date(2025, 7, 31), 3, 4, "behind"),
        # mid-way (January to March elapsed, April current): 2 of an expected 4 x 3 / 6 = 2
        ((1, 2), date(2025, 4, 15), 2, 2, "on_track"),
        # three months missed: the three left cannot make four
        ((), date(2025, 4, 15), 0, 2, "behind"),
    ],
)
def test_n_of_m_periods(run_requirement, make_session, months, as_of, credited, expected, status):
    result = run_requirement(
        FOUR_OF_SIX, monthly_supervision(make_session, months), **SIX_MONTHS, as_of=as_of
    )

    assert (result.required, result.credited, result.expected_by_now, result.status) == (
        4,
        credited,
        expected,
        status,
    )


def test_enrollment_years_are_twelve_month_periods_from_the_start(run_requirement, make_session):
    rule = cadence(categories=["personal_therapy"], period="enrollment_year", min_hours=40)
    sessions = [
        make_session(date(2024, 9, 1) + timedelta(weeks=n), 60, "personal_therapy")
        for n in range(40)
    ]

    result = run_requirement(
        rule, sessions, start=date(2024, 9, 1), end=date(2027, 8, 31), as_of=date(2025, 10, 1)
    )

    assert [(p.start, p.end, p.minutes, p.satisfied, p.state) for p in result.periods] == [
        (date(2024, 9, 1), date(2025, 8, 31), 2400, True, "elapsed"),
        (date(2025, 9, 1), date(2026, 8, 31), 0, False, "current"),
        (date(2026, 9, 1), date(2027, 8, 31), 0, False, "future"),
    ]
    assert (result.required, result.credited, result.status) == (3, 1, "on_track")


def test_an_enrollment_starting_on_29_february_has_years_ending_on_27_february(
    run_requirement, make_session
):
    rule = cadence(categories=["personal_therapy"], period="enrollment_year", min_hours=1)

    result = run_requirement(
        rule, [], start=date(2024, 2, 29), end=date(2026, 3, 31), as_of=date(2024, 3, 1)
    )

    assert [(p.start, p.end) for p in result.periods] == [
        (date(2024, 2, 29), date(2025, 2, 27)),
        (date(2025, 2, 28), date(2026, 2, 27)),
    ]


@pytest.mark.parametrize(("group_minutes", "satisfied"), [(119, False), (120, True)])
def test_cadence_counts_measure_minutes_after_their_steps(
    run_requirement, make_session, group_minutes, satisfied
):
    # given 2 h of group supervision is one unit (1 h) and a week needs one unit
    rule = cadence(
        min_hours=1,
        counts=[
            {"categories": [SUPERVISION]},
            {"categories": [GROUP], "where": {"max_group_size": 8}, "steps": [{"scale": 0.5}]},
        ],
    )
    sessions = [
        make_session(date(2025, 3, 3), group_minutes, GROUP, group_size=8),
        make_session(date(2025, 3, 4), 120, GROUP, group_size=9),
    ]

    result = run_requirement(rule, sessions, **THREE_WEEKS)

    assert (result.periods[0].minutes, result.periods[0].satisfied) == (
        group_minutes // 2,
        satisfied,
    )
    assert [e.reason for e in result.excluded] == ["group_too_large"]
    assert result.explanation[0].steps[0].step == "scale"


# "4 hours a month in 24 of 36 months": the Alabama State Board of Social Work Examiners'
# supervision for the LICSW, "four (4) hours per month for 24 months ... completed within a
# 36-month span" (Board licensing FAQ, socialwork.alabama.gov; Ala. Admin. Code ch. 850-X-5).
THIRTY_SIX_MONTHS = {"start": date(2024, 1, 1), "end": date(2026, 12, 31)}
TWENTY_FOUR_OF_36 = cadence(categories=[SUPERVISION], period="month", min_hours=4, min_periods=24)


def supervised_months(make_session, months):
    """Four hours on the 10th of each (year, month)."""
    return [make_session(date(year, month, 10), 240, SUPERVISION) for year, month in months]


def test_n_of_m_projects_the_earliest_end_of_the_nth_period_not_the_end_of_the_window(
    run_requirement, make_session
):
    # given January to June 2024 elapsed with March missed (5 satisfied), July under way
    months = [(2024, m) for m in (1, 2, 4, 5, 6)]

    result = run_requirement(
        TWENTY_FOUR_OF_36,
        supervised_months(make_session, months),
        **THIRTY_SIX_MONTHS,
        as_of=date(2024, 7, 15),
    )

    # 19 more satisfied months are needed; if every month from July 2024 is satisfied, the
    # 19th is January 2026: completion on 31 January 2026 (today's main said 31 December 2026)
    assert (result.required, result.credited, result.status) == (24, 5, "on_track")
    assert result.projected_completion == date(2026, 1, 31)


def test_n_of_m_completion_is_the_end_of_the_nth_satisfied_period_once_met(
    run_requirement, make_session
):
    # given 24 satisfied months, January 2024 to December 2025 but October 2024
    months = [(2024, m) for m in range(1, 13) if m != 10] + [(2025, m) for m in range(1, 13)]
    months.append((2026, 1))

    result = run_requirement(
        TWENTY_FOUR_OF_36,
        supervised_months(make_session, months),
        **THIRTY_SIX_MONTHS,
        as_of=date(2026, 2, 15),
    )

    # the 24th satisfied month is January 2026
    assert (result.credited, result.status) == (24, "met")
    assert result.projected_completion == date(2026, 1, 31)


def test_n_of_m_has_no_completion_once_too_few_periods_are_left(run_requirement, make_session):
    # given nothing in the first 13 months: 23 months are left, 24 are needed
    result = run_requirement(TWENTY_FOUR_OF_36, [], **THIRTY_SIX_MONTHS, as_of=date(2025, 2, 15))

    assert (result.status, result.projected_completion) == ("behind", None)
