from fractions import Fraction

import pytest
import yaml

from programs.engine import (
    CadenceRule,
    Cap,
    CapPerPeriod,
    CountSource,
    Multiply,
    RatioRule,
    RequirementSetRules,
    RuleDefinitionError,
    StatusThresholds,
    TotalRule,
    parse_requirement_set,
)

# The "Full example" of docs/program-format.md.
FULL_EXAMPLE = """
format: 1
institution:
  slug: riverside
  name: Riverside Institute of Psychotherapy
program:
  slug: riverside-mft
  name: MA Marriage and Family Therapy
  time_zone: America/Los_Angeles
  week_start: monday
categories:
  - key: personal_therapy
    private: true
    verification: attestation
  - key: case_conference
    name: Case conference
    verification: self_report
status:
  on_track_ratio: 0.9
  at_risk_ratio: 0.75
  grace_days: 28
requirements:
  - key: client_contact
    name: Direct client contact
    kind: total
    unit: hours
    minimum: 500
    counts:
      - categories: [client_individual, client_couple_family]
      - categories: [client_group]
        steps:
          - cap_per_period: {period: week, amount: 5}
          - cap: 100
  - key: personal_therapy_hours
    name: Personal therapy (counts triple, up to 100 h received)
    kind: total
    unit: hours
    minimum: 300
    counts:
      - categories: [personal_therapy]
        steps:
          - multiply: {factor: 3, input_cap: 100}
  - key: weekly_therapy
    name: Weekly personal therapy
    kind: cadence
    categories: [personal_therapy]
    period: week
    min_sessions: 1
    allowed_misses: 6
  - key: supervision_ratio
    name: One hour of supervision for every five hours of client contact
    kind: ratio
    categories: [supervision_individual, supervision_group]
    per_categories: [client_individual, client_couple_family, client_group]
    per: 5
"""


def test_full_example_parses_to_rules_in_minutes():
    rules = parse_requirement_set(yaml.safe_load(FULL_EXAMPLE))

    assert rules == RequirementSetRules(
        week_start=0,
        self_reported_categories=frozenset({"case_conference"}),
        thresholds=StatusThresholds(Fraction(9, 10), Fraction(3, 4), 28),
        rules=(
            TotalRule(
                key="client_contact",
                name="Direct client contact",
                unit="hours",
                minimum=30000,
                counts=(
                    CountSource(frozenset({"client_individual", "client_couple_family"})),
                    CountSource(
                        frozenset({"client_group"}), (CapPerPeriod("week", 300), Cap(6000))
                    ),
                ),
                verified_only=True,
                advisory=False,
            ),
            TotalRule(
                key="personal_therapy_hours",
                name="Personal therapy (counts triple, up to 100 h received)",
                unit="hours",
                minimum=18000,
                counts=(CountSource(frozenset({"personal_therapy"}), (Multiply(3, 6000),)),),
            ),
            CadenceRule(
                key="weekly_therapy",
                name="Weekly personal therapy",
                categories=frozenset({"personal_therapy"}),
                period="week",
                min_sessions=1,
                min_minutes=None,
                allowed_misses=6,
            ),
            RatioRule(
                key="supervision_ratio",
                name="One hour of supervision for every five hours of client contact",
                categories=frozenset({"supervision_individual", "supervision_group"}),
                per_categories=frozenset(
                    {"client_individual", "client_couple_family", "client_group"}
                ),
                per=Fraction(5),
            ),
        ),
    )


def total(**overrides):
    return {
        "key": "k",
        "name": "K",
        "kind": "total",
        "unit": "hours",
        "minimum": 10,
        "counts": [{"categories": ["client_individual"]}],
        **overrides,
    }


@pytest.mark.parametrize(
    ("hours", "minutes"),
    [(0.75, 45), (1.5, 90), (500, 30000), (0.05, 3), (Fraction(1, 3), 20)],
)
def test_hour_amounts_become_whole_minutes(program_document_factory, hours, minutes):
    rules = parse_requirement_set(program_document_factory(total(minimum=hours)))

    assert rules.rules[0].minimum == minutes


