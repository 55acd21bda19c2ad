"""Free days per block with leave removed, and averages over N-day blocks (issue 18, item 8).

ACGME Common Program Requirements (Residency), section VI.F: clinical and educational work is
limited to 80 hours a week averaged over four weeks, and residents must have at least one day in
seven free of clinical work and required education, averaged over four weeks; vacation and leave
days are taken out of the block before averaging (ACGME's FAQ on the common requirements).
"""

from datetime import date, timedelta

import pytest

from programs.engine import RuleDefinitionError

WORK = "clinical_work"
CATEGORIES = [{"key": WORK, "name": "Clinical work", "verification": "self_report"}]
# Two 28-day blocks from Monday 7 July 2025.
START = date(2025, 7, 7)
TWO_BLOCKS = {"start": START, "end": date(2025, 8, 31), "as_of": date(2025, 9, 15)}
VACATION = (date(2025, 8, 11), date(2025, 8, 17))


def one_day_in_seven(**extra):
    return {
        "key": "one_day_in_seven",
        "name": "One day in seven free, averaged over four weeks",
        "kind": "average",
        "categories": [WORK],
        "block_days": 28,
        "min_free_days_per_week": 1,
        "verified_only": False,
        **extra,
    }


def eighty_hours(**extra):
    return {
        "key": "eighty_hours",
        "name": "At most 80 hours a week, averaged over four weeks",
        "kind": "average",
        "categories": [WORK],
        "block_days": 28,
        "max_hours_per_week": 80,
        "verified_only": False,
        **extra,
    }


def shifts(make_session, first, days, minutes=600, skip=()):
    """A shift of `minutes` on each of `days` consecutive days from `first`, except `skip`."""
    return [
        make_session(first + timedelta(days=n), minutes, WORK, status="submitted")
        for n in range(days)
        if first + timedelta(days=n) not in skip
    ]


def test_vacation_is_taken_out_of_the_block_before_counting_free_days(
    run_requirement, make_session
):
    # Block 1 (7 July to 3 August): 28 active days, 3 free: 4 were needed, missed.
    # Block 2 (4 to 31 August): 7 days of vacation leave 21 active days, 3 of them free:
    # 21 / 7 = 3 needed, met. Counting the vacation as free days would find 10.
    block1_free = {date(2025, 7, 13), date(2025, 7, 20), date(2025, 7, 27)}
    block2_free = {date(2025, 8, 4), date(2025, 8, 24), date(2025, 8, 31)}
    sessions = [
        *shifts(make_session, START, 28, skip=block1_free),
        *shifts(make_session, date(2025, 8, 4), 28, skip=block2_free | _days(*VACATION)),
    ]

    result = run_requirement(
        one_day_in_seven(),
        sessions,
        rule_options={"categories": CATEGORIES},
        leaves=[VACATION],
        **TWO_BLOCKS,
    )

    first, second = result.periods
    assert (first.start, first.end, first.days, first.required_days, first.satisfied) == (
        START,
        date(2025, 8, 3),
        3,
        4,
        False,
    )
    assert (second.days, second.required_days, second.satisfied) == (3, 3, True)
    assert second.note == "3 free of 21 active days (7 on leave): 3 needed, 1 in 7"
    assert (result.credited, result.periods_missed, result.status) == (1, 1, "behind")


def test_one_free_day_in_a_block_with_a_week_of_vacation_is_not_enough(
    run_requirement, make_session
):
    # 21 active days with duty on 20: 1 free day of the 3 needed (the vacation is not free time)
    sessions = shifts(
        make_session, date(2025, 8, 4), 28, skip={date(2025, 8, 31)} | _days(*VACATION)
    )

    result = run_requirement(
        one_day_in_seven(),
        sessions,
        rule_options={"categories": CATEGORIES},
        leaves=[VACATION],
        **TWO_BLOCKS,
    )

    assert [(p.days, p.required_days, p.satisfied) for p in result.periods][1] == (1, 3, False)


def test_an_average_over_28_day_blocks_drops_leave_days_from_its_denominator(
    run_requirement, make_session
):
    # Block 2: 21 active days allow 80 x 21 / 7 = 240 hours; 21 shifts of 12 hours are 252.
    sessions = shifts(make_session, date(2025, 8, 4), 28, minutes=720, skip=_days(*VACATION))

    result = run_requirement(
        eighty_hours(),
        sessions,
        rule_options={"categories": CATEGORIES},
        leaves=[VACATION],
        **TWO_BLOCKS,
    )

    second = result.periods[1]
    assert (second.minutes, second.required_minutes, second.satisfied) == (
        252 * 60,
        240 * 60,
        False,
    )


def test_blocks_of_days_start_on_the_enrollment_start(run_requirement):
    # Wednesday 9 July: 28-day blocks start that day, not on the next week start
    result = run_requirement(
        one_day_in_seven(),
        [],
        rule_options={"categories": CATEGORIES},
        start=date(2025, 7, 9),
        end=date(2025, 9, 2),
        as_of=date(2025, 7, 20),
    )

    assert [(p.start, p.end) for p in result.periods] == [
        (date(2025, 7, 9), date(2025, 8, 5)),
        (date(2025, 8, 6), date(2025, 9, 2)),
    ]
    # the current block: 12 days up to the as-of date, all free: the 4 it needs are there
    assert (result.periods[0].days, result.periods[0].state, result.needed_this_period) == (
        12,
        "current",
        0,
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"block_weeks": 4}, "block_weeks: give exactly one of block_weeks, block_days"),
        (
            {"min_free_days_per_week": 8},
            "min_free_days_per_week: must be more than 0 and at most 7",
        ),
        (
            {"min_hours_per_week": 10},
            "min_free_days_per_week: not with min_hours_per_week or max_hours_per_week",
        ),
    ],
)
def test_a_free_day_average_is_stated_once(make_rules, extra, message):
    with pytest.raises(RuleDefinitionError, match=message):
        make_rules(one_day_in_seven(**extra), categories=CATEGORIES)


def _days(first, last):
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}
