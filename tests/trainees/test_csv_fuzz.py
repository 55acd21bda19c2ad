"""Generated CSV files through the two CSV loaders: the historical-session import
(`sessions_import_csv`, behind `manage.py import_sessions`) and the director's roster upload
(`/programs/<slug>/enroll/roster/`).

Valid rows (any free text, including formula-like text, which is data here) are mixed with rows
that carry one known-bad cell. Whatever the mix: no unexpected exception and no 5xx; each bad
row is reported by its line and its column; when any row is bad nothing is stored; a file of
valid rows only is stored whole and exactly.

Each test counts its cases in the `fuzz:` line of the terminal summary (tests/fuzz_summary.py).
"""

import csv
import io
import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accounts.models import Invitation
from core.problems import InputFileError
from tests.factories import CohortFactory, RequirementSetFactory
from trainees.models import Enrollment, Session
from trainees.services.imports import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, sessions_import_csv
from trainees.services.program_admin import ROSTER_COLUMNS

TODAY = date(2026, 6, 15)
ENROLLED_FROM = date(2026, 1, 5)  # EnrollmentFactory's start date
SESSION_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

FUZZ = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Free text as people type it, and as attackers do: formula injection is data to us (exports
# neutralise it), unicode of every plane, quotes, delimiters, line breaks. Not NUL: that is bad.
FREE_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40),
    st.sampled_from(
        [
            "=cmd|' /C calc'!A0",
            '=HYPERLINK("http://evil.example","x")',
            "+SUM(1+1)",
            "-2+3",
            "@SUM(A1)",
            '"quoted", with a comma',
            "line one\nline two",
            "‮reversed",
            "💥 emoji",
            "\U0001d518\U0001d52b\U0001d526",  # mathematical letters, outside the BMP
        ]
    ),
)


@dataclass(frozen=True)
class Row:
    cells: dict[str, str]
    bad_column: str | None  # the column carrying the injected bad value, if any


# --- historical sessions -------------------------------------------------------------------

# (column, bad value, cells the value needs to be wrong in the way meant)
SESSION_BAD_CELLS: list[tuple[str, str, dict[str, str]]] = [
    ("trainee", "", {}),
    ("trainee", "nobody@example.org", {}),
    ("trainee", "=cmd|' /C calc'!A0", {}),
    ("date", "", {}),
    ("date", "2026-02-30", {}),
    ("date", "15/06/2026", {}),
    ("date", "2026-06-16", {}),  # after today
    ("date", "2025-12-31", {}),  # before the enrollment
    ("date", "=NOW()", {}),
    ("duration_minutes", "", {}),
    ("duration_minutes", "0", {}),
    ("duration_minutes", "-30", {}),
    ("duration_minutes", "721", {}),
    ("duration_minutes", "1.5", {}),
    ("duration_minutes", "99999999999999999999999", {}),
    ("duration_minutes", "sixty", {}),
    ("duration_minutes", "9" * 5000, {}),
    ("category", "", {}),
    ("category", "astrology", {}),
    ("category", "group_supervision", {}),
    ("start_time", "25:00", {}),
    ("start_time", "noon", {}),
    ("format", "solo", {}),
    ("group_size", "1", {"format": "group"}),
    ("group_size", "-3", {"format": "group"}),
    ("group_size", "", {"format": "group"}),
    ("group_size", "4", {"format": "individual"}),
    ("group_size", "99999999", {"format": "group"}),
    ("modality", "carrier pigeon", {}),
    ("status", "approved", {}),
    ("verified_by", "", {"status": "verified", "verified_on": "2026-06-01"}),
    ("verified_by", "ghost@example.org", {"status": "verified", "verified_on": "2026-06-01"}),
    ("verified_on", "", {"status": "verified", "verified_by": "supervisor@example.org"}),
    ("verified_on", "yesterday", {"status": "verified", "verified_by": "supervisor@example.org"}),
    ("provider", "ghost@example.org", {}),
    ("provider_name", "x" * 201, {}),
    ("notes", "before\x00after", {}),
    ("provider_name", "Dr\x00Null", {}),
]


