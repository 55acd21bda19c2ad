"""Parsing the rule kinds, steps and filters of issue 3: what they become, and what is refused."""

from datetime import date
from fractions import Fraction

import pytest

from programs.engine import (
    AverageRule,
    CadenceExtra,
    CapRolling,
    DateAnchor,
    DistinctRule,
    Duration,
    GapRule,
    HourEquivalent,
    LookBack,
    OnlyIf,
    RuleDefinitionError,
    Scale,
    SessionFilter,
    parse_requirement_set,
)


def total(steps=(), **overrides):
    return {
        "key": "k",
        "name": "K",
        "kind": "total",
        "unit": "hours",
        "minimum": 10,
        "counts": [{"categories": ["client_individual"], "steps": list(steps)}],
        **overrides,
    }


def test_steps_become_minutes_and_fractions(program_document_factory):
    steps = [
        {"scale": 0.5},
        {"hour_equivalent": {"minutes": 50, "round_up_from": 45}},
        {"cap_rolling": {"days": 7, "amount": 40}},
        {
            "only_if": {
                "period": "enrollment_year",
                "categories": ["supervision_individual"],
                "min_hours": 1.5,
                "min_sessions": 2,
                "same_setting": True,
            }
        },
    ]

    [rule] = parse_requirement_set(program_document_factory(total(steps))).rules

    assert rule.counts[0].steps == (
        Scale(Fraction(1, 2)),
        HourEquivalent(50, 45),
        CapRolling(7, 2400),
        OnlyIf("enrollment_year", frozenset({"supervision_individual"}), 90, 2, True),
    )
    assert rule.condition_categories == frozenset({"supervision_individual"})


def test_where_becomes_a_session_filter(program_document_factory):
    where = {
        "from": {"date": "2025-01-01"},
        "until": {"milestone": "licensed"},
        "look_back": {"months": 72},
        "approved_provider": True,
        "provider_kinds": ["approved_consultant"],
        "settings": ["clinic"],
        "max_group_size": 8,
        "min_session_minutes": 45,
    }

    [rule] = parse_requirement_set(program_document_factory(total(where=where))).rules

    assert rule.where == SessionFilter(
        DateAnchor(date=date(2025, 1, 1)),
        DateAnchor(milestone="licensed"),
        LookBack(Duration(months=72)),
        True,
        frozenset({"approved_consultant"}),
        frozenset({"clinic"}),
        8,
        45,
    )


def test_other_kinds_parse(program_document_factory):
    document = program_document_factory(
        {
            "key": "a",
            "kind": "average",
            "categories": ["c"],
            "block_weeks": 4,
            "max_hours_per_week": 40,
        },
        {
            "key": "d",
            "kind": "distinct",
            "categories": ["c"],
            "of": "day",
            "at_most": 3,
            "per_period": "week",
        },
        {"key": "g", "kind": "gap", "categories": ["c"], "max_days": 14, "allowed_misses": 2},
        {
            "key": "w",
            "kind": "cadence",
            "categories": ["s"],
            "period": "week",
            "min_hours": 1,
            "trigger_categories": ["c"],
            "extra": [{"above_hours": 10, "add_hours": 1, "add_sessions": 1}],
        },
    )

    average, distinct, gap, cadence = parse_requirement_set(document).rules

    assert average == AverageRule("a", "a", frozenset({"c"}), 4, 2400, "at_most")
    assert distinct == DistinctRule("d", "d", frozenset({"c"}), "day", 3, "at_most", "week")
    assert gap == GapRule("g", "g", frozenset({"c"}), 14, 2)
    assert cadence.extra == (CadenceExtra(600, 1, 60),)


SHARE = {
    "key": "k",
    "kind": "share",
    "requirement": "t",
    "categories": ["client_individual"],
    "of": "actual",
}
TOTAL_T = total(key="t")
CADENCE = {"key": "k", "kind": "cadence", "categories": ["s"], "period": "week", "min_hours": 1}
ELAPSED = {"key": "k", "kind": "elapsed", "duration": {"weeks": 104}}


