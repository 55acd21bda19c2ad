"""EMDRIA certification: 20 h consultation (consultants in training at most 10), at least 10
individual, 50 EMDR sessions with 25 clients, two years since licensure."""

from datetime import date, timedelta

from tests.programs.presets.conftest import run, summary

YEAR = {
    "start": date(2025, 1, 6),
    "end": date(2025, 12, 28),
    "as_of": date(2026, 1, 15),
    "milestones": {"license_granted": date(2023, 6, 1)},
}


def emdr_sessions(log):
    # 50 sessions, clients 0..24 twice each
    return [
        log(date(2025, 2, 3) + timedelta(days=n), 60, "emdr_session", client_id=n % 25)
        for n in range(50)
    ]


def consultation(log, category, count, kind, first):
    return log.every(first, count, 60, category, provider_kind=kind)


def test_twelve_hours_approved_and_eight_with_a_consultant_in_training_certify(log):
    sessions = emdr_sessions(log)
    sessions += consultation(
        log, "consultation_individual", 12, "approved_consultant", date(2025, 3, 3)
    )
    sessions += consultation(
        log, "consultation_group", 8, "consultant_in_training", date(2025, 3, 4)
    )

    result = run("emdr-certification", sessions, **YEAR)

    assert summary(result) == {
        "consultation": ("met", 1200, 1200),
        # 720 individual minutes against half of the required 1200
        "individual_consultation": ("met", 720, 600),
        "emdr_sessions": ("met", 50, 50),
        "emdr_clients": ("met", 25, 25),
        # 1 June 2023 + 2 years = 1 June 2025: 731 days; 941 after 1 June 2023 up to 28 December
        # 2025
        "licensed_two_years": ("met", 941, 731),
    }
    assert result.status == "met"


def test_fifteen_hours_with_consultants_in_training_leave_the_consultation_short(log):
    sessions = emdr_sessions(log)
    sessions += consultation(
        log, "consultation_individual", 15, "consultant_in_training", date(2025, 3, 3)
    )
    sessions += consultation(log, "consultation_group", 5, "approved_consultant", date(2025, 3, 4))
    sessions.append(log(date(2025, 9, 1), 60, "consultation_individual", provider_kind="peer"))

    result = run("emdr-certification", sessions, **YEAR)

    figures = summary(result)
    # 5 h approved + the first 10 of 15 h in training
    assert figures["consultation"] == ("behind", 900, 1200)
    assert result.requirements[0].capped_off == 300
    assert [e.reason for e in result.requirements[0].excluded] == ["other_provider_kind"]
    # the individual hours credited (600) still make half of the required 20 h
    assert figures["individual_consultation"] == ("met", 600, 600)
    assert result.status == "behind"


def test_own_case_minutes_in_a_small_group_count_as_individual_consultation(log):
    # given 8 h individual with an approved consultant and 6 group meetings of 2 h (groups of
    # three) with 45 minutes on the trainee's own case: 30 of the 45 count as individual
    # (EMDRIA: at most 30 a session), 90 of each meeting as group
    sessions = emdr_sessions(log)
    sessions += consultation(
        log, "consultation_individual", 8, "approved_consultant", date(2025, 3, 3)
    )
    sessions += [
        log(
            date(2025, 6, 2) + timedelta(weeks=n),
            120,
            "consultation_group",
            provider_kind="approved_consultant",
            group_size=3,
            own_case_minutes=45,
        )
        for n in range(6)
    ]
    # a meeting of six: no individual minutes, whatever was recorded
    sessions.append(
        log(
            date(2025, 8, 4),
            60,
            "consultation_group",
            provider_kind="approved_consultant",
            group_size=6,
            own_case_minutes=30,
        )
    )

    result = run("emdr-certification", sessions, **YEAR)

    figures = summary(result)
    # 480 + 6 x 120 + 60 = 1260 minutes, capped nowhere: 21 h of 20
    assert figures["consultation"] == ("met", 1260, 1200)
    # individual: 480 + 6 x 30 = 660 of the 600 needed (without own case: 480, behind)
    assert figures["individual_consultation"] == ("met", 660, 600)
    parts = [
        (c.category, c.part, c.credited)
        for c in result.requirements[0].explanation
        if c.date == date(2025, 6, 2)
    ]
    assert parts == [
        ("consultation_individual", "own_case", 30),
        ("consultation_group", "group", 90),
    ]