@st.composite
def session_rows(draw: st.DrawFn) -> Row:
    day = ENROLLED_FROM + timedelta(days=draw(st.integers(0, (TODAY - ENROLLED_FROM).days)))
    session_format = draw(st.sampled_from(["", "individual", "triadic", "group"]))
    status = draw(st.sampled_from(["", "draft", "submitted", "verified"]))
    cells = {
        "trainee": draw(st.sampled_from(["trainee@example.org", " TRAINEE@Example.org "])),
        "date": day.isoformat(),
        "start_time": draw(st.sampled_from(["", "09:00", "23:59", "00:00"])),
        "duration_minutes": str(draw(st.integers(1, 720))),
        "category": draw(
            st.sampled_from(["client_individual", "personal_therapy", "supervision_individual"])
        ),
        "format": session_format,
        "group_size": str(draw(st.integers(2, 40))) if session_format == "group" else "",
        "modality": draw(st.sampled_from(["", "in_person", "video", "phone"])),
        "provider": "",
        "provider_name": draw(FREE_TEXT.filter(lambda t: len(t.strip()) <= 200)),
        "notes": draw(FREE_TEXT),
        "status": status,
        "verified_by": "supervisor@example.org" if status == "verified" else "",
        "verified_on": day.isoformat() if status == "verified" else "",
    }
    if draw(st.integers(0, 3)) > 0:
        return Row(cells, None)
    column, value, needs = draw(st.sampled_from(SESSION_BAD_CELLS))
    if "format" in needs and needs["format"] != "group":
        cells["group_size"] = ""
    cells.update(needs)
    cells[column] = value
    if column == "provider":
        cells["provider_name"] = ""
    return Row(cells, column)


def _write(header: list[str], rows: list[Row]) -> tuple[str, list[int]]:
    """The CSV text and each row's first line (a quoted line break makes a row span lines)."""
    out = io.StringIO()
    writer = csv.writer(out)  # "\r\n" ends a row, as spreadsheets write it
    writer.writerow(header)
    lines = []
    for row in rows:
        lines.append(out.getvalue().count("\n") + 1)
        writer.writerow([row.cells.get(column, "") for column in header])
    return out.getvalue(), lines


@pytest.fixture
def session_cast(trainee, supervisor, enrollment):
    return trainee


def _stored_sessions() -> list[tuple]:
    return list(
        Session.objects.order_by("pk").values_list(
            "date",
            "duration_minutes",
            "category__key",
            "format",
            "status",
            "provider_name",
            "notes",
        )
    )


@settings(FUZZ, max_examples=150)
@given(
    rows=st.lists(session_rows(), min_size=1, max_size=12),
    column_order=st.permutations(SESSION_COLUMNS),
)
def test_session_import_names_every_bad_row_and_is_all_or_nothing(
    rows, column_order, session_cast, fuzz_cases
):
    header = list(column_order)
    text, lines = _write(header, rows)
    before = _stored_sessions()
    bad = {(line, row.bad_column) for line, row in zip(lines, rows, strict=True) if row.bad_column}
    event("has bad rows" if bad else "all rows valid")

    try:
        result = sessions_import_csv(text=text, source="fuzz.csv", today=TODAY)
    except InputFileError as error:
        # then: every bad row is named by line and column, no valid row is blamed, none stored
        assert bad, error.problems
        found = {(p.line, p.field) for p in error.problems}
        assert bad <= found, (bad, error.problems)
        assert {p.line for p in error.problems} <= {line for line, _ in bad}
        assert all(p.message.strip() for p in error.problems)
        assert _stored_sessions() == before
    else:
        assert not bad, bad
        assert result.created == len(rows)
        added = _stored_sessions()[len(before) :]
        expected = [
            (
                date.fromisoformat(row.cells["date"]),
                int(row.cells["duration_minutes"]),
                row.cells["category"],
                row.cells["format"] or "individual",
                row.cells["status"] or "submitted",
                row.cells["provider_name"].strip(),
                row.cells["notes"].strip(),
            )
            for row in rows
        ]
        assert added == expected
    fuzz_cases["CSV: session import rows"] += len(rows)
    fuzz_cases["CSV: session import files"] += 1


FILE_DAMAGE = [
    "bom",
    "semicolons",
    "missing column",
    "extra column",
    "short row",
    "long row",
    "latin-1",
    "empty",
    "header only",
    "huge field",
]


