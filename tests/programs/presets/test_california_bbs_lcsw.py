"""California BBS ASW (LCSW): 3,000 post-degree hours, 2,000 clinical, 750 psychotherapy."""

from datetime import date, timedelta

from tests.programs.presets.conftest import run, summary

ASSOCIATESHIP = {
    "start": date(2023, 1, 2),
    "end": date(2025, 4, 20),
    "as_of": date(2025, 5, 1),
    "milestones": {"degree_conferred": date(2022, 12, 15), "application": date(2025, 5, 1)},
}


def weeks(log, psychotherapy, assessment):
    """120 weeks: psychotherapy on Monday, assessment on Tuesday, 2 h supervision on
    Wednesday, 8 h non-clinical on Thursday."""
    sessions = []
    for week in range(120):
        monday = date(2023, 1, 2) + timedelta(weeks=week)
        sessions.append(log(monday, psychotherapy, "client_individual"))
        sessions.append(log(monday + timedelta(days=1), assessment, "assessment"))
        sessions.append(log(monday + timedelta(days=2), 120, "supervision_individual"))
        sessions.append(log(monday + timedelta(days=3), 480, "non_clinical"))
    return sessions


def test_exactly_three_thousand_hours_meets_every_rule(log):
    # given 8 h of psychotherapy and 9 h of assessment a week
    result = run("california-bbs-lcsw", weeks(log, 480, 540), **ASSOCIATESHIP)

    assert summary(result) == {
        # 120 x (480 + 540) = 122400 clinical + 120 x 480 = 57600 non-clinical = 3000 h
        "total_experience": ("met", 180000, 180000),
        "clinical_diagnosis_treatment": ("met", 122400, 120000),
        "psychotherapy": ("met", 57600, 45000),
        # 8 h of client contact a week is not above 10 h: one unit (60 min) due, 120 given
        "weekly_supervision": ("met", 120, 120),
        "minimum_duration": ("met", 839, 728),
    }
    assert result.status == "met"


def test_too_little_face_to_face_psychotherapy_fails_only_that_rule(log):
    # given 6 h of psychotherapy and 11 h of assessment a week: the same clinical total
    result = run("california-bbs-lcsw", weeks(log, 360, 660), **ASSOCIATESHIP)

    figures = summary(result)
    assert figures["psychotherapy"] == ("behind", 43200, 45000)
    assert figures["clinical_diagnosis_treatment"] == ("met", 122400, 120000)
    assert figures["total_experience"] == ("met", 180000, 180000)
    assert result.status == "behind"


def test_nothing_counts_until_the_degree_date_is_recorded(log):
    facts = {**ASSOCIATESHIP, "milestones": {"application": date(2025, 5, 1)}}

    result = run("california-bbs-lcsw", weeks(log, 480, 540), **facts)

    assert summary(result)["total_experience"] == ("behind", 0, 180000)
    assert {e.reason for e in result.requirements[0].excluded} == {"before_window"}
