"""Properties of the issue-3 kinds and steps, for any sessions, leaves and dates."""

import math
from collections import Counter
from datetime import timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from programs.engine import (
    AverageRule,
    CadenceExtra,
    CadenceRule,
    CapRolling,
    CountSource,
    DistinctRule,
    Duration,
    ElapsedRule,
    EnrollmentFacts,
    GapRule,
    GroupCredit,
    HourEquivalent,
    OnlyIf,
    RequirementSetRules,
    Scale,
    SessionFact,
    SessionFilter,
    ShareRule,
    StatusThresholds,
    TotalRule,
    evaluate,
    result_from_dict,
    result_to_dict,
)
from tests.programs.engine.test_engine_properties import enrollments

CATEGORIES = ("a", "b", "c", "d")


@st.composite
def rich_enrollments(draw):
    """enrollments() with group sizes, providers, clients and settings on the sessions."""
    facts = draw(enrollments())
    sessions = tuple(
        SessionFact(
            id=s.id,
            date=s.date,
            start_time=s.start_time,
            minutes=s.minutes,
            category=s.category,
            status=s.status,
            withdrawn=s.withdrawn,
            group_size=draw(st.none() | st.integers(1, 12)),
            provider_id=draw(st.none() | st.integers(1, 4)),
            provider_kind=draw(st.sampled_from((None, "approved", "trainee"))),
            client_id=draw(st.none() | st.integers(1, 6)),
            setting=draw(st.sampled_from((None, "x", "y"))),
        )
        for s in facts.sessions
    )
    return EnrollmentFacts(
        enrollment_id=1,
        start=facts.start,
        end=facts.end,
        as_of=facts.as_of,
        leaves=facts.leaves,
        sessions=sessions,
        milestones={"m": facts.start + timedelta(days=draw(st.integers(0, 200)))},
        approved_provider_ids=frozenset(draw(st.sets(st.integers(1, 4)))),
    )


def rule_set(*rules, week_start=0):
    return RequirementSetRules(week_start, frozenset({"c"}), StatusThresholds(), rules)


periods = st.sampled_from(("week", "month", "enrollment_year"))
filters = st.none() | st.builds(
    SessionFilter,
    max_group_size=st.none() | st.integers(1, 10),
    min_session_minutes=st.none() | st.integers(1, 120),
    settings=st.none() | st.just(frozenset({"x"})),
    approved_provider=st.booleans(),
)
steps = st.lists(
    st.one_of(
        st.builds(Scale, st.fractions(Fraction(1, 10), 3, max_denominator=12)),
        st.builds(
            GroupCredit, st.integers(0, 6), st.fractions(Fraction(1, 10), 1, max_denominator=10)
        ),
        st.builds(HourEquivalent, st.just(50), st.integers(1, 50)),
        st.builds(CapRolling, st.integers(1, 14), st.integers(0, 900)),
        st.builds(OnlyIf, periods, st.just(frozenset({"d"})), st.integers(1, 120), st.none()),
    ),
    max_size=3,
)


@st.composite
def every_new_kind(draw):
    """A total with filtered entries and new steps, and one rule of each other new kind."""
    total = TotalRule(
        key="total",
        name="Total",
        unit="hours",
        minimum=3000,
        counts=(
            CountSource(frozenset({"a", "b"}), tuple(draw(steps)), draw(filters)),
            CountSource(frozenset({"a", "c"}), tuple(draw(steps))),
        ),
        where=draw(filters),
        steps=tuple(draw(steps)),
    )
    cadence = CadenceRule(
        key="cadence",
        name="Cadence",
        categories=frozenset({"a", "b"}),
        period=draw(periods),
        min_sessions=draw(st.none() | st.integers(1, 3)),
        min_minutes=draw(st.integers(1, 200)),
        counts=(
            CountSource(frozenset({"a"})),
            CountSource(frozenset({"b"}), (Scale(Fraction(1, 2)),)),
        ),
        distinct_days=draw(st.booleans()),
        min_periods=draw(st.none() | st.integers(1, 10)),
        trigger_categories=frozenset({"c"}),
        required_above_minutes=draw(st.none() | st.integers(0, 300)),
        extra=(CadenceExtra(draw(st.integers(0, 300)), add_minutes=60),),
    )
    return rule_set(
        total,
        cadence,
        AverageRule(
            "average",
            "Average",
            frozenset({"a", "d"}),
            draw(st.integers(1, 5)),
            120,
            draw(st.sampled_from(("at_least", "at_most"))),
        ),
        ShareRule(
            "share",
            "Share",
            "total",
            frozenset({"b"}),
            Fraction(1, 2),
            draw(st.sampled_from(("at_least", "at_most"))),
            draw(st.sampled_from(("actual", "required"))),
        ),
        DistinctRule(
            "distinct",
            "Distinct",
            frozenset({"a", "b"}),
            draw(st.sampled_from(("provider", "client", "setting", "day", "week", "month"))),
            2,
            "at_most",
            draw(st.none() | periods),
        ),
        GapRule("gap", "Gap", frozenset({"d"}), draw(st.integers(1, 30)), 1),
        ElapsedRule(
            "elapsed",
            "Elapsed",
            Duration(months=draw(st.integers(1, 18))),
            "first_session",
            None,
            frozenset({"b"}),
        ),
        week_start=draw(st.integers(0, 6)),
    )