@settings(FUZZ, max_examples=60)
@given(
    rows=st.lists(session_rows().filter(lambda r: r.bad_column is None), min_size=1, max_size=4),
    damage=st.sampled_from(FILE_DAMAGE),
)
def test_import_command_refuses_damaged_files_clearly_and_imports_nothing(
    rows, damage, session_cast, tmp_path, fuzz_cases
):
    header = list(SESSION_COLUMNS)
    text, _ = _write(header, rows)
    # The command reads with universal newlines: a lone "\r" in a quoted value ends a line too.
    appended_line = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    tail = b""
    if damage == "bom":
        text = "\ufeff" + text  # the command reads utf-8-sig: a BOM must not matter
    elif damage == "semicolons":
        text = text.replace(",", ";")
    elif damage == "missing column":
        text = text.replace("duration_minutes", "duration", 1)
    elif damage == "extra column":
        text = text.replace("\n", ",therapist_ssn\n", 1)
    elif damage == "short row":
        text += "trainee@example.org,2026-06-01\n"
    elif damage == "long row":
        text += ",".join(["x"] * (len(header) + 3)) + "\n"
    elif damage == "latin-1":
        tail = "trainee@example.org,2026-06-01,,60,client_individual,,,Müller\n".encode("latin-1")
    elif damage == "empty":
        text = ""
    elif damage == "header only":
        text = text.splitlines()[0] + "\n"
    elif damage == "huge field":
        text += '"' + "x" * 200_000 + '"\n'
    path = tmp_path / "history.csv"
    path.write_bytes(text.encode() + tail)
    before = _stored_sessions()

    try:
        call_command("import_sessions", str(path), stdout=StringIO())
    except CommandError as error:
        assert damage != "bom", error
        message = str(error)
        assert message.startswith(("Nothing was imported", "Cannot read"))
        if damage in ("short row", "long row"):
            assert f"history.csv:{appended_line}:" in message
        assert _stored_sessions() == before
    else:
        assert damage == "bom"
        assert len(_stored_sessions()) == len(before) + len(rows)
    fuzz_cases["CSV: import_sessions damaged files"] += 1


# --- roster upload ------------------------------------------------------------------------

ROSTER_BAD_CELLS: list[tuple[str, str, dict[str, str]]] = [
    ("email", "", {}),
    ("email", "not-an-email", {}),
    ("email", "=cmd|' /C calc'!A0", {}),
    ("email", "a@b", {}),
    ("email", "x" * 300 + "@example.org", {}),
    ("email", "nul\x00@example.org", {}),
    ("full_name", "x" * 5000, {}),
    ("full_name", "Nul\x00Name", {}),
    ("external_id", "x" * 500, {}),
    ("cohort", "c99", {}),
    ("start_date", "", {}),
    ("start_date", "2026-02-30", {}),
    ("start_date", "01/09/2026", {}),
    ("expected_end_date", "", {}),
    ("expected_end_date", "2026-13-01", {}),
    ("expected_end_date", "2026-08-31", {"start_date": "2026-09-01"}),  # ends before it starts
]


RUNS = itertools.count()


@st.composite
def roster_rows(draw: st.DrawFn) -> Row:
    start = date(2026, 9, 1) + timedelta(days=draw(st.integers(0, 60)))
    cells = {
        # {run} becomes a number unique to the example: examples share one database.
        "email": draw(st.sampled_from(["new{run}-{n}@example.org", " New{run}-{n}@Example.ORG "])),
        "full_name": draw(FREE_TEXT.filter(lambda t: 0 < len(t.strip()) <= 200)),
        "external_id": draw(st.sampled_from(["", "S-{run}-{n}"])),
        "cohort": draw(st.sampled_from(["", "c26"])),
        "start_date": start.isoformat(),
        "expected_end_date": (start + timedelta(days=draw(st.integers(1, 1000)))).isoformat(),
    }
    if draw(st.integers(0, 3)) > 0:
        return Row(cells, None)
    column, value, needs = draw(st.sampled_from(ROSTER_BAD_CELLS))
    cells.update(needs)
    cells[column] = value
    return Row(cells, column)


def _numbered(row: Row, run: int, number: int) -> Row:
    cells = {
        k: v.replace("{run}", str(run)).replace("{n}", str(number)) for k, v in row.cells.items()
    }
    return Row(cells, row.bad_column)


@st.composite
def rosters(draw: st.DrawFn) -> list[Row]:
    count = draw(st.integers(1, 6))
    rows = [_numbered(draw(roster_rows()), next(RUNS), n) for n in range(count)]
    valid_ends = rows[0].bad_column is None and rows[-1].bad_column is None
    if count > 1 and valid_ends and draw(st.integers(0, 5)) == 0:
        # The same person twice: the later line is the bad one.
        rows[-1] = Row({**rows[-1].cells, "email": rows[0].cells["email"].upper()}, "email")
    return rows


@pytest.fixture
def roster_client(client, director, program, enrollment, frozen_today):
    CohortFactory(program=program, slug="c26")
    RequirementSetFactory(program=program)
    client.force_login(director)
    return client


def _roster_state() -> tuple:
    return (
        list(Enrollment.objects.order_by("pk").values_list("pk", flat=True)),
        Invitation.objects.count(),
        len(mail.outbox),
    )