def test_description_is_accepted_and_zero_caps_credit_nothing(program_document_factory):
    steps = [{"cap": 0}, {"multiply": {"factor": 2, "input_cap": 0}}]
    requirement = total(
        description="Read by people only.", counts=[{"categories": ["c"], "steps": steps}]
    )

    [rule] = parse_requirement_set(program_document_factory(requirement)).rules

    assert rule.counts[0].steps == (Cap(0), Multiply(2, 0))


def test_session_amounts_stay_counts(program_document_factory):
    steps = [
        {"cap_per_period": {"period": "month", "amount": 4}},
        {"multiply": {"factor": 2, "input_cap": 20}},
    ]
    requirement = total(unit="sessions", minimum=40, counts=[{"categories": ["c"], "steps": steps}])

    [rule] = parse_requirement_set(program_document_factory(requirement)).rules

    assert rule.minimum == 40
    assert rule.counts[0].steps == (CapPerPeriod("month", 4), Multiply(2, 20))


@pytest.mark.parametrize(("name", "number"), [("monday", 0), ("wednesday", 2), ("sunday", 6)])
def test_week_start_is_a_weekday_number(program_document_factory, name, number):
    assert parse_requirement_set(program_document_factory(week_start=name)).week_start == number


def test_defaults_apply_when_options_are_absent():
    # given a document with only requirements
    rules = parse_requirement_set({"requirements": [total()]})

    # then
    assert (rules.week_start, rules.self_reported_categories, rules.thresholds) == (
        0,
        frozenset(),
        StatusThresholds(),
    )
    assert (rules.rules[0].verified_only, rules.rules[0].advisory) == (True, False)


def test_status_thresholds_are_exact_fractions(program_document_factory):
    status = {"on_track_ratio": 0.8, "at_risk_ratio": 0.6, "grace_days": 14}

    rules = parse_requirement_set(program_document_factory(status=status))

    assert rules.thresholds == StatusThresholds(Fraction(4, 5), Fraction(3, 5), 14)


def test_cadence_hours_become_minutes_and_ratio_per_may_be_decimal(program_document_factory):
    cadence = {
        "key": "c",
        "kind": "cadence",
        "categories": ["t"],
        "period": "month",
        "min_hours": 1.5,
    }
    ratio = {"key": "r", "kind": "ratio", "categories": ["s"], "per_categories": ["c"], "per": 2.5}

    cadence_rule, ratio_rule = parse_requirement_set(program_document_factory(cadence, ratio)).rules

    assert cadence_rule == CadenceRule("c", "c", frozenset({"t"}), "month", None, 90, 0)
    assert ratio_rule == RatioRule("r", "r", frozenset({"s"}), frozenset({"c"}), Fraction(5, 2))


TWO_COUNTS = [{"categories": ["a", "b"]}, {"categories": ["c", "b"]}]
CADENCE = {"key": "k", "kind": "cadence", "categories": ["t"], "period": "week"}
RATIO = {"key": "k", "kind": "ratio", "categories": ["s"], "per_categories": ["c"], "per": 5}


