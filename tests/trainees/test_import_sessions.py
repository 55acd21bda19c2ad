from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.problems import InputFileError
from trainees.models import ComplianceSnapshot, Session
from trainees.services.imports import sessions_import_csv
from trainees.services.session_rules import (
    CATEGORY_NOT_IN_PROGRAM,
    DURATION_RANGE,
    FUTURE_DATE,
    GROUP_SIZE_ONLY_FOR_GROUPS,
    GROUP_SIZE_REQUIRED,
    NO_ENROLLMENT_ON_DATE,
)

TODAY = date(2026, 6, 15)
HEADER = "trainee,date,start_time,duration_minutes,category,format,group_size,status,verified_by,verified_on,notes\n"


def _import(text: str):
    return sessions_import_csv(text=text, source="history.csv", today=TODAY)


@pytest.mark.django_db
def test_a_clean_file_imports_every_row_and_refreshes_compliance(trainee, supervisor, enrollment):
    text = HEADER + (
        "trainee@example.org,2026-02-02,09:00,60,client_individual,,,verified,supervisor@example.org,2026-02-03,\n"
        "trainee@example.org,2026-02-03,,90,client_individual,group,6,submitted,,,\n"
        'TRAINEE@example.org,2026-02-04,,50,personal_therapy,,,draft,,,"my notes, with a comma"\n'
    )

    result = _import(text)

    assert (result.created, result.trainees) == (3, 1)
    rows = list(
        Session.objects.order_by("date").values_list(
            "date",
            "duration_minutes",
            "format",
            "group_size",
            "status",
            "verified_by__email",
            "notes",
        )
    )
    assert rows == [
        (date(2026, 2, 2), 60, "individual", None, "verified", "supervisor@example.org", ""),
        (date(2026, 2, 3), 90, "group", 6, "submitted", None, ""),
        (date(2026, 2, 4), 50, "individual", None, "draft", None, "my notes, with a comma"),
    ]
    snapshot = ComplianceSnapshot.objects.get(enrollment=enrollment)
    client_contact = next(
        r for r in snapshot.result["requirements"] if r["key"] == "client_contact"
    )
    assert client_contact["credited"] == 60


