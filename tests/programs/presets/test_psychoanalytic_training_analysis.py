"""Training analysis: four sessions a week on separate days, and a total in analytic hours."""

from datetime import date, timedelta

from tests.programs.presets.conftest import run, summary

# 157 whole weeks, Monday 3 January 2022 to Sunday 5 January 2025.
TRAINING = {"start": date(2022, 1, 3), "end": date(2025, 1, 5), "as_of": date(2025, 1, 20)}


def analysis(log, crowded_weeks=0):
    """Monday to Thursday, 50 minutes; in the first `crowded_weeks` Thursday's is on Monday."""
    sessions = []
    for week in range(157):
        monday = date(2022, 1, 3) + timedelta(weeks=week)
        days = (0, 0, 1, 2) if week < crowded_weeks else (0, 1, 2, 3)
        sessions += [log(monday + timedelta(days=d), 50, "training_analysis") for d in days]
    return sessions


def test_four_sessions_a_week_for_three_years_meets_both_rules(log):
    result = run("psychoanalytic-training-analysis", analysis(log), **TRAINING)

    assert summary(result) == {
        # 157 weeks satisfied; 157 - 10 allowed misses are required
        "four_times_weekly": ("met", 157, 147),
        # 628 sessions of 50 minutes are 628 analytic hours
        "analytic_hours": ("met", 628 * 60, 600 * 60),
    }


def test_two_sessions_on_one_day_do_not_make_a_fourth_day(log):
    # given eleven weeks with two sessions on Monday and none on Thursday
    result = run("psychoanalytic-training-analysis", analysis(log, crowded_weeks=11), **TRAINING)

    weekly = result.requirements[0]
    assert (weekly.periods[0].sessions, weekly.periods[0].satisfied) == (3, False)
    assert (weekly.status, weekly.periods_missed) == ("behind", 11)
    # the hours themselves still count
    assert summary(result)["analytic_hours"] == ("met", 628 * 60, 600 * 60)


def test_a_session_under_45_minutes_is_not_part_of_the_analysis(log):
    sessions = [
        log(date(2022, 1, 3), 40, "training_analysis"),
        log(date(2022, 1, 4), 100, "training_analysis"),
    ]

    result = run("psychoanalytic-training-analysis", sessions, **TRAINING)

    total = result.requirements[1]
    assert [e.reason for e in total.excluded] == ["too_short"]
    # a double session of 100 minutes is two analytic hours
    assert total.credited == 120


def test_a_weekend_session_is_not_one_of_the_four(log):
    # given every week Monday to Wednesday and Saturday
    sessions = []
    for week in range(157):
        monday = date(2022, 1, 3) + timedelta(weeks=week)
        sessions += [log(monday + timedelta(days=d), 50, "training_analysis") for d in (0, 1, 2, 5)]

    result = run("psychoanalytic-training-analysis", sessions, **TRAINING)

    weekly = result.requirements[0]
    assert (weekly.periods[0].sessions, weekly.periods[0].satisfied) == (3, False)
    assert {e.reason for e in weekly.excluded} == {"other_weekday"}
    assert weekly.status == "behind"
    # the Saturday sessions are still analytic hours
    assert summary(result)["analytic_hours"] == ("met", 628 * 60, 600 * 60)
