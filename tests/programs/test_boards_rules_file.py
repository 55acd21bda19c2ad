"""Program files for the semantics of issue 18 ("rules exactly as boards write them"): each is
part of the file format (schema, canonical form, round trip) and reaches the engine."""

import re
from fractions import Fraction

import pytest
import yaml
from django.core.validators import slug_re

from core.problems import InputFileError
from programs.definitions.program_file import STEP_CANONICAL, parse_program_text, program_schema
from programs.engine import Duration, LeaveExemption, SessionFilter, TotalRule
from programs.engine.facts import SETTING_PATTERN
from programs.engine.parse_parts import STEP_NAMES
from programs.vocabulary import BUILTIN_CATEGORIES

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


def read(requirements: str, header: str = HEADER):
    return parse_program_text(header + requirements, source="x.yaml", vocabulary=VOCABULARY)


def refused(requirements: str, header: str = HEADER) -> list[str]:
    with pytest.raises(InputFileError) as caught:
        read(requirements, header)
    return [str(problem) for problem in caught.value.problems]


def round_trips(requirements: str, header: str = HEADER) -> None:
    """Export (the canonical form) then load gives the same document and rules."""
    document = read(requirements, header)
    again = parse_program_text(
        yaml.safe_dump(document.canonical, sort_keys=False),
        source="again.yaml",
        vocabulary=VOCABULARY,
    )
    assert again.canonical == document.canonical
    assert again.checksum == document.checksum
    assert again.rules == document.rules


# ---- one pattern for setting keys ----

SETTINGS_FILTER = """\
requirements:
  - key: site_hours
    name: Hours at two sites
    kind: total
    unit: hours
    minimum: 10
    where: {{settings: [{settings}]}}
    counts:
      - categories: [client_individual]
"""


def test_a_file_naming_a_setting_with_a_hyphen_loads():
    document = read(SETTINGS_FILTER.format(settings="site-x, Main_Clinic"))

    [rule] = document.rules.rules
    assert isinstance(rule, TotalRule)
    assert rule.where == SessionFilter(settings=frozenset({"site-x", "Main_Clinic"}))
    round_trips(SETTINGS_FILTER.format(settings="site-x, Main_Clinic"))


def test_a_setting_the_session_field_would_refuse_is_refused_by_its_line():
    assert refused(SETTINGS_FILTER.format(settings="'site x'")) == [
        "x.yaml:14: requirements[0].where.settings[0]: 'site x' does not match '^[-a-zA-Z0-9_]+$'"
    ]


@pytest.mark.parametrize(
    "value", ["site-x", "site_x", "Site-X", "-x", "x1", "1", "site x", "site.x", "", "é", "x\n"]
)
def test_the_file_the_engine_and_the_session_field_accept_the_same_settings(value):
    # Django's SlugField validator (the session's `setting`), the engine's SETTING_PATTERN and
    # the schema's `$defs.setting` pattern: one pattern everywhere.
    schema_pattern = program_schema()["$defs"]["setting"]["pattern"]
    by_schema = re.fullmatch(schema_pattern.removeprefix("^").removesuffix("$"), value)

    assert bool(slug_re.match(value)) == bool(SETTING_PATTERN.fullmatch(value)) == bool(by_schema)


def test_every_step_kind_has_one_canonical_form_the_schema_and_the_engine_know():
    schema_steps = set(program_schema()["$defs"]["step"]["properties"])

    assert set(STEP_CANONICAL) == schema_steps == set(STEP_NAMES)


# ---- day-of-week filters and distinct weeks ----

WEEKDAYS_AND_WEEKS = """\
requirements:
  - key: four_times_weekly
    name: Four sessions a week on separate weekdays
    kind: cadence
    categories: [training_analysis]
    period: week
    min_sessions: 4
    distinct: day
    where: {weekdays: [friday, monday, tuesday, wednesday, thursday]}
  - key: supervision_meetings
    name: Two meetings a month in different weeks
    kind: cadence
    categories: [supervision_individual]
    period: month
    min_sessions: 2
    distinct: week
"""


def test_weekdays_and_distinct_weeks_are_stored_in_one_spelling():
    document = read(WEEKDAYS_AND_WEEKS)

    analysis, meetings = document.canonical["requirements"]
    # week order, and `distinct: day` as the `distinct_days: true` stored before it existed
    assert analysis["where"]["weekdays"] == ["monday", "tuesday", "wednesday", "thursday", "friday"]
    assert analysis["distinct_days"] is True and "distinct" not in analysis
    assert meetings["distinct"] == "week"
    rule = document.rules.rules[1]
    assert (rule.distinct, rule.distinct_unit) == ("week", "week")
    assert document.rules.rules[0].where.weekdays == frozenset({0, 1, 2, 3, 4})
    round_trips(WEEKDAYS_AND_WEEKS)


