"""BACP course placement: 100 h of client work, 1:8 supervision, at least fortnightly."""

from datetime import date

from tests.programs.presets.conftest import run, summary

PLACEMENT = {"start": date(2025, 9, 1), "end": date(2026, 6, 28), "as_of": date(2026, 7, 15)}


def client_work(log):
    # 40 Mondays of 2.5 h: exactly 100 h (6000 min)
    return log.every(date(2025, 9, 1), 40, 150, "client_individual")


def test_fortnightly_supervision_meets_every_rule(log):
    # given an hour of supervision every other Tuesday: 22 sessions, 2 Sept to 23 June
    sessions = client_work(log) + log.every(
        date(2025, 9, 2), 22, 60, "supervision_individual", days=14
    )

    result = run("bacp-course-placement", sessions, **PLACEMENT)

    assert summary(result) == {
        "placement_hours": ("met", 6000, 6000),
        # ceil(6000 / 8) = 750 minutes needed
        "supervision_ratio": ("met", 1320, 750),
        "supervision_hours": ("met", 1320, 750),
        # gaps: 1 day to the first, 14 between, 5 after the last: the longest is 14
        "fortnightly_supervision": ("met", 14, 14),
        # September to May are whole months, each with at least two sessions (120 >= 90)
        "monthly_supervision": ("met", 9, 9),
    }
    assert result.status == "met"


def test_three_weekly_supervision_keeps_the_ratio_but_breaks_the_fortnightly_rule(log):
    # given an hour every 21 days: 15 sessions, 900 minutes, still above the 750 of the ratio
    sessions = client_work(log) + log.every(
        date(2025, 9, 2), 15, 60, "supervision_individual", days=21
    )

    result = run("bacp-course-placement", sessions, **PLACEMENT)

    figures = summary(result)
    assert figures["supervision_ratio"] == ("met", 900, 750)
    assert figures["fortnightly_supervision"] == ("behind", 21, 14)
    assert result.requirements[3].periods_missed == 14
    assert result.status == "behind"


def test_group_supervision_counts_by_the_trainees_share(log):
    # given 90 minutes in a group of 6 and 90 in a group of 3
    sessions = [
        log(date(2025, 9, 2), 90, "supervision_group", group_size=6),
        log(date(2025, 9, 9), 90, "supervision_group", group_size=3),
    ]

    result = run("bacp-course-placement", sessions, **PLACEMENT)

    # then 90 / 6 = 15 and 90 / 2 = 45 count towards supervision hours
    assert summary(result)["supervision_hours"][1] == 60
    # and none towards the ratio, which counts individual and triadic supervision only
    assert summary(result)["supervision_ratio"][1] == 0
