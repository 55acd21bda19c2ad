"""APPIC AAPI practicum hours: clock hours with 45-59 minutes as an hour; advisory targets."""

from datetime import date

import pytest

from tests.programs.presets.conftest import run, summary

YEAR = {"start": date(2024, 9, 2), "end": date(2025, 8, 31), "as_of": date(2025, 9, 10)}


def practicum(log, client_minutes):
    sessions = log.every(date(2024, 9, 2), 500, client_minutes, "client_individual", days=0)
    sessions += log.every(date(2024, 9, 3), 100, 45, "assessment", days=0)
    sessions += log.every(date(2024, 9, 4), 150, 60, "supervision_individual", days=0)
    sessions += log.every(date(2024, 9, 5), 300, 60, "didactic", days=0)
    return sessions


def test_fifty_minute_sessions_are_practicum_hours(log):
    result = run("appic-aapi-practicum", practicum(log, 50), **YEAR)

    assert summary(result) == {
        "intervention_hours": ("met", 30000, 30000),
        "assessment_hours": ("met", 6000, 6000),
        "supervision_hours": ("met", 9000, 9000),
        "support_hours": ("met", 18000, 18000),
    }


def test_forty_four_minute_sessions_are_not_practicum_hours_and_only_warn(log):
    result = run("appic-aapi-practicum", practicum(log, 44), **YEAR)

    intervention = result.requirements[0]
    assert (intervention.status, intervention.credited, intervention.advisory) == (
        "behind",
        0,
        True,
    )
    # every rule here is advisory: the placeholders never fail an enrollment
    assert result.status == "met"


@pytest.mark.parametrize(
    ("minutes", "hours"), [(45, 1), (59, 1), (60, 1), (90, 1), (105, 2), (120, 2)]
)
def test_clock_hours_count_a_final_45_minutes_as_an_hour(log, minutes, hours):
    result = run("appic-aapi-practicum", [log(date(2024, 9, 2), minutes, "client_group")], **YEAR)

    assert result.requirements[0].credited == hours * 60
