"""Distinct counts: different providers, clients, weeks; at most N supervisors at one time."""

from datetime import date

import pytest

from programs.engine import PeriodResult

SUPERVISION = "supervision_individual"
ENDED = {"start": date(2025, 1, 6), "end": date(2025, 12, 28), "as_of": date(2026, 1, 31)}


def distinct(of, limit="at_least", count=2, categories=(SUPERVISION,), **extra):
    return {
        "key": "distinct",
        "name": "Distinct",
        "kind": "distinct",
        "categories": list(categories),
        "of": of,
        limit: count,
        **extra,
    }


@pytest.mark.parametrize(
    ("providers", "contributions", "credited", "status"),
    [
        ((5, 5), [1, 0], 1, "behind"),
        ((5, 6), [1, 1], 2, "met"),
        ((5, None), [1, 0], 1, "behind"),  # a session without a provider brings nothing
        ((None, None), [0, 0], 0, "behind"),
    ],
)
def test_at_least_two_distinct_supervisors(
    run_requirement, make_session, providers, contributions, credited, status
):
    sessions = [
        make_session(date(2025, 3, day), 60, SUPERVISION, provider_id=provider)
        for day, provider in zip((3, 4), providers, strict=True)
    ]

    result = run_requirement(distinct("provider"), sessions, **ENDED)

    assert [c.credited for c in result.explanation] == contributions
    assert [c.role for c in result.explanation] == ["occurrence", "occurrence"]
    assert (result.unit, result.required, result.credited, result.status) == (
        "count",
        2,
        credited,
        status,
    )


@pytest.mark.parametrize(("clients", "status"), [(24, "behind"), (25, "met")])
def test_emdr_sessions_with_at_least_25_clients(run_requirement, make_session, clients, status):
    sessions = [
        make_session(date(2025, 3, 3), 60, "client_individual", client_id=n % clients)
        for n in range(50)
    ]

    result = run_requirement(
        distinct("client", count=25, categories=("client_individual",)), sessions, **ENDED
    )

    assert (result.credited, result.status) == (clients, status)


@pytest.mark.parametrize(("week_start", "weeks"), [("monday", 1), ("sunday", 2)])
def test_distinct_weeks_follow_the_programs_week_start(
    run_requirement, make_session, week_start, weeks
):
    # given Monday 3 and Sunday 9 March
    sessions = [
        make_session(date(2025, 3, 3), 60, SUPERVISION),
        make_session(date(2025, 3, 9), 60, SUPERVISION),
    ]

    result = run_requirement(
        distinct("week"), sessions, rule_options={"week_start": week_start}, **ENDED
    )

    assert result.credited == weeks


def test_no_more_than_two_supervisors_in_any_month(run_requirement, make_session):
    sessions = [
        make_session(date(2025, 3, 3), 60, SUPERVISION, provider_id=1),
        make_session(date(2025, 3, 10), 60, SUPERVISION, provider_id=2),
        make_session(date(2025, 4, 7), 60, SUPERVISION, provider_id=1),
        make_session(date(2025, 4, 14), 60, SUPERVISION, provider_id=2),
        make_session(date(2025, 4, 21), 45, SUPERVISION, provider_id=3),
    ]

    result = run_requirement(distinct("provider", "at_most", per_period="month"), sessions, **ENDED)

    assert result.periods == (
        PeriodResult(date(2025, 3, 1), date(2025, 3, 31), 120, 2, True, False, "elapsed"),
        PeriodResult(date(2025, 4, 1), date(2025, 4, 30), 165, 3, False, False, "elapsed"),
    )
    assert [c.credited for c in result.explanation] == [1, 1, 1, 1, 1]
    assert (result.limit, result.credited, result.periods_missed, result.status) == (
        "at_most",
        3,
        1,
        "behind",
    )


def test_at_least_is_paced_like_a_total(run_requirement, make_session):
    # given half-way through, one of four distinct clients: expected 4 x elapsed / total = 2
    session = make_session(date(2025, 3, 3), 60, "client_individual", client_id=1)

    result = run_requirement(
        distinct("client", count=4, categories=("client_individual",)),
        [session],
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
        as_of=date(2025, 7, 2),
    )

    assert (result.expected_by_now, result.status) == (2, "behind")
