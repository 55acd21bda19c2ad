"""Reading program files: every bad file is refused with file, line and field; good ones canonicalised.

Bad files are a table: the YAML text and the exact problems it must produce. Line numbers are
1-based lines of the text as written here (the first line is `format: 1`).
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.problems import InputFileError, Problem
from programs.definitions.program_file import (
    canonicalize,
    document_checksum,
    parse_program_text,
    read_program_file,
)
from programs.vocabulary import BUILTIN_CATEGORIES

DEMO_DIR = Path(__file__).resolve().parents[2] / "programs" / "demo"

VOCABULARY = {key: name for key, name, _ in BUILTIN_CATEGORIES}

# Lines 1-7 of every table entry that leaves the header alone.
HEADER = """\
format: 1
institution:
  slug: riverside
  name: Riverside
program:
  slug: riverside-mft
  name: MFT
"""

# Lines 8-15: a valid requirement. HEADER + CLIENT_CONTACT is a valid file.
CLIENT_CONTACT = """\
requirements:
  - key: client_contact
    name: Client contact
    kind: total
    unit: hours
    minimum: 10
    counts:
      - categories: [client_individual]
"""

BAD_FILES = [
    pytest.param(
        """\
format: 1
institution:
  slug: riverside
   name: Riverside
""",
        ["bad.yaml:4: not valid YAML: mapping values are not allowed here"],
        id="invalid-yaml-syntax",
    ),
    pytest.param(
        """\
format: 1
institution:
  slug: riverside
  name: Riverside
program:
  slug: riverside-mft
  name: MFT
  name: MFT again
"""
        + CLIENT_CONTACT,
        ["bad.yaml:8: name: duplicate key"],
        id="duplicate-key",
    ),
    pytest.param(
        """\
format: 1
institution:
  slug: riverside
  name: Riverside
program:
  slug: riverside-mft
  name: MFT
  colour: blue
"""
        + CLIENT_CONTACT,
        # The line is the first line of the mapping holding the unknown field.
        ["bad.yaml:8: program.colour: unknown field 'colour'"],
        id="unknown-field",
    ),
    pytest.param(
        HEADER
        + """\
requirements:
  - key: client_contact
    name: Client contact
    kind: total
    unit: hours
    counts:
      - categories: [client_individual]
""",
        ["bad.yaml:9: requirements[0]: 'minimum' is a required property"],
        id="missing-required-field",
    ),
    pytest.param(
        HEADER
        + """\
requirements:
  - key: client_contact
    name: Client contact
    kind: sum
    unit: hours
    minimum: 10
    counts:
      - categories: [client_individual]
""",
        [
            "bad.yaml:11: requirements[0].kind: 'sum' is not one of "
            "['total', 'cadence', 'ratio', 'average', 'share', 'distinct', 'gap', 'elapsed']"
        ],
        id="wrong-kind",
    ),
    pytest.param(
        HEADER
        + """\
requirements:
  - key: client_contact
    name: Client contact
    kind: total
    unit: hours
    minimum: 10
    counts:
      - categories:
          - client_individual
          - client_imaginary
""",
        [
            "bad.yaml:17: requirements[0].counts[0].categories[1]: unknown category 'client_imaginary'"
        ],
        id="unknown-category",
    ),
    pytest.param(
        HEADER
        + CLIENT_CONTACT
        + """\
      - categories:
          - client_group
          - client_individual
""",
        [
            "bad.yaml:18: requirements[0].counts[1].categories[1]: category 'client_individual' is "
            "already counted in counts[0]; a minute may be counted only once per requirement"
        ],
        id="category-in-two-counts",
    ),
    pytest.param(
        HEADER
        + CLIENT_CONTACT
        + """\
  - key: client_contact
    name: Group client contact
    kind: total
    unit: hours
    minimum: 5
    counts:
      - categories: [client_group]
