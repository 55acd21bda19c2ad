"""Loading program files into the database: versions, idempotency, dry runs, export round trips."""

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.problems import InputFileError
from programs.definitions.export import requirement_set_to_yaml
from programs.definitions.program_file import parse_program_text, read_program_file
from programs.models import ActivityCategory, Institution, Program, ProgramCategory, RequirementSet
from programs.selectors import category_vocabulary
from programs.services.program_files import program_load
from tests.factories import TraineeFactory, UserFactory
from trainees.models import ComplianceSnapshot
from trainees.services.enrollments import enrollment_create

DEMO_DIR = Path(__file__).resolve().parents[2] / "programs" / "demo"
DEMO_NAMES = ["harbour-analytic.yaml", "northbridge-counselling.yaml", "riverside-mft.yaml"]

SMALL = """\
format: 1
institution:
  slug: lakeside
  name: Lakeside Institute
program:
  slug: lakeside-counselling
  name: Counselling Diploma
  time_zone: Europe/Dublin
  week_start: sunday
categories:
  - key: personal_therapy
    verification: attestation
  - key: client_individual
requirements:
  - key: client_contact
    name: Client contact
    kind: total
    unit: hours
    minimum: 100
    counts:
      - categories: [client_individual]
  - key: therapy
    name: Personal therapy
    kind: total
    unit: sessions
    minimum: 20
    counts:
      - categories: [personal_therapy]
"""

EXPORTED_SMALL = """\
# Counselling Diploma: requirement set version 1
# Format: see docs/program-format.md
format: 1
institution:
  slug: lakeside
  name: Lakeside Institute
program:
  slug: lakeside-counselling
  name: Counselling Diploma
  time_zone: Europe/Dublin
  week_start: sunday
categories:
- key: personal_therapy
  private: true
  verification: attestation
- key: client_individual
  private: false
  verification: countersign
status:
  on_track_ratio: 0.9
  at_risk_ratio: 0.75
  grace_days: 28
requirements:
- key: client_contact
  name: Client contact
  kind: total
  unit: hours
  minimum: 100
  counts:
  - categories:
    - client_individual
    steps: []
  verified_only: true
  advisory: false
- key: therapy
  name: Personal therapy
  kind: total
  unit: sessions
  minimum: 20
  counts:
  - categories:
    - personal_therapy
    steps: []
  verified_only: true
  advisory: false
"""


def load_text(text: str, *, source: str = "program.yaml", **options):
    document = parse_program_text(text, source=source, vocabulary=category_vocabulary())
    return program_load(document=document, **options)


