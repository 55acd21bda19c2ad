"""Shares: a sub-category against a fraction of the actual total or of the required amount."""

from datetime import date

import pytest

from programs.engine import RuleDefinitionError, evaluate

INDIVIDUAL = "supervision_individual"
GROUP = "supervision_group"
# Ended, so statuses are final.
WINDOW = {"start": date(2025, 1, 6), "end": date(2025, 12, 28), "as_of": date(2026, 1, 31)}

SUPERVISION = {
    "key": "supervision",
    "name": "Supervision",
    "kind": "total",
    "unit": "hours",
    "minimum": 100,
    "counts": [
        {"categories": [INDIVIDUAL]},
        {
            "categories": [GROUP],
            "steps": [{"group_credit": {"divide_above": 4, "at_or_below": 0.5}}],
        },
    ],
}


def share(limit, fraction, of, categories=(INDIVIDUAL,)):
    return {
        "key": "share",
        "name": "Share",
        "kind": "share",
        "requirement": "supervision",
        "categories": list(categories),
        limit: fraction,
        "of": of,
    }


def evaluate_both(make_facts, make_rules, sessions, rule, **facts):
    result = evaluate(make_facts(sessions, **{**WINDOW, **facts}), make_rules(SUPERVISION, rule))
    return result.requirements


@pytest.fixture
def forty_individual_twenty_group(make_session):
    """60 h credited: 40 h individual, 20 h credited from 40 h in groups of 4 (half)."""
    return [
        make_session(date(2025, 3, 3), 2400, INDIVIDUAL),
        make_session(date(2025, 3, 4), 2400, GROUP, group_size=4),
    ]


@pytest.mark.parametrize(
    ("of", "required", "status"),
    [("actual", 1800, "met"), ("required", 3000, "behind")],
)
def test_the_same_data_passes_a_share_of_the_actual_and_fails_one_of_the_required(
    make_facts, make_rules, forty_individual_twenty_group, of, required, status
):
    total, result = evaluate_both(
        make_facts, make_rules, forty_individual_twenty_group, share("at_least", 0.5, of)
    )

    assert (total.credited, total.required) == (3600, 6000)
    assert (result.credited, result.required, result.status) == (2400, required, status)


def test_a_share_counts_credited_minutes_after_steps_and_names_part_and_rest(
    make_facts, make_rules, forty_individual_twenty_group
):
    _, result = evaluate_both(
        make_facts,
        make_rules,
        forty_individual_twenty_group,
        share("at_most", 0.5, "actual", (GROUP,)),
    )

    # the group's 40 h logged count as the 20 h credited, against half of 60 h
    assert (result.credited, result.required, result.limit, result.status) == (
        1200,
        1800,
        "at_most",
        "met",
    )
    assert [(c.category, c.role, c.credited) for c in result.explanation] == [
        (INDIVIDUAL, "rest", 2400),
        (GROUP, "part", 1200),
    ]


@pytest.mark.parametrize(
    ("individual", "group", "status"),
    [
        (60, 60, "met"),  # 60 of 120: exactly half
        (59, 61, "at_risk"),  # 61 of 120 against 60: within 60 / 0.75 = 80
        (39, 81, "behind"),  # 81 > 80
    ],
)
def test_an_at_most_share_is_met_within_the_limit_and_graded_above_it(
    make_facts, make_rules, make_session, individual, group, status
):
    sessions = [
        make_session(date(2025, 3, 3), individual, INDIVIDUAL),
        make_session(date(2025, 3, 4), group, GROUP),  # no group size: credited in full
    ]

    _, result = evaluate_both(
        make_facts, make_rules, sessions, share("at_most", 0.5, "actual", (GROUP,))
    )

    assert (result.credited, result.required, result.status) == (group, 60, status)


def test_a_share_lists_the_totals_exclusions(make_facts, make_rules, make_session):
    sessions = [make_session(date(2025, 3, 3), 60, INDIVIDUAL, status="draft")]

    _, result = evaluate_both(make_facts, make_rules, sessions, share("at_least", 0.5, "actual"))

    assert [e.reason for e in result.excluded] == ["draft"]
    assert result.explanation == ()


def test_a_share_must_refer_to_a_total_counting_its_categories(make_rules):
    with pytest.raises(RuleDefinitionError) as error:
        make_rules(SUPERVISION, share("at_least", 0.5, "actual", ("personal_therapy",)))

    assert str(error.value) == (
        "requirement 'share': categories: personal_therapy not credited by 'supervision'"
    )
