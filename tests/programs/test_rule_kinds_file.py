"""Program files using the rule kinds, steps and filters of issue 3: docs examples, canonical
form, round trips and the problems a bad file gets, with file, line and field."""

import re
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from core.problems import InputFileError
from programs.definitions.program_file import canonicalize, parse_program_text
from programs.engine import (
    CadenceRule,
    Cap,
    CountSource,
    DateAnchor,
    Duration,
    ElapsedRule,
    GroupCredit,
    LookBack,
    SessionFilter,
    ShareRule,
    TotalRule,
)
from programs.vocabulary import BUILTIN_CATEGORIES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "program-format.md"
VOCABULARY = {key: name for key, name, _ in BUILTIN_CATEGORIES}

HEADER = """\
format: 1
institution:
  slug: riverside
  name: Riverside
program:
  slug: riverside-mft
  name: MFT
"""


def docs_examples() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOCS.read_text(), flags=re.DOTALL)


def test_the_docs_have_an_example_for_every_kind_step_and_filter():
    text = "\n".join(docs_examples())

    for word in (
        *("kind: total", "kind: cadence", "kind: ratio", "kind: average", "kind: share"),
        *("kind: distinct", "kind: gap", "kind: elapsed", "advisory: true"),
        *("cap_per_period", "cap:", "multiply", "scale", "group_credit", "hour_equivalent"),
        *("cap_rolling", "only_if", "distinct_days", "min_periods", "trigger_categories"),
        *("extra:", "enrollment_year", "look_back", "from:", "until:", "approved_provider"),
        *("provider_kinds", "max_group_size", "min_session_minutes", "of: required"),
        *("of: actual", "per_period", "since: milestone", "since: first_session"),
        *("weekdays:", "distinct: week", "leave_exemption:", "leaves_of_at_least"),
        *("only_if_met", "cap_share", "per_setting", "per_categories"),
        *("block_days", "min_free_days_per_week", "own_case", "max_hours_per_session"),
    ):
        assert word in text, word


@pytest.mark.parametrize("example", docs_examples(), ids=lambda text: text.split("\n")[2][:40])
def test_every_docs_example_is_a_valid_program_file(example):
    text = example if example.startswith("format:") else HEADER + example

    document = parse_program_text(text, source="docs.yaml", vocabulary=VOCABULARY)

    assert len(document.rules.rules) == len(yaml.safe_load(text)["requirements"])


def rules_of(requirements: str):
    return parse_program_text(HEADER + requirements, source="x.yaml", vocabulary=VOCABULARY)


def test_filters_with_dates_and_milestones_reach_the_engine():
    document = rules_of("""\
requirements:
  - key: post_degree
    name: Post-degree hours
    kind: total
    unit: hours
    minimum: 1700
    where:
      from: {milestone: degree_conferred}
      until: {date: 2030-12-31}
      look_back: {years: 6, from_milestone: application}
    counts:
      - categories: [client_individual]
""")

    [rule] = document.rules.rules
    assert isinstance(rule, TotalRule)
    assert rule.where == SessionFilter(
        on_or_after=DateAnchor(milestone="degree_conferred"),
        on_or_before=DateAnchor(date=date(2030, 12, 31)),
        look_back=LookBack(Duration(years=6), "application"),
    )
    # stored as text, so the canonical document is JSON
    assert document.canonical["requirements"][0]["where"] == {
        "from": {"milestone": "degree_conferred"},
        "until": {"date": "2030-12-31"},
        "look_back": {"years": 6, "from_milestone": "application"},
        "approved_provider": False,
    }


def test_a_category_may_follow_an_entry_with_a_filter():
    document = rules_of("""\
requirements:
  - key: consultation
    name: Consultation
    kind: total
    unit: hours
    minimum: 20
    counts:
      - categories: [consultation_individual]
        where: {provider_kinds: [approved_consultant]}
      - categories: [consultation_individual]
        steps:
          - cap: 10
""")

    [rule] = document.rules.rules
    assert rule.counts == (
        CountSource(
            frozenset({"consultation_individual"}),
            (),
            SessionFilter(provider_kinds=frozenset({"approved_consultant"})),
        ),
        CountSource(frozenset({"consultation_individual"}), (Cap(600),)),
    )