""",
        ["bad.yaml:16: requirements[1].key: requirement key 'client_contact' is used twice"],
        id="duplicate-requirement-key",
    ),
    pytest.param(
        """\
format: 1
institution:
  slug: riverside
  name: Riverside
program:
  slug: riverside-mft
  name: MFT
  time_zone: Mars/Olympus_Mons
"""
        + CLIENT_CONTACT,
        [
            "bad.yaml:8: program.time_zone: unknown time zone 'Mars/Olympus_Mons' "
            "(use an IANA name such as Europe/London)"
        ],
        id="bad-time-zone",
    ),
    pytest.param(
        HEADER
        + """\
requirements:
  - key: client_contact
    name: Client contact
    kind: total
    unit: hours
    minimum: 0.01
    counts:
      - categories: [client_individual]
""",
        ["bad.yaml:13: requirements[0].minimum: 0.01 hours is not a whole number of minutes"],
        id="hours-not-whole-minutes",
    ),
    pytest.param(
        HEADER
        + """\
requirements:
  - key: client_contact
    name: Client contact
    kind: total
    unit: hours
    minimum: 10
    counts:
      - categories: [client_individual]
        steps:
          - cap_per_period: {period: week, amount: 4.999}
""",
        [
            "bad.yaml:17: requirements[0].counts[0].steps[0].cap_per_period.amount: "
            "4.999 hours is not a whole number of minutes"
        ],
        id="step-amount-not-whole-minutes",
    ),
    pytest.param(
        HEADER
        + """\
requirements:
  - key: therapy
    name: Personal therapy
    kind: total
    unit: sessions
    minimum: 2.5
    counts:
      - categories: [personal_therapy]
""",
        ["bad.yaml:13: requirements[0].minimum: 2.5 is not a whole number of sessions"],
        id="fractional-sessions",
    ),
    pytest.param(
        HEADER
        + """\
status:
  on_track_ratio: 0.5
  at_risk_ratio: 0.8
"""
        + CLIENT_CONTACT,
        [
            "bad.yaml:10: status.at_risk_ratio: at_risk_ratio (0.8) must not exceed "
            "on_track_ratio (0.5)"
        ],
        id="at-risk-above-on-track",
    ),
    pytest.param(
        HEADER
        + """\
categories:
  - key: client_individual
  - key: case_conference
    verification: self_report
"""
        + CLIENT_CONTACT,
        [
            "bad.yaml:10: categories[1].key: category 'case_conference' is not in the shared "
            "vocabulary; give it a `name` to add it"
        ],
        id="new-category-without-name",
    ),
    pytest.param(
        HEADER
        + CLIENT_CONTACT
        + """\
  - key: weekly_therapy
    name: Weekly personal therapy
    kind: cadence
    categories: [personal_therapy]
    period: week
""",
        # Either field would do; the schema reports the first alternative.
        ["bad.yaml:16: requirements[1]: 'min_sessions' is a required property"],
        id="cadence-without-minimum",
    ),
    pytest.param(
        HEADER
        + """\
categories:
  - key: personal_therapy
  - key: personal_therapy
"""
        + CLIENT_CONTACT,
        ["bad.yaml:10: categories[1].key: category 'personal_therapy' is listed twice"],
        id="category-listed-twice",
    ),
    pytest.param(
        "- format: 1\n",
        ["bad.yaml:1: a program file must be a YAML mapping"],
        id="not-a-mapping",
    ),
    pytest.param(
        "",
        ["bad.yaml: a program file must be a YAML mapping"],
        id="empty-file",
    ),
    pytest.param(
        # Several problems are all reported, in file order, so one run shows them all.
        """\
format: 1
institution:
  slug: riverside
  name: Riverside
program:
  slug: riverside-mft
  name: MFT
  time_zone: Nowhere/Special
requirements:
  - key: therapy
    name: Personal therapy
    kind: total
    unit: sessions
    minimum: 2.5
    counts:
      - categories: [personal_therapy, dream_work]
