"""Caps relative to another amount, as credit (issue 18, item 5): `cap_share` credits a part of
a total only up to a share of it, and says which minutes were cut and why."""

import re
from datetime import date, timedelta

import pytest

from programs.engine import RuleDefinitionError

INDIVIDUAL = "supervision_individual"
GROUP = "supervision_group"
CLIENT = "client_individual"
YEAR = {"start": date(2025, 1, 6), "end": date(2025, 12, 28), "as_of": date(2026, 1, 15)}

# 22 TAC §681.92(e): "No more than 50% of the total hours of supervision may be received in group
# supervision." Group hours beyond half of the supervision are not credited.
TEXAS_EXPERIENCE = {
    "key": "total_experience",
    "name": "3,000 hours of supervised experience",
    "kind": "total",
    "unit": "hours",
    "minimum": 3000,
    "counts": [{"categories": [CLIENT, INDIVIDUAL, GROUP]}],
    "steps": [
        {"cap_share": {"categories": [GROUP], "at_most": 0.5, "of": [INDIVIDUAL, GROUP]}},
    ],
}


def weekly(make_session, first, count, minutes, category, **fields):
    return [
        make_session(first + timedelta(weeks=n), minutes, category, **fields) for n in range(count)
    ]


def test_group_supervision_beyond_half_of_the_supervision_is_not_credited(
    run_requirement, make_session
):
    # given 30 h of individual and 40 h of group supervision, and 100 h of client contact
    sessions = [
        *weekly(make_session, date(2025, 1, 6), 30, 60, INDIVIDUAL),
        *weekly(make_session, date(2025, 1, 7), 40, 60, GROUP, group_size=4),
        *weekly(make_session, date(2025, 1, 8), 20, 300, CLIENT),
    ]

    result = run_requirement(TEXAS_EXPERIENCE, sessions, **YEAR)

    # group may be at most half of the supervision: 30 h, as much as the individual hours; the
    # ten latest group hours are cut (today's main credited all 170 h: 10200 minutes)
    assert (result.credited, result.capped_off) == (160 * 60, 10 * 60)
    group = [c for c in result.explanation if c.category == GROUP]
    assert [c.credited for c in group] == [60] * 30 + [0] * 10
    assert group[-1].date == date(2025, 10, 7)
    assert group[-1].steps[-1].note == (
        "supervision_group at most 50% of supervision_group, supervision_individual: 1800 min "
        "allowed of 2400 (1800 min of the rest); 60 min over"
    )
    assert group[0].steps[-1].note == ""


def test_within_the_share_nothing_is_cut(run_requirement, make_session):
    sessions = [
        *weekly(make_session, date(2025, 1, 6), 30, 60, INDIVIDUAL),
        *weekly(make_session, date(2025, 1, 7), 30, 60, GROUP, group_size=4),
    ]

    result = run_requirement(TEXAS_EXPERIENCE, sessions, **YEAR)

    assert (result.credited, result.capped_off) == (60 * 60, 0)
    assert all(c.steps[-1].step == "cap_share" for c in result.explanation)


def test_more_individual_supervision_gives_back_group_hours(run_requirement, make_session):
    # the share is of the credit as it stands: a later individual hour allows one more group hour
    group = weekly(make_session, date(2025, 1, 7), 3, 60, GROUP, group_size=4)
    one = [make_session(date(2025, 1, 6), 60, INDIVIDUAL)]
    two = [*one, make_session(date(2025, 6, 2), 60, INDIVIDUAL)]

    before = run_requirement(TEXAS_EXPERIENCE, [*group, *one], **YEAR)
    after = run_requirement(TEXAS_EXPERIENCE, [*group, *two], **YEAR)

    assert (before.credited, after.credited) == (120, 240)


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (
            [{"cap_share": {"categories": [GROUP], "at_most": 0.5}}, {"cap": 100}],
            "steps[0].cap_share: must be the last step",
        ),
        (
            [{"cap_share": {"categories": ["workshop"], "at_most": 0.5}}],
            "steps[0].cap_share.categories: workshop not credited by 'total_experience'",
        ),
        (
            [{"cap_share": {"categories": [GROUP], "at_most": 0.5, "of": [INDIVIDUAL]}}],
            "cap_share.of: must include the capped supervision_group",
        ),
    ],
)
def test_a_share_cap_is_the_last_step_of_a_total_on_what_it_credits(make_rules, steps, message):
    with pytest.raises(RuleDefinitionError, match=re.escape(message)):
        make_rules({**TEXAS_EXPERIENCE, "steps": steps})
