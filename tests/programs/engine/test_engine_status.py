from dataclasses import replace
from datetime import date, timedelta

import pytest

from programs.engine import RequirementResult, evaluate
from programs.engine.status import overall_status

CLIENT = "client_individual"
START = date(2025, 1, 1)
# 100 days to 10 April; by 19 February (day 50) half of the 100 h minimum is expected.
HUNDRED_DAYS = {"start": START, "end": date(2025, 4, 10), "as_of": date(2025, 2, 19)}


def client_hours(minimum=100, **extra):
    return {
        "key": "client_contact",
        "name": "Direct client contact",
        "kind": "total",
        "unit": "hours",
        "minimum": minimum,
        "counts": [{"categories": [CLIENT]}],
        **extra,
    }


@pytest.mark.parametrize(
    ("credited", "status"),
    [
        (6000, "met"),
        (3000, "on_track"),
        (2700, "on_track"),  # exactly 0.9 of expected
        (2699, "at_risk"),
        (2250, "at_risk"),  # exactly 0.75 of expected
        (2249, "behind"),
        (0, "behind"),  # past the grace period
    ],
)
def test_total_status_compares_credited_with_expected_by_now(
    run_requirement, make_session, credited, status
):
    sessions = [make_session(date(2025, 2, 1), credited)] if credited else []

    result = run_requirement(client_hours(), sessions, **HUNDRED_DAYS)

    assert result.expected_by_now == 3000
    assert result.status == status


@pytest.mark.parametrize(
    ("days", "status"), [(0, "not_started"), (27, "not_started"), (28, "behind")]
)
def test_nothing_credited_is_not_started_during_the_grace_days(run_requirement, days, status):
    result = run_requirement(
        client_hours(), **{**HUNDRED_DAYS, "as_of": START + timedelta(days=days)}
    )

    assert result.status == status


def test_custom_thresholds_apply(run_requirement, make_session):
    options = {"status": {"on_track_ratio": 0.5, "at_risk_ratio": 0.25, "grace_days": 0}}

    statuses = [
        run_requirement(
            client_hours(),
            [make_session(date(2025, 2, 1), m)],
            rule_options=options,
            **HUNDRED_DAYS,
        ).status
        for m in (1500, 1499, 750, 749)
    ]

    assert statuses == ["on_track", "at_risk", "at_risk", "behind"]


def test_some_credit_when_nothing_is_expected_yet_is_on_track(run_requirement, make_session):
    # given 1 h over a year, so floor(60 x 2 / 365) = 0 is expected on day two
    result = run_requirement(
        client_hours(minimum=1),
        [make_session(START, 30)],
        start=START,
        end=date(2025, 12, 31),
        as_of=date(2025, 1, 2),
    )

    assert (result.expected_by_now, result.status) == (0, "on_track")


@pytest.mark.parametrize(
    ("as_of", "credited", "status"),
    [
        (date(2025, 4, 10), 5999, "behind"),  # the last day, short of the minimum
        (date(2025, 4, 11), 5999, "behind"),
        (date(2025, 4, 11), 6000, "met"),
    ],
)
def test_an_ended_enrollment_is_met_or_behind(
    run_requirement, make_session, as_of, credited, status
):
    result = run_requirement(
        client_hours(),
        [make_session(date(2025, 2, 1), credited)],
        **{**HUNDRED_DAYS, "as_of": as_of},
    )

    assert result.status == status


def weekly_therapy(allowed_misses):
    return {
        "key": "weekly_therapy",
        "name": "Weekly personal therapy",
        "kind": "cadence",
        "categories": ["personal_therapy"],
        "period": "week",
        "min_sessions": 1,
        "allowed_misses": allowed_misses,
    }


# Eight weeks from Monday 6 January; week 1 ends Sunday 12 January.
EIGHT_WEEKS = {"start": date(2025, 1, 6), "end": date(2025, 3, 2)}


@pytest.mark.parametrize(
    ("allowed_misses", "session_day", "as_of", "status"),
    [
        (0, None, date(2025, 1, 8), "not_started"),  # no week has ended yet
        (0, date(2025, 1, 8), date(2025, 1, 8), "on_track"),  # this week done already
        (0, date(2025, 1, 8), date(2025, 1, 15), "on_track"),
        (1, None, date(2025, 1, 15), "at_risk"),  # one miss of one allowed
        (2, None, date(2025, 1, 15), "on_track"),
        (0, None, date(2025, 1, 15), "behind"),
        (8, None, date(2025, 3, 2), "met"),  # ended within the allowance
        (6, None, date(2025, 3, 10), "behind"),  # ended with eight misses
    ],
)
def test_cadence_status(run_requirement, make_session, allowed_misses, session_day, as_of, status):
    sessions = [make_session(session_day, category="personal_therapy")] if session_day else []

    result = run_requirement(weekly_therapy(allowed_misses), sessions, as_of=as_of, **EIGHT_WEEKS)

    assert result.status == status


def base_result(status, advisory=False):
    return RequirementResult(
        key="r",
        name="R",
        kind="total",
        unit="minutes",
        required=60,
        credited=0,
        capped_off=0,
        expected_by_now=0,
        status=status,
        advisory=advisory,
        projected_completion=None,
        excluded=(),
        explanation=(),
    )


@pytest.mark.parametrize(
    ("statuses", "overall"),
    [
        ([], "met"),
        (["met", "met"], "met"),
        (["met", "not_started"], "not_started"),
        (["not_started", "on_track"], "on_track"),
        (["on_track", "at_risk", "met"], "at_risk"),
        (["at_risk", "behind", "not_started"], "behind"),
    ],
)
def test_overall_status_is_the_worst_requirement(statuses, overall):
    assert overall_status([base_result(s) for s in statuses]) == overall


def test_advisory_requirements_do_not_set_the_overall_status(make_facts, make_rules, make_session):
    # given a met requirement and an advisory one that is behind
    rules = make_rules(
        client_hours(minimum=1, key="binding"),
        client_hours(minimum=1000, key="advisory", advisory=True),
    )

    # when
    result = evaluate(make_facts([make_session(date(2025, 2, 1))], **HUNDRED_DAYS), rules)

    # then
    assert [(r.key, r.status, r.advisory) for r in result.requirements] == [
        ("binding", "met", False),
        ("advisory", "behind", True),
    ]
    assert (result.enrollment_id, result.as_of, result.status) == (1, date(2025, 2, 19), "met")


def test_overall_status_with_only_advisory_requirements_is_met():
    assert overall_status([replace(base_result("behind"), advisory=True)]) == "met"