""",
        [
            "bad.yaml:8: program.time_zone: unknown time zone 'Nowhere/Special' "
            "(use an IANA name such as Europe/London)",
            "bad.yaml:16: requirements[0].counts[0].categories[1]: unknown category 'dream_work'",
            "bad.yaml:14: requirements[0].minimum: 2.5 is not a whole number of sessions",
        ],
        id="several-problems",
    ),
]


def problems_of(text: str) -> list[str]:
    with pytest.raises(InputFileError) as caught:
        parse_program_text(text, source="bad.yaml", vocabulary=VOCABULARY)
    return [str(problem) for problem in caught.value.problems]


def test_the_base_of_the_table_is_a_valid_file():
    # Otherwise a table entry could fail for a reason other than the one it names.
    document = parse_program_text(HEADER + CLIENT_CONTACT, source="ok.yaml", vocabulary=VOCABULARY)

    assert [r["key"] for r in document.canonical["requirements"]] == ["client_contact"]


@pytest.mark.parametrize(("text", "expected"), BAD_FILES)
def test_bad_file_is_refused_with_exact_problems(text, expected):
    assert problems_of(text) == expected


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        (Problem("a.yaml", 3, "program.slug", "too long"), "a.yaml:3: program.slug: too long"),
        (Problem("a.yaml", None, "program.slug", "taken"), "a.yaml: program.slug: taken"),
        (Problem("a.yaml", 1, "", "not valid YAML: oops"), "a.yaml:1: not valid YAML: oops"),
    ],
)
def test_problem_text_is_source_line_field_message(problem, expected):
    assert str(problem) == expected


def test_input_file_error_message_lists_every_problem_on_its_own_line():
    error = InputFileError([Problem("a.yaml", 1, "x", "one"), Problem("a.yaml", 2, "y", "two")])

    assert str(error) == "a.yaml:1: x: one\na.yaml:2: y: two"


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path):
    missing = tmp_path / "missing.yaml"

    with pytest.raises(InputFileError) as caught:
        read_program_file(missing, vocabulary=VOCABULARY)

    assert [str(p) for p in caught.value.problems] == [
        f"{missing}: cannot read file: No such file or directory"
    ]


def test_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("format: 1\nname: Zürich\n".encode("latin-1"))

    with pytest.raises(InputFileError) as caught:
        read_program_file(path, vocabulary=VOCABULARY)

    assert [str(p) for p in caught.value.problems] == [f"{path}: not UTF-8 text"]


@pytest.mark.parametrize(("text", "expected"), BAD_FILES)
def test_loading_a_bad_file_changes_nothing(text, expected, program, program_rows, program_file):
    # given an existing program, so a partial load would have something to touch
    path = program_file(text, name="bad.yaml")
    before = program_rows()

    # when
    with pytest.raises(CommandError) as caught:
        call_command("load_program", str(path))

    # then
    assert program_rows() == before
    assert str(caught.value).startswith(f"{path} was not loaded:\n")


def test_bad_file_with_a_new_category_adds_no_category(program_rows, program_file):
    # given a new category that would be added, and a problem later in the file
    path = program_file(
        """\
format: 1
institution:
  slug: riverside
  name: Riverside
program:
  slug: riverside-mft
  name: MFT
categories:
  - key: case_conference
    name: Case conference
requirements:
  - key: conferences
    name: Case conferences
    kind: total
    unit: sessions
    minimum: 0.5
    counts:
      - categories: [case_conference]
