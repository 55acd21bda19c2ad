"""Texas LPC Associate: 3,000 h, 1,500 direct, not in less than 18 months, 4 h a month."""

from datetime import date, timedelta

from tests.programs.presets.conftest import run, summary

MONTHS = [(2024, month) for month in range(1, 13)] + [(2025, month) for month in range(1, 9)]


def weeks(log, count, client, non_clinical):
    """`count` weeks from Monday 1 January 2024; client and non-clinical minutes are each
    split over two days."""
    sessions = []
    for week in range(count):
        monday = date(2024, 1, 1) + timedelta(weeks=week)
        sessions.append(log(monday, 720, "client_individual"))
        sessions.append(log(monday + timedelta(days=1), client - 720, "client_individual"))
        sessions.append(log(monday + timedelta(days=2), 720, "non_clinical"))
        sessions.append(log(monday + timedelta(days=3), non_clinical - 720, "non_clinical"))
    return sessions


def supervision(log, months):
    return [
        log(date(year, month, day), 60, "supervision_individual")
        for year, month in months
        for day in (2, 9, 16, 23)
    ]


def test_twenty_months_of_supervised_experience_meets_every_rule(log):
    # given 87 weeks (to Sunday 31 August 2025) of 20 h client and 16 h non-clinical work
    sessions = weeks(log, 87, 1200, 960) + supervision(log, MONTHS)

    result = run(
        "texas-lpc-associate",
        sessions,
        start=date(2024, 1, 1),
        end=date(2025, 8, 31),
        as_of=date(2025, 9, 15),
    )

    assert summary(result) == {
        # 87 x 1200 + 87 x 960 + 20 months x 240 = 104400 + 83520 + 4800
        "total_experience": ("met", 192720, 180000),
        "direct_counseling": ("met", 104400, 90000),
        # 1 January 2024 + 18 months = 1 July 2025: 547 days; 608 days after 1 January 2024 up
        # to 31 August 2025
        "eighteen_months": ("met", 608, 547),
        "monthly_supervision": ("met", 20, 20),
    }
    assert result.status == "met"


def test_enough_hours_two_days_short_of_eighteen_months_is_not_enough(log):
    # given 78 heavier weeks ending Sunday 29 June 2025: 18 months from 1 January 2024 end on
    # 1 July 2025 (22 TAC §681.92(c)), two days later
    sessions = weeks(log, 78, 1320, 1080) + supervision(log, MONTHS[:18])

    result = run(
        "texas-lpc-associate",
        sessions,
        start=date(2024, 1, 1),
        end=date(2025, 6, 29),
        as_of=date(2025, 7, 15),
    )

    figures = summary(result)
    assert figures["total_experience"] == ("met", 191520, 180000)
    assert figures["direct_counseling"] == ("met", 102960, 90000)
    # 545 days after 1 January 2024 up to 29 June 2025 (the first day is day 0)
    assert figures["eighteen_months"] == ("behind", 545, 547)
    assert figures["monthly_supervision"] == ("met", 17, 17)
    assert result.status == "behind"


def test_group_supervision_beyond_half_of_the_supervision_is_not_credited(log):
    # given the first scenario's 87 weeks, but each month's supervision is 2 h individual and
    # 4 h in a group: 40 h individual and 80 h group over 20 months. 22 TAC §681.92(e): no more
    # than 50% of the supervision may be group, so 40 h of group are credited, 40 h are not.
    sessions = weeks(log, 87, 1200, 960)
    for year, month in MONTHS:
        sessions.append(log(date(year, month, 2), 120, "supervision_individual"))
        sessions.append(log(date(year, month, 9), 240, "supervision_group", group_size=5))

    result = run(
        "texas-lpc-associate",
        sessions,
        start=date(2024, 1, 1),
        end=date(2025, 8, 31),
        as_of=date(2025, 9, 15),
    )

    experience = result.requirements[0]
    # 104400 + 83520 + 2400 individual + 2400 of the 4800 group minutes
    assert (experience.credited, experience.capped_off) == (192720, 2400)
    group = [c for c in experience.explanation if c.category == "supervision_group"]
    # the first ten months' group hours fit under the share; the last ten are cut
    assert [c.credited for c in group] == [240] * 10 + [0] * 10
    assert group[-1].steps[-1].note == (
        "supervision_group at most 50% of supervision_group, supervision_individual: 2400 min "
        "allowed of 4800 (2400 min of the rest); 240 min over"
    )
    assert summary(result)["monthly_supervision"] == ("met", 20, 20)


def test_only_an_approved_leave_of_a_month_or_more_suspends_the_monthly_minimum(log):
    # given client contact every week of 2024 and 4 h of supervision in every month but March
    # and July; leave from 1 to 16 March (16 days) and from 1 to 31 July (a month)
    sessions = [
        log(date(2024, 1, 1) + timedelta(weeks=n), 600, "client_individual")
        for n in range(52)
        if not date(2024, 3, 1) <= date(2024, 1, 1) + timedelta(weeks=n) <= date(2024, 3, 16)
        and (date(2024, 1, 1) + timedelta(weeks=n)).month != 7
    ]
    sessions += supervision(log, [(2024, m) for m in range(1, 13) if m not in (3, 7)])

    result = run(
        "texas-lpc-associate",
        sessions,
        start=date(2024, 1, 1),
        end=date(2024, 12, 31),
        as_of=date(2025, 1, 15),
        leaves=[(date(2024, 3, 1), date(2024, 3, 16)), (date(2024, 7, 1), date(2024, 7, 31))],
    )

    monthly = result.requirements[3]
    march, july = monthly.periods[2], monthly.periods[6]
    # 22 TAC §681.92(e): the 16-day leave is not "an extended leave of one month or more"
    assert (march.exempt, march.satisfied) == (False, False)
    assert (july.exempt, july.note) == (
        True,
        "31 of 31 days on leave, 31 in leaves of at least 1 month: exempt (exempt when leaves "
        "of at least 1 month cover at least half of its days)",
    )
    assert (monthly.required, monthly.credited, monthly.periods_missed, monthly.status) == (
        11,
        10,
        1,
        "behind",
    )