def test_canonical_form_of_new_kinds_fills_every_default():
    data = yaml.safe_load(
        HEADER
        + """\
requirements:
  - key: supervision
    name: Supervision
    kind: total
    unit: hours
    minimum: 100.0
    counts:
      - categories: [supervision_group]
        steps:
          - group_credit: {divide_above: 4, at_or_below: 0.5}
          - hour_equivalent: {minutes: 50}
          - only_if: {period: month, categories: [client_individual], min_sessions: 1}
          - scale: 1.0
  - key: share
    name: Share
    kind: share
    requirement: supervision
    categories: [supervision_group]
    at_most: 0.5
    of: actual
  - key: elapsed
    name: Elapsed
    kind: elapsed
    duration: {months: 18}
  - key: gap
    name: Gap
    kind: gap
    categories: [supervision_group]
    max_days: 14
  - key: distinct
    name: Distinct
    kind: distinct
    categories: [supervision_group]
    of: provider
    at_least: 2
  - key: average
    name: Average
    kind: average
    categories: [client_individual]
    block_weeks: 4
    max_hours_per_week: 40
"""
    )

    requirements = canonicalize(data, VOCABULARY)["requirements"]

    assert requirements[0]["counts"][0]["steps"] == [
        {"group_credit": {"divide_above": 4, "at_or_below": 0.5}},
        {"hour_equivalent": {"minutes": 50, "round_up_from": 50}},
        {
            "only_if": {
                "period": "month",
                "categories": ["client_individual"],
                "min_sessions": 1,
                "same_setting": False,
            }
        },
        {"scale": 1},
    ]
    assert requirements[1:] == [
        {
            "key": "share",
            "name": "Share",
            "kind": "share",
            "requirement": "supervision",
            "categories": ["supervision_group"],
            "at_most": 0.5,
            "of": "actual",
            "advisory": False,
        },
        {
            "key": "elapsed",
            "name": "Elapsed",
            "kind": "elapsed",
            "duration": {"months": 18},
            "since": "start",
            "count_leave": False,
            "verified_only": True,
            "advisory": False,
        },
        {
            "key": "gap",
            "name": "Gap",
            "kind": "gap",
            "categories": ["supervision_group"],
            "max_days": 14,
            "allowed_misses": 0,
            "verified_only": True,
            "advisory": False,
        },
        {
            "key": "distinct",
            "name": "Distinct",
            "kind": "distinct",
            "categories": ["supervision_group"],
            "of": "provider",
            "at_least": 2,
            "verified_only": True,
            "advisory": False,
        },
        {
            "key": "average",
            "name": "Average",
            "kind": "average",
            "categories": ["client_individual"],
            "block_weeks": 4,
            "max_hours_per_week": 40,
            "allowed_misses": 0,
            "verified_only": True,
            "advisory": False,
        },
    ]


def test_cadence_options_at_their_defaults_leave_the_stored_form_unchanged():
    # A cadence stored before these options existed must keep its checksum.
    plain = """\
requirements:
  - key: weekly
    name: Weekly
    kind: cadence
    categories: [personal_therapy]
    period: week
    min_sessions: 1
"""
    spelt_out = plain + "    distinct_days: false\n    extra: []\n"

    assert rules_of(plain).checksum == rules_of(spelt_out).checksum
    assert "distinct_days" not in rules_of(plain).canonical["requirements"][0]


@pytest.mark.parametrize(
    "requirements",
    [
        pytest.param(
            """\
  - key: elapsed
    name: Elapsed
    kind: elapsed
    duration: {weeks: 104}
    since: first_session
    categories: [client_individual]
""",
            id="elapsed",
        ),
        pytest.param(
            """\
  - key: weekly
    name: Weekly
    kind: cadence
    period: week
    min_hours: 1
    counts:
      - categories: [supervision_group]
        steps: [{scale: 0.5}]
    trigger_categories: [client_individual]
    required_above_hours: 0
    extra: [{above_hours: 10, add_hours: 1}]
    min_periods: 40
    distinct_days: true
""",
            id="triggered-cadence",
        ),
    ],
)
def test_canonical_form_parses_to_the_same_rules(requirements):
    document = rules_of("requirements:\n" + requirements)
    again = parse_program_text(
        yaml.safe_dump(document.canonical), source="again.yaml", vocabulary=VOCABULARY
    )

    assert again.canonical == document.canonical
    assert again.rules == document.rules


def test_parsed_new_kinds_have_their_fields():
    document = rules_of("""\
requirements:
  - key: supervision
    name: Supervision
    kind: total
    unit: hours
    minimum: 100
    counts:
      - categories: [supervision_individual, supervision_group]
        where: {max_group_size: 8}
        steps: [{group_credit: {divide_above: 4, at_or_below: 0.5}}]
  - key: individual
    name: Individual
    kind: share
    requirement: supervision
    categories: [supervision_individual]
    at_least: 0.5
    of: required
  - key: weekly
    name: Weekly
    kind: cadence
    categories: [supervision_individual]
    period: enrollment_year
    min_hours: 40
  - key: duration
    name: Duration
    kind: elapsed
    duration: {months: 18}
    since: milestone
    milestone: degree_conferred
""")

    total, share, cadence, elapsed = document.rules.rules
    assert total.counts[0].steps == (GroupCredit(4, Fraction(1, 2)),)
    assert share == ShareRule(
        "individual",
        "Individual",
        "supervision",
        frozenset({"supervision_individual"}),
        Fraction(1, 2),
        "at_least",
        "required",
    )
    assert cadence == CadenceRule(
        "weekly", "Weekly", frozenset({"supervision_individual"}), "enrollment_year", None, 2400
    )
    assert elapsed == ElapsedRule(
        "duration", "Duration", Duration(months=18), "milestone", "degree_conferred"
    )


