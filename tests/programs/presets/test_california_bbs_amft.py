"""California BBS AMFT: 3,000 h in at least 104 weeks, weekly supervision units."""

from datetime import date, timedelta

from tests.programs.presets.conftest import run, summary

# 120 whole weeks, Monday 2 January 2023 to Sunday 20 April 2025.
ASSOCIATESHIP = {
    "start": date(2023, 1, 2),
    "end": date(2025, 4, 20),
    "as_of": date(2025, 5, 1),
    "milestones": {"application": date(2025, 5, 1)},
}


def weeks(log, without_supervision=()):
    """Each week: 10 h individual and 5 h couples on Monday and Tuesday (15 h of direct
    clinical counseling, so two units are due), 2 h individual supervision on Wednesday and
    9 h of non-clinical work on Thursday: 26 h a week, never 40 in any seven days."""
    sessions = []
    for week in range(120):
        monday = date(2023, 1, 2) + timedelta(weeks=week)
        sessions.append(log(monday, 600, "client_individual"))
        sessions.append(log(monday + timedelta(days=1), 300, "client_couple_family"))
        if week not in without_supervision:
            sessions.append(log(monday + timedelta(days=2), 120, "supervision_individual"))
        sessions.append(log(monday + timedelta(days=3), 540, "non_clinical"))
    return sessions


def test_two_years_and_a_bit_of_supervised_weeks_meets_every_rule(log):
    result = run("california-bbs-amft", weeks(log), **ASSOCIATESHIP)

    assert summary(result) == {
        # clinical 120 x 900 = 108000; non-clinical 120 x (120 + 540) = 79200, capped at 75000
        "total_experience": ("met", 183000, 180000),
        "direct_clinical": ("met", 108000, 105000),
        "couples_families_children": ("met", 36000, 30000),
        # every week is triggered and above 10 h: two units (120 min) due, 120 given
        "weekly_supervision": ("met", 120, 120),
        "individual_supervision_weeks": ("met", 120, 52),
        # 839 days after the first session's day up to the end; 104 weeks are 728
        "minimum_duration": ("met", 839, 728),
    }
    assert result.requirements[0].capped_off == 4200
    assert result.status == "met"


def test_a_week_without_supervision_loses_its_hours_and_misses_its_units(log):
    # given the tenth week (6 March 2023) had no supervision
    result = run("california-bbs-amft", weeks(log, without_supervision={9}), **ASSOCIATESHIP)

    figures = summary(result)
    # that week's 15 h of counseling and 9 h of non-clinical work do not count
    assert figures["direct_clinical"] == ("met", 107100, 105000)
    assert figures["couples_families_children"] == ("met", 35700, 30000)
    # non-clinical: 119 x 660 = 78540, still above the 75000 cap
    assert figures["total_experience"] == ("met", 182100, 180000)
    weekly = result.requirements[3]
    assert (weekly.status, weekly.credited, weekly.periods_missed) == ("behind", 119, 1)
    [note] = [
        effect.note
        for contribution in result.requirements[1].explanation
        for effect in contribution.steps
        if effect.note
    ][:1]
    assert note.startswith("week of 2023-03-06: condition not met")
    assert result.status == "behind"


def test_hours_older_than_six_years_before_the_application_do_not_count(log):
    session = log(date(2019, 4, 30), 600, "client_individual")
    window = {"start": date(2019, 1, 7), "end": date(2025, 12, 28), "as_of": date(2025, 6, 1)}
    supervision = log(date(2019, 5, 1), 60, "supervision_individual")

    result = run(
        "california-bbs-amft",
        [session, supervision],
        **window,
        milestones={"application": date(2025, 5, 1)},
    )

    # 1 May 2025 - 6 years = 1 May 2019: 30 April 2019 is older
    assert [e.reason for e in result.requirements[1].excluded] == ["outside_look_back"]


def test_supervision_is_weighed_in_units_and_due_in_each_setting(log):
    # given one week: at the clinic 12 h of counseling with 1 h individual and 2 h in a group of
    # six (two units, as 12 h need); at the school 4 h of counseling with only 1 h in a group (half
    # a unit); today's main counted the raw group hour as enough
    monday = date(2023, 1, 2)
    sessions = [
        log(monday, 720, "client_individual", setting="clinic"),
        log(monday + timedelta(days=1), 60, "supervision_individual", setting="clinic"),
        log(monday + timedelta(days=2), 120, "supervision_group", group_size=6, setting="clinic"),
        log(monday + timedelta(days=3), 240, "client_individual", setting="school"),
        log(monday + timedelta(days=4), 60, "supervision_group", group_size=6, setting="school"),
    ]

    result = run("california-bbs-amft", sessions, **ASSOCIATESHIP)

    direct = result.requirements[1]
    assert [(c.input, c.credited) for c in direct.explanation if c.role == "credit"] == [
        (720, 720),
        (240, 0),
    ]
    weekly = result.requirements[3]
    first_week = [p for p in weekly.periods if p.start == monday]
    assert [(p.setting, p.minutes, p.required_minutes, p.satisfied) for p in first_week] == [
        ("clinic", 120, 120, True),
        ("school", 30, 60, False),
    ]