"""
    )
    before = program_rows()

    with pytest.raises(CommandError) as caught:
        call_command("load_program", str(path))

    assert str(caught.value) == (
        f"{path} was not loaded:\n"
        f"{path}:16: requirements[0].minimum: 0.5 is not a whole number of sessions"
    )
    assert program_rows() == before


DEMO_FILES = {
    "harbour-analytic.yaml": (
        "harbour-analytic",
        [
            "training_analysis_weekly",
            "training_analysis_total",
            "control_cases",
            "control_supervision",
        ],
    ),
    "northbridge-counselling.yaml": (
        "northbridge-counselling",
        ["placement_hours", "placement_supervision", "supervision_ratio", "personal_therapy_hours"],
    ),
    "riverside-mft.yaml": (
        "riverside-mft",
        [
            "client_contact",
            "relational_hours",
            "supervision",
            "supervision_ratio",
            "personal_therapy",
        ],
    ),
}


def test_the_demo_table_lists_every_demo_file():
    assert sorted(p.name for p in DEMO_DIR.glob("*.yaml")) == sorted(DEMO_FILES)


@pytest.mark.parametrize("name", sorted(DEMO_FILES))
def test_demo_file_parses(name):
    slug, requirement_keys = DEMO_FILES[name]

    document = read_program_file(DEMO_DIR / name, vocabulary=VOCABULARY)

    assert document.source == str(DEMO_DIR / name)
    assert document.canonical["program"]["slug"] == slug
    assert [r["key"] for r in document.canonical["requirements"]] == requirement_keys
    assert [rule.key for rule in document.rules.rules] == requirement_keys
    assert document.checksum == document_checksum(document.canonical)
    assert document.new_categories == ()


def test_canonical_form_fills_every_default():
    # given a file that says as little as it may
    text = """\
format: 1
institution:
  slug: riverside
  name: Riverside
program:
  slug: riverside-mft
  name: MFT
categories:
  - key: personal_therapy
  - key: client_individual
  - key: case_conference
    name: Case conference
    description: Weekly case presentations.
requirements:
  - key: client_contact
    name: Client contact
    kind: total
    unit: hours
    minimum: 100.0
    counts:
      - categories: [client_individual]
      - categories: [case_conference]
        steps:
          - cap: 7.5
  - key: weekly_therapy
    name: Weekly therapy
    kind: cadence
    categories: [personal_therapy, training_analysis]
    period: week
    min_hours: 0.75
  - key: supervision_ratio
    name: Supervision ratio
    description: One for five.
    kind: ratio
    categories: [supervision_individual]
    per_categories: [client_individual]
    per: 5
    verified_only: false
    advisory: true
