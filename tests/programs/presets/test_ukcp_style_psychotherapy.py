"""UKCP-style training: 40 h of personal therapy each training year, 450 h practice, 1:6."""

from datetime import date

from tests.programs.presets.conftest import run, summary

TRAINING = {"start": date(2021, 9, 1), "end": date(2025, 8, 31), "as_of": date(2025, 9, 30)}
YEAR_STARTS = [date(2021, 9, 1), date(2022, 9, 1), date(2023, 9, 1), date(2024, 9, 1)]


def practice(log):
    client = log.every(date(2021, 9, 6), 150, 180, "client_individual")  # 27000 min
    supervision = log.every(date(2021, 9, 7), 80, 60, "supervision_individual", days=14)  # 4800
    return client + supervision


def therapy(log, sessions_per_year=(48, 48, 48, 48)):
    # weekly 50-minute sessions from each year's start: 48 of them are exactly 40 h
    return [
        session
        for start, count in zip(YEAR_STARTS, sessions_per_year, strict=True)
        for session in log.every(start, count, 50, "personal_therapy")
    ]


def test_forty_hours_each_year_meets_the_training_while_the_weekly_rule_only_warns(log):
    result = run("ukcp-style-psychotherapy", therapy(log) + practice(log), **TRAINING)

    figures = summary(result)
    assert figures["therapy_per_year"] == ("met", 4, 4)
    assert figures["clinical_practice"] == ("met", 27000, 27000)
    # ceil(27000 / 6) = 4500
    assert figures["supervision_ratio"] == ("met", 4800, 4500)
    # four weeks a year without therapy: the advisory rule is behind, the enrollment is not
    weekly = result.requirements[1]
    assert (weekly.advisory, weekly.status) == (True, "behind")
    assert result.status == "met"


def test_a_training_year_with_forty_seven_sessions_misses_the_yearly_minimum(log):
    result = run(
        "ukcp-style-psychotherapy", therapy(log, (48, 48, 47, 48)) + practice(log), **TRAINING
    )

    yearly = result.requirements[0]
    assert [(p.start, p.minutes, p.satisfied) for p in yearly.periods] == [
        (date(2021, 9, 1), 2400, True),
        (date(2022, 9, 1), 2400, True),
        (date(2023, 9, 1), 2350, False),
        (date(2024, 9, 1), 2400, True),
    ]
    assert (yearly.status, yearly.credited) == ("behind", 3)
    assert result.status == "behind"
