"""Oregon registered associates: client contact credited only in months with their supervision
(OAR 833-050-0081(4), (6), (8)), two meetings a month in different weeks (2), 2,400 hours in
36 months (833-050-0071(1)), at most two supervisors (833-050-0081(9))."""

from datetime import date, timedelta

from tests.programs.presets.conftest import run, summary

FOUR_MONTHS = {"start": date(2025, 1, 1), "end": date(2025, 4, 30), "as_of": date(2025, 5, 15)}


def client_hours(log, first, hours):
    """5-hour sessions of client contact on consecutive days from `first`."""
    return [log(first + timedelta(days=n), 300, "client_individual") for n in range(hours // 5)]


def four_months(log):
    return [
        # January: 40 h of contact; 1 h individual on Monday 6, 1 h in a group of five on
        # Monday 13: 2 h, half individual, two weeks
        *client_hours(log, date(2025, 1, 2), 40),
        log(date(2025, 1, 6), 60, "supervision_individual", provider_id=1),
        log(date(2025, 1, 13), 60, "supervision_group", group_size=5, provider_id=1),
        # February: 50 h (above 45): 2 h individual and 1 h in a group: 3 h, 2 individual
        *client_hours(log, date(2025, 2, 3), 50),
        log(date(2025, 2, 3), 120, "supervision_individual", provider_id=1),
        log(date(2025, 2, 10), 60, "supervision_group", group_size=5, provider_id=2),
        # March: 40 h; two individual hours on Monday 3 and Friday 7: the same week
        *client_hours(log, date(2025, 3, 10), 40),
        log(date(2025, 3, 3), 60, "supervision_individual", provider_id=1),
        log(date(2025, 3, 7), 60, "supervision_individual", provider_id=1),
        # April: 40 h; 1 h individual and 1 h in a group of eight, which does not count
        *client_hours(log, date(2025, 4, 7), 40),
        log(date(2025, 4, 7), 60, "supervision_individual", provider_id=1),
        log(date(2025, 4, 14), 60, "supervision_group", group_size=8, provider_id=3),
    ]


def test_a_month_without_its_minimum_supervision_credits_no_client_contact(log):
    result = run("oregon-registered-associate", four_months(log), **FOUR_MONTHS)

    assert summary(result) == {
        # January 40 h, February 50 h and March 40 h; April's 40 h are not credited (8)
        "direct_client_contact": ("behind", 130 * 60, 2400 * 60),
        # January to March have their hours; April has 1 of the 2 hours
        "monthly_supervision": ("behind", 3, 4),
        # March's two meetings fell in one week; April had one meeting that counts
        "supervision_meetings": ("behind", 2, 4),
        # 2 January to 30 April 2025: 118 days of the 1095 in 36 months
        "thirty_six_months": ("behind", 118, 1095),
        # at most two supervisors in any month
        "two_supervisors": ("met", 2, 2),
    }
    april = [
        c
        for c in result.requirements[0].explanation
        if c.date.month == 4 and c.category == "client_individual"
    ]
    assert april[0].steps[0].note == (
        "month of 2025-04-01: condition not met (60 min, 1 sessions of supervision_group, "
        "supervision_individual after their steps; 120 min needed, with 2400 min of "
        "client_child, client_couple_family, client_group, client_individual in the month)"
    )
    excluded = result.requirements[2].excluded
    assert [(e.date, e.reason) for e in excluded] == [(date(2025, 4, 14), "group_too_large")]


def test_three_hours_without_the_individual_half_credit_nothing(log):
    # given 50 h of contact and 3 h of supervision, only 1 of them individual: (6) wants 1.5
    sessions = [
        *client_hours(log, date(2025, 2, 3), 50),
        log(date(2025, 2, 3), 60, "supervision_individual"),
        log(date(2025, 2, 10), 120, "supervision_group", group_size=4),
    ]

    result = run("oregon-registered-associate", sessions, **FOUR_MONTHS)

    contact = result.requirements[0]
    assert contact.credited == 0
    assert contact.explanation[0].steps[1].note == (
        "month of 2025-02-01: condition not met (60 min, 1 sessions of supervision_individual; "
        "90 min needed, with 3000 min of client_child, client_couple_family, client_group, "
        "client_individual in the month)"
    )