"""

    # when
    document = parse_program_text(text, source="defaults.yaml", vocabulary=VOCABULARY)

    # then: listed categories keep their order; referenced-only ones follow, sorted by key
    assert document.canonical == {
        "format": 1,
        "institution": {"slug": "riverside", "name": "Riverside"},
        "program": {
            "slug": "riverside-mft",
            "name": "MFT",
            "time_zone": "UTC",
            "week_start": "monday",
        },
        "categories": [
            {"key": "personal_therapy", "private": True, "verification": "countersign"},
            {"key": "client_individual", "private": False, "verification": "countersign"},
            {
                "key": "case_conference",
                "name": "Case conference",
                "description": "Weekly case presentations.",
                "private": False,
                "verification": "countersign",
            },
            {"key": "supervision_individual", "private": False, "verification": "countersign"},
            {"key": "training_analysis", "private": True, "verification": "countersign"},
        ],
        "status": {"on_track_ratio": 0.9, "at_risk_ratio": 0.75, "grace_days": 28},
        "requirements": [
            {
                "key": "client_contact",
                "name": "Client contact",
                "kind": "total",
                "unit": "hours",
                "minimum": 100,
                "counts": [
                    {"categories": ["client_individual"], "steps": []},
                    {"categories": ["case_conference"], "steps": [{"cap": 7.5}]},
                ],
                "verified_only": True,
                "advisory": False,
            },
            {
                "key": "weekly_therapy",
                "name": "Weekly therapy",
                "kind": "cadence",
                "categories": ["personal_therapy", "training_analysis"],
                "period": "week",
                "min_hours": 0.75,
                "allowed_misses": 0,
                "verified_only": True,
                "advisory": False,
            },
            {
                "key": "supervision_ratio",
                "name": "Supervision ratio",
                "kind": "ratio",
                "description": "One for five.",
                "categories": ["supervision_individual"],
                "per_categories": ["client_individual"],
                "per": 5,
                "verified_only": False,
                "advisory": True,
            },
        ],
    }
    assert [(c.key, c.name, c.description) for c in document.new_categories] == [
        ("case_conference", "Case conference", "Weekly case presentations.")
    ]


def test_explicit_settings_override_the_privacy_default():
    data = {
        "format": 1,
        "institution": {"slug": "riverside", "name": "Riverside"},
        "program": {"slug": "riverside-mft", "name": "MFT", "week_start": "sunday"},
        "categories": [
            {"key": "personal_therapy", "private": False, "verification": "self_report"},
            {"key": "client_individual", "private": True, "verification": "attestation"},
        ],
        "status": {"on_track_ratio": 1.0, "grace_days": 0},
        "requirements": [
            {
                "key": "therapy",
                "name": "Therapy",
                "kind": "total",
                "unit": "sessions",
                "minimum": 4,
                "counts": [{"categories": ["personal_therapy", "client_individual"]}],
            }
        ],
    }

    canonical = canonicalize(data, VOCABULARY)

    assert canonical["program"]["week_start"] == "sunday"
    assert canonical["categories"] == [
        {"key": "personal_therapy", "private": False, "verification": "self_report"},
        {"key": "client_individual", "private": True, "verification": "attestation"},
    ]
    assert canonical["status"] == {"on_track_ratio": 1, "at_risk_ratio": 0.75, "grace_days": 0}


def test_same_rules_spelt_differently_have_the_same_checksum():
    # Comments, key order and flow style are not part of the rules.
    block = HEADER + CLIENT_CONTACT
    flow = (
        "# a comment\n"
        "program: {name: MFT, slug: riverside-mft}\n"
        "institution: {name: Riverside, slug: riverside}\n"
        "format: 1\n"
        "requirements:\n"
        "  - {kind: total, key: client_contact, name: Client contact, unit: hours, minimum: 10,\n"
        "     counts: [{categories: [client_individual], steps: []}], verified_only: true}\n"
    )

    first = parse_program_text(block, source="a.yaml", vocabulary=VOCABULARY)
    second = parse_program_text(flow, source="b.yaml", vocabulary=VOCABULARY)

    assert first.canonical == second.canonical
    assert first.checksum == second.checksum


def test_a_changed_minimum_changes_the_checksum():
    first = parse_program_text(HEADER + CLIENT_CONTACT, source="a.yaml", vocabulary=VOCABULARY)
    second = parse_program_text(
        HEADER + CLIENT_CONTACT.replace("minimum: 10", "minimum: 11"),
        source="a.yaml",
        vocabulary=VOCABULARY,
    )

    assert first.checksum != second.checksum


def test_a_whole_number_typed_as_a_decimal_is_the_same_amount():
    from programs.definitions.program_file import canonicalize

    def document(**cadence):
        return {
            "format": 1,
            "institution": {"slug": "x", "name": "X"},
            "program": {"slug": "x-p", "name": "X P"},
            "requirements": [
                {
                    "key": "weekly",
                    "name": "Weekly",
                    "kind": "cadence",
                    "categories": ["personal_therapy"],
                    "period": "week",
                    **cadence,
                }
            ],
        }

    typed_as_decimal = canonicalize(
        document(min_sessions=3.0, allowed_misses=2.0), {"personal_therapy": "Personal therapy"}
    )
    typed_as_integer = canonicalize(
        document(min_sessions=3, allowed_misses=2), {"personal_therapy": "Personal therapy"}
    )

    assert typed_as_decimal == typed_as_integer
    assert type(typed_as_decimal["requirements"][0]["min_sessions"]) is int