def test_an_unknown_weekday_is_refused_by_its_line():
    text = WEEKDAYS_AND_WEEKS.replace("friday, monday", "fryday, monday")

    assert refused(text) == [
        "x.yaml:16: requirements[0].where.weekdays[0]: 'fryday' is not one of ['monday', "
        "'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']"
    ]


# ---- leave exemption policies ----

MONTHLY = """\
requirements:
  - key: monthly_supervision
    name: Four hours a month
    kind: cadence
    categories: [supervision_individual]
    period: month
    min_hours: 4
"""


def test_a_leave_policy_is_stored_only_when_the_file_states_one():
    plain = read(MONTHLY)
    stated = read(
        "leave_exemption: {share: 1.0}\n"
        + MONTHLY.replace(
            "    min_hours: 4\n",
            "    min_hours: 4\n    leave_exemption: {share: 0.5, leaves_of_at_least: {months: 1}}\n",
        )
    )

    assert "leave_exemption" not in plain.canonical
    assert "leave_exemption" not in plain.canonical["requirements"][0]
    assert stated.canonical["leave_exemption"] == {"share": 1}
    assert stated.canonical["requirements"][0]["leave_exemption"] == {
        "share": 0.5,
        "leaves_of_at_least": {"months": 1},
    }
    assert stated.rules.leave_exemption == LeaveExemption(share=Fraction(1))
    assert stated.rules.rules[0].leave_exemption == LeaveExemption(
        share=Fraction(1, 2), leaves_of_at_least=Duration(months=1)
    )
    round_trips("leave_exemption: {days: 14}\n" + MONTHLY)


def test_a_leave_policy_gives_a_share_or_days_not_both():
    assert refused("leave_exemption: {share: 0.5, days: 14}\n" + MONTHLY) == [
        "x.yaml:8: leave_exemption: {'share': 0.5, 'days': 14} is valid under each of "
        "{'required': ['days']}, {'required': ['share']}"
    ]


# ---- conditions as boards write them, share caps, weighted ratios ----

CONDITIONS = """\
requirements:
  - key: weekly_supervision
    name: A unit a week in each setting with counseling
    kind: cadence
    period: week
    min_hours: 1
    per_setting: true
    counts:
      - categories: [supervision_individual]
      - categories: [supervision_group]
        where: {max_group_size: 8}
        steps: [{scale: 0.5}]
    trigger_categories: [client_individual]
    required_above_hours: 0
  - key: experience
    name: Experience
    kind: total
    unit: hours
    minimum: 3000
    counts:
      - categories: [client_individual]
        steps:
          - only_if:
              period: month
              counts:
                - categories: [supervision_individual]
                - categories: [supervision_group]
                  where: {max_group_size: 6}
              min_hours: 2
              extra: [{above_hours: 45, add_hours: 1}]
          - only_if_met: {requirement: weekly_supervision}
      - categories: [non_clinical, supervision_individual, supervision_group]
    steps:
      - cap_share: {categories: [supervision_group], at_most: 0.5}
  - key: ratio
    name: One in eight, group weighted
    kind: ratio
    counts:
      - categories: [supervision_individual]
      - categories: [supervision_group]
        steps: [{group_credit: {divide_above: 4, at_or_below: 0.5}}]
    per_categories: [client_individual]
    per: 8
"""