@pytest.mark.parametrize(
    ("requirements", "message"),
    [
        (
            [total(kind="streak")],
            "requirement 'k': kind: unknown kind 'streak' (expected total, cadence, ratio, average, "
            "share, distinct, gap, elapsed)",
        ),
        ([total(), total()], "requirement 'k': key: duplicate requirement key"),
        (
            [total(counts=TWO_COUNTS)],
            "requirement 'k': counts[1].categories: b already listed in another counts entry",
        ),
        (
            [total(minimum=0.01)],
            "requirement 'k': minimum: 0.01 hours is not a whole number of minutes",
        ),
        (
            [total(counts=[{"categories": ["a"], "steps": [{"cap": 0.01}]}])],
            "requirement 'k': counts[0].steps[0].cap: 0.01 hours is not a whole number of minutes",
        ),
        (
            [total(counts=[{"categories": ["a"], "steps": [{"floor": 1}]}])],
            "requirement 'k': counts[0].steps[0]: unknown step 'floor'",
        ),
        (
            [
                total(
                    counts=[{"categories": ["a"], "steps": [{"cap": 1, "multiply": {"factor": 2}}]}]
                )
            ],
            "requirement 'k': counts[0].steps[0]: a step has exactly one of cap_per_period, cap, "
            "multiply, scale, group_credit, hour_equivalent, cap_rolling, only_if, only_if_met, "
            "cap_share",
        ),
        (
            [total(counts=[{"categories": ["a"], "steps": [{"multiply": {"factor": 1.5}}]}])],
            "requirement 'k': counts[0].steps[0].multiply.factor: expected a whole number, got 1.5",
        ),
        (
            [
                total(
                    counts=[
                        {
                            "categories": ["a"],
                            "steps": [{"cap_per_period": {"period": "day", "amount": 1}}],
                        }
                    ]
                )
            ],
            "requirement 'k': counts[0].steps[0].cap_per_period.period: 'day' is not week, month "
            "or enrollment_year",
        ),
        (
            [total(unit="sessions", minimum=2.5)],
            "requirement 'k': minimum: expected a whole number, got 2.5",
        ),
        ([total(minimum=0)], "requirement 'k': minimum: must be positive, got 0"),
        ([total(minimum=-1)], "requirement 'k': minimum: must not be negative, got -1"),
        (
            [{**CADENCE, "min_sessions": 0}],
            "requirement 'k': min_sessions: must be positive, got 0",
        ),
        ([total(minimum=True)], "requirement 'k': minimum: expected a number, got True"),
        ([total(minimum="500")], "requirement 'k': minimum: expected a number, got '500'"),
        ([total(unit="days")], "requirement 'k': unit: 'days' is not hours or sessions"),
        ([total(counts=[])], "requirement 'k': counts: must list at least one entry"),
        (
            [total(counts=[{"categories": "a"}])],
            "requirement 'k': counts[0].categories: expected a list, got 'a'",
        ),
        ([total(verfied_only=False)], "requirement 'k': verfied_only: unknown field"),
        ([total(advisory="yes")], "requirement 'k': advisory: expected true or false, got 'yes'"),
        ([CADENCE], "requirement 'k': min_sessions: give min_sessions and/or min_hours"),
        (
            [{**CADENCE, "min_sessions": 1, "period": "day"}],
            "requirement 'k': period: 'day' is not week, month or enrollment_year",
        ),
        (
            [{**CADENCE, "min_sessions": 1, "allowed_misses": -1}],
            "requirement 'k': allowed_misses: expected a whole number, got -1",
        ),
        ([{**CADENCE, "min_sessions": 1, "unit": "hours"}], "requirement 'k': unit: unknown field"),
        (
            [{**RATIO, "per_categories": ["c", "s"]}],
            "requirement 'k': per_categories: s also listed in categories; a ratio needs two sides",
        ),
        ([{**RATIO, "per": 0}], "requirement 'k': per: must be positive, got 0"),
        ([{"kind": "total"}], "requirements[0].key: expected a non-empty string, got None"),
    ],
)
def test_uninterpretable_requirements_are_refused_naming_key_and_field(
    program_document_factory, requirements, message
):
    with pytest.raises(RuleDefinitionError) as error:
        parse_requirement_set(program_document_factory(*requirements))

    assert str(error.value) == message


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"format": 2}, "format: unsupported format 2"),
        (
            {"program": {"week_start": "funday"}},
            "program.week_start: 'funday' is not a weekday name",
        ),
        (
            {"categories": [{"key": "a", "verification": "notary"}]},
            "categories[0].verification: unknown value 'notary'",
        ),
        ({"categories": [{"key": "a"}, {"key": "a"}]}, "categories[1].key: duplicate category 'a'"),
        (
            {"status": {"on_track_ratio": 0.5, "at_risk_ratio": 0.75}},
            "status: need 0 < at_risk_ratio <= on_track_ratio <= 1, got at_risk_ratio=0.75 and on_track_ratio=0.5",
        ),
        ({"status": {"grace_days": 1.5}}, "status.grace_days: expected a whole number, got 1.5"),
        (
            {"status": {"on_track_ratio": float("nan")}},
            "status.on_track_ratio: expected a number, got nan",
        ),
        ({"requirements": {"key": "k"}}, "requirements: expected a list, got {'key': 'k'}"),
    ],
)
def test_uninterpretable_program_settings_are_refused(document, message):
    with pytest.raises(RuleDefinitionError) as error:
        parse_requirement_set(document)

    assert str(error.value) == message


def test_rule_definition_error_is_a_value_error():
    assert issubclass(RuleDefinitionError, ValueError)