@pytest.mark.django_db
def test_trainees_are_found_by_external_id(trainee, enrollment):
    trainee.external_id = "S-1001"
    trainee.save()
    assert _import(HEADER + "S-1001,2026-02-02,,60,client_individual,,,,,,\n").created == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "nobody@example.org,2026-02-02,,60,client_individual,,,,,,",
            "history.csv:2: trainee: no trainee with email or external id 'nobody@example.org'",
        ),
        (
            "trainee@example.org,02/02/2026,,60,client_individual,,,,,,",
            "history.csv:2: date: '02/02/2026' is not a date (YYYY-MM-DD)",
        ),
        (
            "trainee@example.org,2026-06-16,,60,client_individual,,,,,,",
            f"history.csv:2: date: {FUTURE_DATE}",
        ),
        (
            "trainee@example.org,2025-12-31,,60,client_individual,,,,,,",
            f"history.csv:2: date: {NO_ENROLLMENT_ON_DATE}",
        ),
        (
            "trainee@example.org,2026-02-02,9am,60,client_individual,,,,,,",
            "history.csv:2: start_time: '9am' is not a time (HH:MM)",
        ),
        (
            "trainee@example.org,2026-02-02,,0,client_individual,,,,,,",
            f"history.csv:2: duration_minutes: {DURATION_RANGE}",
        ),
        (
            "trainee@example.org,2026-02-02,,721,client_individual,,,,,,",
            f"history.csv:2: duration_minutes: {DURATION_RANGE}",
        ),
        (
            "trainee@example.org,2026-02-02,,1.5,client_individual,,,,,,",
            "history.csv:2: duration_minutes: '1.5' is not a whole number of minutes",
        ),
        (
            "trainee@example.org,2026-02-02,,60,client_indvidual,,,,,,",
            "history.csv:2: category: unknown category 'client_indvidual'",
        ),
        (
            "trainee@example.org,2026-02-02,,60,assessment,,,,,,",
            f"history.csv:2: category: {CATEGORY_NOT_IN_PROGRAM}",
        ),
        (
            "trainee@example.org,2026-02-02,,60,client_individual,group,,,,,",
            f"history.csv:2: group_size: {GROUP_SIZE_REQUIRED}",
        ),
        (
            "trainee@example.org,2026-02-02,,60,client_individual,,4,,,,",
            f"history.csv:2: group_size: {GROUP_SIZE_ONLY_FOR_GROUPS}",
        ),
        (
            "trainee@example.org,2026-02-02,,60,client_individual,pairs,,,,,",
            "history.csv:2: format: must be one of individual, triadic, group",
        ),
        (
            "trainee@example.org,2026-02-02,,60,client_individual,,,approved,,,",
            "history.csv:2: status: must be one of draft, submitted, verified",
        ),
        (
            "trainee@example.org,2026-02-02,,60,client_individual,,,verified,,2026-02-03,",
            "history.csv:2: verified_by: a verified session needs the email of a user who countersigned it",
        ),
        (
            "trainee@example.org,2026-02-02,,60,client_individual,,,verified,supervisor@example.org,,",
            "history.csv:2: verified_on: a verified session needs the date it was countersigned",
        ),
        ("trainee@example.org,2026-02-02,,60", "history.csv:2: 4 values for 11 columns"),
        (",2026-02-02,,60,client_individual,,,,,,", "history.csv:2: trainee: is required"),
    ],
)
def test_each_bad_row_is_named_by_line_and_column(trainee, supervisor, enrollment, row, problem):
    with pytest.raises(InputFileError) as error:
        _import(HEADER + row + "\n")
    assert [str(p) for p in error.value.problems] == [problem]
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_one_bad_row_imports_nothing_and_every_problem_is_listed(trainee, enrollment):
    text = HEADER + (
        "trainee@example.org,2026-02-02,,60,client_individual,,,,,,\n"
        "\n"
        'trainee@example.org,2026-02-03,,60,client_individual,,,,,,"a note\nover two lines"\n'
        "trainee@example.org,2026-02-05,,0,client_individual,,,,,,\n"
        "trainee@example.org,2026-02-06,,60,nothing,,,,,,\n"
    )

    with pytest.raises(InputFileError) as error:
        _import(text)

    assert [str(p) for p in error.value.problems] == [
        f"history.csv:6: duration_minutes: {DURATION_RANGE}",
        "history.csv:7: category: unknown category 'nothing'",
    ]
    assert Session.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "trainee,date,category\nx,2026-01-01,y\n",
            "history.csv:1: missing column(s): duration_minutes",
        ),
        (HEADER.strip() + ",mood\n", "history.csv:1: unknown column(s): mood"),
        (HEADER, "history.csv: no rows to import"),
    ],
)
def test_header_problems_are_reported(text, problem):
    with pytest.raises(InputFileError) as error:
        _import(text)
    assert [str(p) for p in error.value.problems] == [problem]


@pytest.mark.django_db
def test_the_command_reports_problems_and_imports_nothing(
    tmp_path, trainee, enrollment, frozen_today
):
    path = tmp_path / "history.csv"
    path.write_text(HEADER + "trainee@example.org,2026-02-02,,0,client_individual,,,,,,\n")

    with pytest.raises(CommandError) as error:
        call_command("import_sessions", str(path))

    assert (
        str(error.value)
        == f"Nothing was imported; 1 problem(s):\n{path}:2: duration_minutes: {DURATION_RANGE}"
    )
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_the_command_imports_a_good_file(tmp_path, trainee, enrollment, frozen_today):
    path = tmp_path / "history.csv"
    path.write_text(
        "\ufeff" + HEADER + "trainee@example.org,2026-02-02,,60,client_individual,,,,,,\n"
    )
    out = StringIO()

    call_command("import_sessions", str(path), stdout=out)

    assert out.getvalue() == "Imported 1 session(s) for 1 trainee(s).\n"


@pytest.mark.django_db
def test_imported_sessions_have_history(trainee, enrollment):
    _import(HEADER + "trainee@example.org,2026-02-02,,60,client_individual,,,,,,\n")
    session = Session.objects.get()
    assert list(session.history.values_list("history_type", "history_change_reason")) == [
        ("+", "imported")
    ]