# The categories each requirement references, in rule order.
REFERENCED = [
    {"a", "b", "c", "d"},  # total: counted a, b, c; d is an only_if condition (when present)
    {"a", "b", "c"},  # cadence: a, b; c triggers
    {"a", "d"},
    {"a", "b", "c"},  # share: the total's counted categories
    {"a", "b"},
    {"d"},
    {"b"},
]


@given(rich_enrollments(), every_new_kind())
def test_every_referenced_session_is_accounted_for_exactly_once(facts, rules):
    result = evaluate(facts, rules)

    for requirement, categories in zip(result.requirements, REFERENCED, strict=True):
        total = rules.rules[0]
        if requirement.key == "total" and not total.condition_categories:
            categories = categories - {"d"}
        listed = [c.session_id for c in requirement.explanation] + [
            e.session_id for e in requirement.excluded
        ]
        expected = [s.id for s in facts.sessions if s.category in categories]
        assert sorted(listed) == sorted(expected), requirement.key


@given(rich_enrollments(), every_new_kind())
def test_totals_explain_every_step_and_add_up(facts, rules):
    total = evaluate(facts, rules).requirements[0]

    assert sum(c.credited for c in total.explanation) == total.credited
    assert sum(e.capped_off for c in total.explanation for e in c.steps) == total.capped_off
    for contribution in total.explanation:
        if contribution.role == "condition":
            assert (contribution.credited, contribution.steps) == (0, ())
            continue
        values = [contribution.input] + [e.after for e in contribution.steps]
        assert [e.before for e in contribution.steps] == values[:-1]
        assert values[-1] == contribution.credited


@given(rich_enrollments(), every_new_kind(), st.randoms())
def test_the_order_sessions_arrive_in_does_not_change_any_result(facts, rules, random):
    shuffled = list(facts.sessions)
    random.shuffle(shuffled)
    reordered = EnrollmentFacts(
        enrollment_id=1,
        start=facts.start,
        end=facts.end,
        as_of=facts.as_of,
        leaves=tuple(reversed(facts.leaves)),
        sessions=tuple(shuffled),
        milestones=facts.milestones,
        approved_provider_ids=facts.approved_provider_ids,
    )

    assert result_to_dict(evaluate(reordered, rules)) == result_to_dict(evaluate(facts, rules))


@given(rich_enrollments(), every_new_kind())
def test_results_of_every_kind_round_trip_through_dicts(facts, rules):
    result = evaluate(facts, rules)

    assert result_from_dict(result_to_dict(result)) == result


@given(rich_enrollments(), st.integers(1, 14), st.integers(0, 900))
def test_no_window_of_n_days_is_credited_more_than_the_rolling_cap(facts, days, amount):
    rule = TotalRule(
        "t", "T", "hours", 6000, (CountSource(frozenset(CATEGORIES), (CapRolling(days, amount),)),)
    )

    [result] = evaluate(facts, rule_set(rule)).requirements

    credited = Counter()
    for contribution in result.explanation:
        credited[contribution.date] += contribution.credited
    for first in credited:
        window = sum(
            minutes
            for day, minutes in credited.items()
            if first <= day < first + timedelta(days=days)
        )
        assert window <= amount


@given(rich_enrollments(), st.integers(0, 6), st.fractions(Fraction(1, 10), 1, max_denominator=10))
def test_group_credit_rounds_each_session_down_and_loses_less_than_a_minute_in_all(
    facts, divide_above, share
):
    rule = TotalRule(
        "t",
        "T",
        "hours",
        6000,
        (CountSource(frozenset(CATEGORIES), (GroupCredit(divide_above, share),)),),
    )

    [result] = evaluate(facts, rule_set(rule)).requirements

    sessions = {s.id: s for s in facts.sessions}
    exact = Fraction(0)
    for contribution in result.explanation:
        size = sessions[contribution.session_id].group_size
        if size is None or size == 1:
            exact += contribution.input
        elif size > divide_above:
            exact += Fraction(contribution.input, size)
        else:
            exact += contribution.input * share
    assert result.credited == math.floor(exact)


@given(rich_enrollments())
def test_a_gap_rule_lists_gaps_that_tile_the_enrollment_so_far(facts):
    [result] = evaluate(facts, rule_set(GapRule("g", "G", frozenset(CATEGORIES), 14))).requirements

    if result.periods:
        assert result.periods[0].start == facts.start
        assert all(
            a.end == b.start for a, b in zip(result.periods, result.periods[1:], strict=False)
        )
        assert result.periods[-1].end <= max(facts.start, min(facts.as_of, facts.end))
    assert result.credited == max((p.days or 0 for p in result.periods), default=0)
