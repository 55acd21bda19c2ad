"""Day-of-week filters (issue 18, item 7) and distinct sub-periods within a cadence's period
(item 6): figures hand-computed from the rules' sources."""

import re
from datetime import date, timedelta

import pytest

from programs.engine import RuleDefinitionError

ANALYSIS = "training_analysis"
SUPERVISION = "supervision_individual"
# Four whole weeks, Monday 3 March to Sunday 30 March 2025, looked at afterwards.
MARCH = {"start": date(2025, 3, 3), "end": date(2025, 3, 30), "as_of": date(2025, 4, 15)}
MONDAY = date(2025, 3, 3)


def four_weekdays(**extra):
    # The Eitingon model of the IPA Procedural Code: a training analysis of four (to five)
    # sessions a week, on separate days; the institute in the issue counts them Monday to
    # Friday only (its regulation, not the IPA's).
    return {
        "key": "four_times_weekly",
        "name": "Four sessions a week on separate weekdays",
        "kind": "cadence",
        "categories": [ANALYSIS],
        "period": "week",
        "min_sessions": 4,
        "distinct_days": True,
        "where": {"weekdays": ["monday", "tuesday", "wednesday", "thursday", "friday"]},
        **extra,
    }


def sessions_on(make_session, *offsets, category=ANALYSIS, minutes=50, first=MONDAY):
    return [make_session(first + timedelta(days=n), minutes, category) for n in offsets]


def test_a_saturday_session_is_not_one_of_the_four_weekdays(run_requirement, make_session):
    # given week 1: Monday, Tuesday, Wednesday and Saturday; week 2: Monday to Thursday
    sessions = sessions_on(make_session, 0, 1, 2, 5, 7, 8, 9, 10)

    result = run_requirement(four_weekdays(), sessions, **MARCH)

    # the Saturday session (8 March) is excluded, so week 1 has three weekdays and is missed
    assert [e.reason for e in result.excluded] == ["other_weekday"]
    assert result.excluded[0].date == date(2025, 3, 8)
    assert [(p.sessions, p.satisfied) for p in result.periods][:2] == [(3, False), (4, True)]


def test_without_the_filter_the_saturday_counts(run_requirement, make_session):
    rule = four_weekdays()
    del rule["where"]

    result = run_requirement(rule, sessions_on(make_session, 0, 1, 2, 5), **MARCH)

    assert (result.periods[0].sessions, result.periods[0].satisfied) == (4, True)


@pytest.mark.parametrize(
    ("day", "reason"),
    [(date(2025, 3, 9), "other_weekday"), (date(2025, 3, 10), None)],  # Sunday, Monday
)
def test_a_total_may_leave_out_weekends(run_requirement, make_session, day, reason):
    rule = {
        "key": "weekday_hours",
        "name": "Weekday client hours",
        "kind": "total",
        "unit": "hours",
        "minimum": 10,
        "where": {"weekdays": ["monday", "tuesday", "wednesday", "thursday", "friday"]},
        "counts": [{"categories": ["client_individual"]}],
    }

    result = run_requirement(rule, [make_session(day, 60, "client_individual")], **MARCH)

    assert [e.reason for e in result.excluded] == ([reason] if reason else [])
    assert result.credited == (0 if reason else 60)


# Oregon OAR 833-050-0081(2)-(3): "Supervision meetings must take place at least twice per month,
# and in different weeks", each "no less than one hour".
TWICE_A_MONTH = {
    "key": "supervision_meetings",
    "name": "Two supervision meetings a month, in different weeks",
    "kind": "cadence",
    "categories": [SUPERVISION],
    "period": "month",
    "min_sessions": 2,
    "distinct": "week",
    "where": {"min_session_minutes": 60},
}
APRIL_MAY = {"start": date(2025, 4, 1), "end": date(2025, 5, 31), "as_of": date(2025, 6, 15)}


def test_two_meetings_in_one_week_are_one_week_of_meetings(run_requirement, make_session):
    sessions = [
        # April: Monday 7 and Friday 11 are one week (weeks start on Monday): missed
        make_session(date(2025, 4, 7), 60, SUPERVISION),
        make_session(date(2025, 4, 11), 60, SUPERVISION),
        # May: Friday 9 and Monday 12 are two weeks: met
        make_session(date(2025, 5, 9), 60, SUPERVISION),
        make_session(date(2025, 5, 12), 60, SUPERVISION),
        # a 45-minute meeting is not a meeting
        make_session(date(2025, 4, 22), 45, SUPERVISION),
    ]

    result = run_requirement(TWICE_A_MONTH, sessions, **APRIL_MAY)

    april, may = result.periods
    assert (april.sessions, april.satisfied, april.note) == (
        1,
        False,
        "2 sessions on 1 different weeks",
    )
    assert (may.sessions, may.satisfied) == (2, True)
    assert [e.reason for e in result.excluded] == ["too_short"]
    assert (result.credited, result.periods_missed, result.status) == (1, 1, "behind")


def test_weeks_follow_the_programs_week_start(run_requirement, make_session):
    # Friday 9 and Monday 12 May are one week when weeks start on Friday
    sessions = [
        make_session(date(2025, 5, 9), 60, SUPERVISION),
        make_session(date(2025, 5, 12), 60, SUPERVISION),
    ]

    result = run_requirement(
        TWICE_A_MONTH, sessions, rule_options={"week_start": "friday"}, **APRIL_MAY
    )

    assert (result.periods[1].sessions, result.periods[1].satisfied) == (1, False)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"period": "week", "distinct": "week"}, "a week is not shorter than the period (week)"),
        ({"distinct": "fortnight"}, "'fortnight' is not day, week or month"),
        ({"distinct": "day", "distinct_days": True}, "give distinct or distinct_days"),
    ],
)
def test_a_sub_period_must_divide_the_period(make_rules, options, message):
    with pytest.raises(RuleDefinitionError, match=re.escape(message)):
        make_rules({**TWICE_A_MONTH, **options})