BAD = [
    pytest.param(
        """\
requirements:
  - key: share
    name: Share
    kind: share
    requirement: missing
    categories: [client_individual]
    at_least: 0.5
    of: actual
""",
        [
            "x.yaml:12: requirements[0].requirement: 'missing' is not a total requirement in this file"
        ],
        id="share-of-a-missing-total",
    ),
    pytest.param(
        """\
requirements:
  - key: client
    name: Client
    kind: total
    unit: hours
    minimum: 10
    counts:
      - categories: [client_individual]
  - key: share
    name: Share
    kind: share
    requirement: client
    categories: [client_group]
    at_most: 0.5
    of: actual
""",
        [
            "x.yaml:20: requirements[1].categories[0]: category 'client_group' is not counted by 'client'"
        ],
        id="share-of-an-uncounted-category",
    ),
    pytest.param(
        """\
requirements:
  - key: therapy
    name: Therapy
    kind: total
    unit: sessions
    minimum: 10
    counts:
      - categories: [personal_therapy]
        steps:
          - scale: 0.5
""",
        [
            "x.yaml:17: requirements[0].counts[0].steps[0].scale: scale needs unit hours (it works on minutes)"
        ],
        id="conversion-in-a-sessions-total",
    ),
    pytest.param(
        """\
requirements:
  - key: client
    name: Client
    kind: total
    unit: hours
    minimum: 10
    counts:
      - categories: [client_individual]
        steps:
          - only_if: {period: fortnight, categories: [supervision_individual], min_hours: 1}
""",
        [
            "x.yaml:17: requirements[0].counts[0].steps[0].only_if.period: 'fortnight' is not one "
            "of ['week', 'month', 'enrollment_year']"
        ],
        id="only-if-unknown-period",
    ),
    pytest.param(
        """\
requirements:
  - key: client
    name: Client
    kind: total
    unit: hours
    minimum: 10
    counts:
      - categories: [client_individual]
        steps:
          - only_if: {period: week, categories: [supervision_imaginary], min_hours: 0.01}
""",
        [
            "x.yaml:17: requirements[0].counts[0].steps[0].only_if.categories[0]: unknown "
            "category 'supervision_imaginary'",
            "x.yaml:17: requirements[0].counts[0].steps[0].only_if.min_hours: 0.01 hours is not "
            "a whole number of minutes",
        ],
        id="only-if-unknown-category-and-bad-hours",
    ),
    pytest.param(
        """\
requirements:
  - key: client
    name: Client
    kind: total
    unit: hours
    minimum: 10
    where: {until: {date: 31/12/2030}}
    counts:
      - categories: [client_individual]
""",
        [
            "x.yaml:14: requirements[0].where.until.date: '31/12/2030' does not match "
            "'^[0-9]{4}-[0-9]{2}-[0-9]{2}$'"
        ],
        id="date-not-iso",
    ),
    pytest.param(
        """\
requirements:
  - key: duration
    name: Duration
    kind: elapsed
    duration: {weeks: 104, days: 3}
""",
        ["x.yaml:12: requirements[0].duration: {'weeks': 104, 'days': 3} has too many properties"],
        id="duration-with-two-units",
    ),
    pytest.param(
        """\
requirements:
  - key: two
    name: Two
    kind: distinct
    categories: [supervision_individual]
    of: supervisor
    at_least: 2
""",
        [
            "x.yaml:13: requirements[0].of: 'supervisor' is not one of ['provider', 'client', "
            "'setting', 'day', 'week', 'month']"
        ],
        id="distinct-of-unknown",
    ),
    pytest.param(
        """\
requirements:
  - key: client
    name: Client
    kind: total
    unit: hours
    minimum: 10
    counts:
      - categories: [client_individual]
  - key: weekly
    name: Weekly
    kind: cadence
    categories: [supervision_individual]
    period: week
    min_hours: 1
    trigger_categories: [client_individual]
    extra: [{above_hours: 10.001, add_hours: 1}]
""",
        [
            "x.yaml:23: requirements[1].extra[0].above_hours: 10.001 hours is not a whole number "
            "of minutes"
        ],
        id="extra-hours-not-whole-minutes",
    ),
]


@pytest.mark.parametrize(("requirements", "expected"), BAD)
def test_bad_new_kind_files_are_refused_with_exact_problems(requirements, expected):
    with pytest.raises(InputFileError) as caught:
        rules_of(requirements)

    assert [str(problem) for problem in caught.value.problems] == expected