@pytest.mark.parametrize(
    ("requirements", "message"),
    [
        ([TOTAL_T, SHARE], "at_least: give exactly one of at_least, at_most"),
        (
            [TOTAL_T, {**SHARE, "at_least": 0.5, "at_most": 0.6}],
            "at_least: give exactly one of at_least, at_most",
        ),
        (
            [TOTAL_T, {**SHARE, "at_least": 1.5}],
            "at_least: must be more than 0 and at most 1, got 1.5",
        ),
        (
            [TOTAL_T, {**SHARE, "at_least": 0.5, "of": "both"}],
            "of: 'both' is not actual or required",
        ),
        ([{**SHARE, "at_least": 0.5}], "requirement: 't' is not a total requirement"),
        (
            [TOTAL_T, {**SHARE, "at_most": 0.5, "verified_only": True}],
            "verified_only: unknown field",
        ),
        (
            [
                {
                    "key": "k",
                    "kind": "distinct",
                    "categories": ["c"],
                    "of": "provider",
                    "at_least": 2,
                    "per_period": "month",
                }
            ],
            "per_period: only with at_most",
        ),
        (
            [{"key": "k", "kind": "distinct", "categories": ["c"], "of": "colour", "at_least": 2}],
            "of: 'colour' is not one of provider, client, setting, day, week, month",
        ),
        (
            [{"key": "k", "kind": "gap", "categories": ["c"], "max_days": 0}],
            "max_days: must be positive, got 0",
        ),
        (
            [{**ELAPSED, "duration": {"weeks": 1, "days": 2}}],
            "duration: give exactly one of years, months, weeks, days",
        ),
        ([{**ELAPSED, "duration": {"fortnights": 2}}], "duration: fortnights: unknown field"),
        ([{**ELAPSED, "since": "milestone"}], "milestone: expected a non-empty string, got None"),
        ([{**ELAPSED, "milestone": "degree"}], "milestone: only with since: milestone"),
        ([{**ELAPSED, "categories": ["c"]}], "categories: only with since: first_session"),
        (
            [{**ELAPSED, "since": "degree"}],
            "since: 'degree' is not start, first_session or milestone",
        ),
        (
            [{**CADENCE, "counts": [{"categories": ["t"]}]}],
            "categories: give exactly one of categories, counts",
        ),
        (
            [{**CADENCE, "min_periods": 4, "allowed_misses": 1}],
            "min_periods: give min_periods or allowed_misses, not both",
        ),
        (
            [{**CADENCE, "extra": [{"above_hours": 10, "add_hours": 1}]}],
            "trigger_categories: needed by required_above_hours and extra",
        ),
        (
            [{**CADENCE, "trigger_categories": ["s"]}],
            "trigger_categories: s also counted by the cadence",
        ),
        (
            [{**CADENCE, "trigger_categories": ["c"], "extra": [{"above_hours": 10}]}],
            "extra[0]: give add_sessions and/or add_hours",
        ),
        (
            [
                {
                    **{k: v for k, v in CADENCE.items() if k != "categories"},
                    "counts": [
                        {
                            "categories": ["s"],
                            "steps": [
                                {"cap_share": {"categories": ["s"], "at_most": 0.5}},
                            ],
                        }
                    ],
                }
            ],
            # only_if steps are allowed in cadences since issue 18; a cap on the whole credit
            # is not
            "counts[0].steps: cap_share is a step of a total's own steps",
        ),
        (
            [{"key": "k", "kind": "average", "categories": ["c"], "block_weeks": 4}],
            "min_hours_per_week: give exactly one of min_hours_per_week, max_hours_per_week",
        ),
        ([total(where={"colour": "blue"})], "where: colour: unknown field"),
        (
            [total(where={"from": {"milestone": "a", "date": "2025-01-01"}})],
            "where.from: give exactly one of milestone, date",
        ),
        (
            [total(where={"until": {"date": "2025-13-01"}})],
            "where.until.date: '2025-13-01' is not a date (YYYY-MM-DD)",
        ),
        (
            [total(where={"look_back": {"from_milestone": "application"}})],
            "where.look_back: give exactly one of years, months, weeks, days",
        ),
        (
            [total(where={"provider_kinds": []})],
            "where.provider_kinds: must list at least one value",
        ),
        (
            [total([{"cap_rolling": {"days": 0, "amount": 40}}])],
            "counts[0].steps[0].cap_rolling.days: must be positive, got 0",
        ),
        (
            [total([{"only_if": {"period": "week", "categories": ["s"]}}])],
            "counts[0].steps[0].only_if: give min_sessions and/or min_hours",
        ),
        (
            [
                total(
                    counts=[
                        {"categories": ["a"]},
                        {"categories": ["a"], "where": {"settings": ["x"]}},
                    ]
                )
            ],
            "counts[1].categories: a already listed in another counts entry",
        ),
    ],
)
def test_uninterpretable_new_requirements_are_refused(
    program_document_factory, requirements, message
):
    with pytest.raises(RuleDefinitionError) as error:
        parse_requirement_set(program_document_factory(*requirements))

    assert str(error.value) == f"requirement 'k': {message}"


def test_a_category_may_repeat_after_an_entry_with_a_filter(program_document_factory):
    counts = [{"categories": ["a"], "where": {"settings": ["x"]}}, {"categories": ["a"]}]

    [rule] = parse_requirement_set(program_document_factory(total(counts=counts))).rules

    assert [source.where for source in rule.counts] == [
        SessionFilter(settings=frozenset({"x"})),
        None,
    ]