def test_conditions_share_caps_and_weighted_ratios_round_trip():
    document = read(CONDITIONS)

    cadence, total, ratio = document.rules.rules
    assert cadence.per_setting is True
    only_if, only_if_met = total.counts[0].steps
    assert (only_if.categories, only_if.extra[0].above_minutes) == (
        frozenset({"supervision_individual", "supervision_group"}),
        45 * 60,
    )
    assert only_if_met.requirement == "weekly_supervision"
    assert total.steps[0].fraction == Fraction(1, 2)
    assert ratio.categories == frozenset({"supervision_individual", "supervision_group"})
    stored = document.canonical["requirements"][1]["counts"][0]["steps"][0]["only_if"]
    assert stored == {
        "period": "month",
        "counts": [
            {"categories": ["supervision_individual"], "steps": []},
            {
                "categories": ["supervision_group"],
                "steps": [],
                "where": {"approved_provider": False, "max_group_size": 6},
            },
        ],
        "min_hours": 2,
        "same_setting": False,
        "extra": [{"above_hours": 45, "add_hours": 1}],
    }
    round_trips(CONDITIONS)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("only_if_met: {requirement: weekly_supervision}", "only_if_met: {requirement: ratio}"),
            [
                "x.yaml:38: requirements[1].counts[0].steps[1].only_if_met.requirement: 'ratio' "
                "is not a cadence requirement in this file"
            ],
        ),
        (
            (
                "      - cap_share: {categories: [supervision_group], at_most: 0.5}\n",
                "      - cap_share: {categories: [supervision_group], at_most: 0.5}\n      - cap: 100\n",
            ),
            [
                "x.yaml:41: requirements[1].steps[0].cap_share: cap_share must be the last of a "
                "total's own steps"
            ],
        ),
        (
            (
                "              min_hours: 2\n",
                "              min_hours: 2\n              categories: [supervision_individual]\n",
            ),
            [
                "x.yaml:31: requirements[1].counts[0].steps[0].only_if: {'period': 'month', "
                "'counts': [{'categories': ['supervision_individual']}, {'categories': "
                "['supervision_group'], 'where': {'max_group_size': 6}}], 'min_hours': 2, "
                "'categories': ['supervision_individual'], 'extra': [{'above_hours': 45, "
                "'add_hours': 1}]} is valid under each of {'required': ['counts']}, {'required': "
                "['categories']}"
            ],
        ),
        (
            (
                "extra: [{above_hours: 45, add_hours: 1}]",
                "extra: [{above_hours: 45.001, add_hours: 1}]",
            ),
            [
                "x.yaml:37: requirements[1].counts[0].steps[0].only_if.extra[0].above_hours: "
                "45.001 hours is not a whole number of minutes"
            ],
        ),
        (
            (
                "- categories: [supervision_group]\n                  where",
                "- categories: [supervision_imaginary]\n                  where",
            ),
            [
                "x.yaml:34: requirements[1].counts[0].steps[0].only_if.counts[1].categories[0]: "
                "unknown category 'supervision_imaginary'"
            ],
        ),
    ],
)
def test_bad_conditions_are_refused_by_their_line(change, expected):
    old, new = change
    assert old in CONDITIONS

    assert refused(CONDITIONS.replace(old, new)) == expected


FREE_DAYS = """\
categories:
  - key: clinical_work
    name: Clinical work
    verification: self_report
requirements:
  - key: one_day_in_seven
    name: One day in seven free
    kind: average
    categories: [clinical_work]
    block_days: 28
    min_free_days_per_week: 1
"""


def test_free_day_averages_over_day_blocks_round_trip():
    document = read(FREE_DAYS)

    [rule] = document.rules.rules
    assert (rule.block_days, rule.block_weeks, rule.free_days_per_week) == (28, 0, Fraction(1))
    assert document.canonical["requirements"][0] == {
        "key": "one_day_in_seven",
        "name": "One day in seven free",
        "kind": "average",
        "categories": ["clinical_work"],
        "block_days": 28,
        "min_free_days_per_week": 1,
        "allowed_misses": 0,
        "verified_only": True,
        "advisory": False,
    }
    round_trips(FREE_DAYS)


def test_an_unknown_key_that_is_not_text_is_reported_by_its_line():
    # Found by the fuzz test: a null key at the top of a file crashed the report.
    assert refused("~: 1\n" + MONTHLY) == ["x.yaml:1: None: unknown field None"]


OWN_CASE = """\
requirements:
  - key: consultation
    name: Consultation
    kind: total
    unit: hours
    minimum: 20
    counts:
      - categories: [consultation_individual, consultation_group]
    own_case:
      categories: [consultation_group]
      as: consultation_individual
      max_hours_per_session: 0.5
      max_group_size: 4
"""


def test_own_case_counting_round_trips():
    document = read(OWN_CASE)

    [rule] = document.rules.rules
    assert (rule.own_case.as_category, rule.own_case.max_minutes) == ("consultation_individual", 30)
    assert document.canonical["requirements"][0]["own_case"] == {
        "categories": ["consultation_group"],
        "as": "consultation_individual",
        "max_hours_per_session": 0.5,
        "max_group_size": 4,
    }
    round_trips(OWN_CASE)


def test_own_case_hours_must_be_whole_minutes():
    assert refused(OWN_CASE.replace("0.5", "0.501")) == [
        "x.yaml:19: requirements[0].own_case.max_hours_per_session: 0.501 hours is not a whole "
        "number of minutes"
    ]
