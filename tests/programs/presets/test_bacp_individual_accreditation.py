"""BACP individual accreditation: 450 h over at least three years, 1.5 h supervision monthly."""

from datetime import date

from tests.programs.presets.conftest import run, summary

WINDOW = {"start": date(2022, 1, 1), "end": date(2025, 1, 31), "as_of": date(2025, 2, 15)}
MONTHS = [(year, month) for year in (2022, 2023, 2024) for month in range(1, 13)] + [(2025, 1)]


def practice(log):
    # 156 Mondays of 3 h from 3 January 2022: 28080 minutes (468 h)
    return log.every(date(2022, 1, 3), 156, 180, "client_individual")


def test_three_years_of_practice_with_monthly_supervision_meets_every_rule(log):
    supervision = [log(date(y, m, 5), 90, "supervision_individual") for y, m in MONTHS]

    result = run("bacp-individual-accreditation", practice(log) + supervision, **WINDOW)

    assert summary(result) == {
        "supervised_practice": ("met", 28080, 27000),
        # 3 January 2022 + 3 years = 3 January 2025: 1096 days; 1124 days after the first
        # session up to 31 January 2025 (the first session's own day is day 0)
        "three_years": ("met", 1124, 1096),
        # 37 whole months, January 2022 to January 2025
        "monthly_supervision": ("met", 37, 37),
    }
    assert result.status == "met"


def test_a_month_with_only_a_large_group_falls_short_of_the_monthly_minimum(log):
    # given June 2023 had 90 minutes in a group of 5 instead: 90 / 5 = 18 minutes
    supervision = [
        log(date(y, m, 5), 90, "supervision_group", group_size=5)
        if (y, m) == (2023, 6)
        else log(date(y, m, 5), 90, "supervision_individual")
        for y, m in MONTHS
    ]

    result = run("bacp-individual-accreditation", practice(log) + supervision, **WINDOW)

    monthly = result.requirements[2]
    assert (monthly.status, monthly.credited, monthly.periods_missed) == ("behind", 36, 1)
    [june] = [p for p in monthly.periods if p.start == date(2023, 6, 1)]
    assert (june.minutes, june.satisfied) == (18, False)
    assert summary(result)["supervised_practice"][0] == "met"
    assert result.status == "behind"


def test_practice_over_less_than_three_years_is_not_enough(log):
    # given the same hours but the enrollment ended after two years
    window = {"start": date(2022, 1, 1), "end": date(2023, 12, 31), "as_of": date(2024, 1, 15)}
    sessions = log.every(date(2022, 1, 3), 104, 270, "client_individual")

    result = run("bacp-individual-accreditation", sessions, **window)

    # 3 January 2022 to 31 December 2023: 727 days after the first session, of the 1096 needed
    assert summary(result)["three_years"] == ("behind", 727, 1096)
    assert summary(result)["supervised_practice"] == ("met", 28080, 27000)