@settings(FUZZ, max_examples=100)
@given(rows=rosters(), bom=st.booleans())
def test_roster_upload_names_every_bad_row_and_is_all_or_nothing(
    rows, bom, roster_client, fuzz_cases
):
    text, lines = _write(list(ROSTER_COLUMNS), rows)
    before = _roster_state()
    bad = {(line, row.bad_column) for line, row in zip(lines, rows, strict=True) if row.bad_column}
    event("has bad rows" if bad else "all rows valid")
    raw = ("\ufeff" if bom else "") + text

    response = roster_client.post(
        "/programs/riverside-mft/enroll/roster/",
        {"roster": SimpleUploadedFile("roster.csv", raw.encode("utf-8"))},
    )

    assert response.status_code in (302, 400)
    if bad:
        assert response.status_code == 400
        problems = response.context["problems"]
        found = {(p.line, p.field) for p in problems}
        assert bad <= found, (bad, problems)
        assert {p.line for p in problems} <= {line for line, _ in bad}
        assert _roster_state() == before
    else:
        assert response.status_code == 302, response.context and response.context.get("problems")
        emails = {row.cells["email"].strip().lower() for row in rows}
        enrolled = set(
            Enrollment.objects.filter(trainee__user__email__in=emails).values_list(
                "trainee__user__email", flat=True
            )
        )
        assert enrolled == emails
        assert len(mail.outbox) == before[2] + len(rows)
    fuzz_cases["CSV: roster rows"] += len(rows)
    fuzz_cases["CSV: roster files"] += 1


ROSTER_DAMAGE = [
    "bare carriage return",
    "huge field",
    "unterminated quote",
    "semicolons",
    "latin-1",
    "missing column",
    "extra column",
    "short row",
    "long row",
    "unquoted comma in a name",
    "empty",
    "header only",
]


@settings(FUZZ, max_examples=60)
@given(
    rows=rosters().filter(lambda rows: all(r.bad_column is None for r in rows)),
    damage=st.sampled_from(ROSTER_DAMAGE),
)
def test_damaged_roster_files_are_refused_clearly_and_enroll_nobody(
    rows, damage, roster_client, fuzz_cases
):
    text, _ = _write(list(ROSTER_COLUMNS), rows)
    appended_line = text.count("\n") + 1
    raw = b""
    good = "late@example.org,Late Comer,,,2026-09-01,2027-09-01"
    if damage == "bare carriage return":
        text += good.replace("Late Comer", "Late\rComer") + "\n"
    elif damage == "huge field":
        text += good.replace("Late Comer", '"' + "x" * 200_000 + '"') + "\n"
    elif damage == "unterminated quote":
        text += good.replace("Late Comer", '"Late Comer') + "\n"
    elif damage == "semicolons":
        text = text.replace(",", ";")
    elif damage == "latin-1":
        raw = (good.replace("Late Comer", "Müller") + "\n").encode("latin-1")
    elif damage == "missing column":
        text = text.replace(",cohort", "", 1)
    elif damage == "extra column":
        text = text.replace("\r\n", ",notes\r\n", 1)
    elif damage == "short row":
        text += "late@example.org,Late Comer,2026-09-01\n"
    elif damage == "long row":
        text += good + ",surplus\n"
    elif damage == "unquoted comma in a name":
        text += good.replace("Late Comer", "Comer, Late") + "\n"
    elif damage == "empty":
        text = ""
    elif damage == "header only":
        text = text.splitlines()[0] + "\n"
    before = _roster_state()

    response = roster_client.post(
        "/programs/riverside-mft/enroll/roster/",
        {"roster": SimpleUploadedFile("roster.csv", text.encode() + raw)},
    )

    assert response.status_code == 400
    problems = response.context.get("problems")
    if damage in ("latin-1", "empty"):  # refused by the form: not UTF-8, or an empty file
        assert response.context["roster_form"].errors["roster"]
    else:
        assert problems and all(p.message.strip() for p in problems)
        if damage in ("bare carriage return", "short row", "long row", "unquoted comma in a name"):
            assert appended_line in {p.line for p in problems}, problems
    assert _roster_state() == before
    fuzz_cases["CSV: roster damaged files"] += 1


def test_the_single_enroll_form_refuses_an_over_long_email_by_field(roster_client):
    # Found with the roster fuzz: an address the validator accepts (up to 320 characters) but
    # the column does not (254) was a 500 on this form too.
    before = _roster_state()

    response = roster_client.post(
        "/programs/riverside-mft/enroll/",
        {
            "email": "x" * 300 + "@example.org",
            "full_name": "Long Address",
            "start_date": "2026-09-01",
            "expected_end_date": "2027-09-01",
        },
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["email"]
    assert _roster_state() == before