def run_command(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def run_command_with_stderr(*args: str, err: StringIO, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue()


def category_settings(program: Program) -> set[tuple[str, bool, str]]:
    return {
        (setting.category.key, setting.private, setting.verification)
        for setting in ProgramCategory.objects.filter(program=program).select_related("category")
    }


def test_first_load_creates_institution_program_settings_and_version_1(db):
    # given
    actor = UserFactory(email="registrar@example.org")
    document = parse_program_text(SMALL, source="lakeside.yaml", vocabulary=category_vocabulary())

    # when
    result = program_load(document=document, actor=actor)

    # then
    program = Program.objects.select_related("institution").get(slug="lakeside-counselling")
    assert (program.institution.slug, program.institution.name) == (
        "lakeside",
        "Lakeside Institute",
    )
    assert (program.name, program.time_zone, program.week_start) == (
        "Counselling Diploma",
        "Europe/Dublin",
        6,
    )
    assert category_settings(program) == {
        ("personal_therapy", True, "attestation"),
        ("client_individual", False, "countersign"),
    }
    [version] = RequirementSet.objects.filter(program=program)
    assert version.version == 1
    assert version.definition == document.canonical
    assert version.checksum == document.checksum
    assert version.source_name == "lakeside.yaml"
    assert version.created_by == actor
    assert result.program == program
    assert result.requirement_set == version
    assert (result.created_program, result.created_version, result.dry_run) == (True, True, False)
    assert result.new_categories == ()


def test_loading_the_same_file_again_creates_no_version(db):
    first = load_text(SMALL)

    second = load_text(SMALL)

    assert RequirementSet.objects.filter(program=first.program).count() == 1
    assert second.requirement_set == first.requirement_set
    assert (second.created_program, second.created_version) == (False, False)


def test_a_changed_file_creates_version_2_and_leaves_version_1_alone(db, frozen_today):
    # given version 1 and an enrollment on it
    first = load_text(SMALL)
    v1 = first.requirement_set
    v1_definition, v1_checksum = v1.definition, v1.checksum
    enrollment = enrollment_create(
        trainee=TraineeFactory(),
        program=first.program,
        start_date=date(2026, 1, 5),
        expected_end_date=date(2027, 1, 3),
    )

    # when the minimum changes
    second = load_text(SMALL.replace("minimum: 100", "minimum: 120"))

    # then
    assert second.created_version is True
    assert second.requirement_set.version == 2
    assert second.requirement_set.definition["requirements"][0]["minimum"] == 120
    v1.refresh_from_db()
    assert (v1.version, v1.definition, v1.checksum) == (1, v1_definition, v1_checksum)
    assert v1.definition["requirements"][0]["minimum"] == 100
    enrollment.refresh_from_db()
    assert enrollment.requirement_set_id == v1.pk
    assert ComplianceSnapshot.objects.get(enrollment=enrollment).requirement_set_id == v1.pk


def test_new_enrollments_use_the_latest_version(db, frozen_today):
    load_text(SMALL)
    latest = load_text(SMALL.replace("minimum: 20", "minimum: 25")).requirement_set

    enrollment = enrollment_create(
        trainee=TraineeFactory(),
        program=latest.program,
        start_date=date(2026, 1, 5),
        expected_end_date=date(2027, 1, 3),
    )

    assert enrollment.requirement_set == latest


def test_category_settings_follow_the_latest_file(db):
    # given a loaded program using two categories
    first = load_text(SMALL)

    # when the next file makes therapy self-reported and adds individual supervision
    load_text(
        SMALL.replace("verification: attestation", "verification: self_report").replace(
            "[client_individual]", "[client_individual, supervision_individual]"
        )
    )

    # then the program's settings mirror the file
    assert category_settings(first.program) == {
        ("personal_therapy", True, "self_report"),
        ("client_individual", False, "countersign"),
        ("supervision_individual", False, "countersign"),
    }


def test_a_category_the_latest_file_no_longer_uses_loses_its_settings(db):
    first = load_text(SMALL)
    without_therapy = SMALL[: SMALL.index("  - key: therapy\n")].replace(
        "  - key: personal_therapy\n    verification: attestation\n", ""
    )

    load_text(without_therapy)

    assert category_settings(first.program) == {("client_individual", False, "countersign")}
    assert RequirementSet.objects.filter(program=first.program).count() == 2


def test_dry_run_changes_nothing_but_reports_what_a_load_would_do(db, program_rows):
    before = program_rows()

    result = load_text(SMALL, dry_run=True)

    assert program_rows() == before
    assert (result.created_program, result.created_version, result.dry_run) == (True, True, True)
    assert result.requirement_set.version == 1
    assert not Program.objects.filter(slug="lakeside-counselling").exists()


def test_dry_run_of_a_changed_file_reports_the_next_version(db, program_rows):
    load_text(SMALL)
    before = program_rows()

    result = load_text(SMALL.replace("minimum: 100", "minimum: 90"), dry_run=True)

    assert program_rows() == before
    assert (result.created_program, result.created_version) == (False, True)
    assert result.requirement_set.version == 2


def test_a_new_category_is_added_to_the_shared_vocabulary(db):
    text = SMALL.replace(
        "  - key: client_individual\n",
        "  - key: client_individual\n"
        "  - key: case_conference\n"
        "    name: Case conference\n"
        "    description: Presenting a case to peers.\n"
        "    verification: self_report\n",
    ).replace("[client_individual]", "[client_individual, case_conference]")

    result = load_text(text)

    category = ActivityCategory.objects.get(key="case_conference")
    assert (category.name, category.description, category.is_builtin) == (
        "Case conference",
        "Presenting a case to peers.",
        False,
    )
    assert result.new_categories == ("case_conference",)
    assert ("case_conference", False, "self_report") in category_settings(result.program)
    # and a second load of the same file knows the category already, and changes nothing
    again = load_text(text)
    assert (again.created_version, again.new_categories) == (False, ())


def test_a_program_slug_owned_by_another_institution_is_refused(db, program, program_rows):
    # given riverside-mft, run by the riverside institution, and a file claiming it for another
    text = SMALL.replace("slug: lakeside-counselling", "slug: riverside-mft")
    document = parse_program_text(text, source="claim.yaml", vocabulary=category_vocabulary())
    before = program_rows()

    # when
    with pytest.raises(InputFileError) as caught:
        program_load(document=document)

    # then nothing changed, not even the institution the file would have created
    assert str(caught.value) == (
        "claim.yaml: program.slug: program 'riverside-mft' belongs to institution 'riverside'"
    )
    assert program_rows() == before
    assert not Institution.objects.filter(slug="lakeside").exists()
    program.refresh_from_db()
    assert program.name == "Riverside MFT"


@pytest.mark.parametrize("name", DEMO_NAMES)
def test_export_then_parse_gives_the_identical_canonical_document(db, name):
    # given a loaded demo file
    loaded = read_program_file(DEMO_DIR / name, vocabulary=category_vocabulary())
    requirement_set = program_load(document=loaded).requirement_set
    requirement_set.refresh_from_db()  # as stored: jsonb on PostgreSQL does not keep key order

    # when it is exported and read back
    exported = requirement_set_to_yaml(requirement_set)
    reread = parse_program_text(exported, source="exported.yaml", vocabulary=category_vocabulary())

    # then
    assert reread.canonical == loaded.canonical
    assert reread.checksum == loaded.checksum == requirement_set.checksum


@pytest.mark.parametrize("name", DEMO_NAMES)
def test_loading_an_exported_file_reports_unchanged(db, tmp_path, name):
    slug = name.removesuffix(".yaml")
    run_command("load_program", str(DEMO_DIR / name))
    exported = tmp_path / "exported.yaml"
    call_command("export_program", slug, output=exported, stderr=StringIO())

    out = run_command("load_program", str(exported))

    assert out == f"Loaded program {slug}: unchanged (version 1)\n"
    assert RequirementSet.objects.filter(program__slug=slug).count() == 1


def test_export_writes_the_stored_canonical_document_under_a_header(db):
    requirement_set = load_text(SMALL).requirement_set

    text = requirement_set_to_yaml(requirement_set)

    assert text == EXPORTED_SMALL


def test_export_program_writes_the_requested_version(db):
    v1 = load_text(SMALL).requirement_set
    v2 = load_text(SMALL.replace("minimum: 100", "minimum: 120")).requirement_set

    latest = run_command("export_program", "lakeside-counselling")
    first = run_command("export_program", "lakeside-counselling", "--version", "1")

    assert latest == requirement_set_to_yaml(v2)
    assert latest.startswith("# Counselling Diploma: requirement set version 2\n")
    assert "\n  minimum: 120\n" in latest
    assert first == requirement_set_to_yaml(v1) == EXPORTED_SMALL


def test_export_program_with_output_writes_the_file_and_says_so(db, tmp_path):
    requirement_set = load_text(SMALL).requirement_set
    target = tmp_path / "out.yaml"
    err = StringIO()

    out = run_command_with_stderr("export_program", "lakeside-counselling", output=target, err=err)

    assert out == ""
    assert err.getvalue() == f"Wrote {target}\n"
    assert target.read_text(encoding="utf-8") == requirement_set_to_yaml(requirement_set)


@pytest.mark.parametrize(
    "args",
    [["no-such-program"], ["lakeside-counselling", "--version", "7"]],
    ids=["unknown-program", "unknown-version"],
)
def test_export_program_of_something_missing_is_a_command_error(db, args):
    load_text(SMALL)

    with pytest.raises(CommandError) as caught:
        call_command("export_program", *args)

    assert str(caught.value) == f"No program {args[0]!r} (or no such version) found."


def test_load_program_command_reports_each_outcome(db, program_file):
    first = program_file(SMALL, name="v1.yaml")
    changed = program_file(SMALL.replace("minimum: 100", "minimum: 110"), name="v2.yaml")

    assert run_command("load_program", str(first), "--dry-run") == (
        "[dry run] would load new program lakeside-counselling: new requirement set version 1\n"
    )
    assert run_command("load_program", str(first)) == (
        "Loaded new program lakeside-counselling: new requirement set version 1\n"
    )
    assert run_command("load_program", str(first)) == (
        "Loaded program lakeside-counselling: unchanged (version 1)\n"
    )
    assert run_command("load_program", str(changed), "--dry-run") == (
        "[dry run] would load program lakeside-counselling: new requirement set version 2\n"
    )
    assert RequirementSet.objects.filter(program__slug="lakeside-counselling").count() == 1


def test_load_program_command_lists_new_categories(db, program_file):
    path = program_file(
        SMALL.replace(
            "  - key: client_individual\n",
            "  - key: client_individual\n  - key: case_conference\n    name: Case conference\n",
        )
    )

    out = run_command("load_program", str(path))

    assert out == (
        "Loaded new program lakeside-counselling: new requirement set version 1\n"
        "  new categories: case_conference\n"
    )


def test_load_program_command_error_names_file_and_line(db, program_file, program_rows):
    path = program_file(SMALL.replace("minimum: 100", "minimum: 0.001"), name="bad.yaml")
    before = program_rows()

    with pytest.raises(CommandError) as caught:
        call_command("load_program", str(path))

    assert str(caught.value) == (
        f"{path} was not loaded:\n"
        f"{path}:19: requirements[0].minimum: 0.001 hours is not a whole number of minutes"
    )
    assert program_rows() == before


def test_load_program_command_loads_several_files_in_order(db):
    out = run_command("load_program", *(str(DEMO_DIR / name) for name in DEMO_NAMES))

    assert out == (
        "Loaded new program harbour-analytic: new requirement set version 1\n"
        "Loaded new program northbridge-counselling: new requirement set version 1\n"
        "Loaded new program riverside-mft: new requirement set version 1\n"
    )
    # Two demo programs share one institution.
    assert sorted(Institution.objects.values_list("slug", flat=True)) == [
        "northbridge",
        "riverside",
    ]


def test_program_conflict_in_the_command_names_the_file(db, program, program_file, program_rows):
    path = program_file(SMALL.replace("slug: lakeside-counselling", "slug: riverside-mft"))
    before = program_rows()

    with pytest.raises(CommandError) as caught:
        call_command("load_program", str(path))

    assert str(caught.value) == (
        f"{path} was not loaded:\n"
        f"{path}: program.slug: program 'riverside-mft' belongs to institution 'riverside'"
    )
    assert program_rows() == before
