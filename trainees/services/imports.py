"""Importing historical sessions from CSV: every row checked, all or nothing.

Columns (header row required; order free; extra columns are an error so typos are caught):

  trainee          email or external id of the trainee                    required
  date             YYYY-MM-DD                                              required
  start_time       HH:MM                                                   optional
  duration_minutes whole minutes, 1..720                                   required
  category         category key (e.g. client_individual)                   required
  format           individual | triadic | group (default individual)       optional
  group_size       participants, required for group format                 optional
  modality         in_person | video | phone (default in_person)           optional
  provider         email of a provider with an account                     optional
  provider_name    name of a provider without an account                   optional
  notes            private notes                                           optional
  status           draft | submitted | verified (default submitted)        optional
  verified_by      email of the countersigning user, required if verified  optional
  verified_on      YYYY-MM-DD, required if verified                        optional
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from core.csv_input import csv_rows
from core.problems import InputFileError, Problem
from programs.models import ActivityCategory, ProgramCategory
from trainees.models import Enrollment, Session, SessionFormat, SessionModality, Trainee
from trainees.services.compliance import snapshots_refresh
from trainees.services.session_rules import Coverage, session_problems

REQUIRED_COLUMNS = ("trainee", "date", "duration_minutes", "category")
OPTIONAL_COLUMNS = (
    "start_time",
    "format",
    "group_size",
    "modality",
    "provider",
    "provider_name",
    "notes",
    "status",
    "verified_by",
    "verified_on",
)
IMPORT_STATUSES = ("draft", "submitted", "verified")


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    trainees: int


class _Lookups:
    """Everything rows refer to, loaded once, so a 100,000-row file costs a handful of queries."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        refs = {r.get("trainee", "").strip().lower() for r in rows} | {
            r.get("trainee", "").strip() for r in rows
        }
        self.trainees: dict[str, Trainee] = {}
        for trainee in Trainee.objects.select_related("user").filter(
            Q(user__email__in=refs) | Q(external_id__in=refs)
        ):
            self.trainees[trainee.user.email.lower()] = trainee
            if trainee.external_id:
                self.trainees[trainee.external_id] = trainee
        emails = {
            r.get(c, "").strip().lower() for r in rows for c in ("provider", "verified_by")
        } - {""}
        self.users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
        self.categories = {c.key: c for c in ActivityCategory.objects.all()}
        self.enrollments: dict[int, list[Enrollment]] = {}
        for e in Enrollment.objects.filter(trainee__in={t.pk for t in self.trainees.values()}):
            self.enrollments.setdefault(e.trainee_id, []).append(e)
        self.program_categories = set(
            ProgramCategory.objects.values_list("program_id", "category_id")
        )

    def coverage(self, trainee: Trainee) -> Coverage:
        """The trainee's enrollment coverage from the loaded rows (session_rules.Coverage)."""

        def answer(on: date, category_id: int | None) -> list[bool]:
            return [
                (e.program_id, category_id) in self.program_categories
                for e in self.enrollments.get(trainee.pk, [])
                if e.start_date <= on <= (e.ended_on or e.expected_end_date)
            ]

        return answer


class _Row:
    """One row's cells, read with every problem recorded by column (never raised one by one)."""

    def __init__(self, row: dict[str, str]) -> None:
        self.value = {k: (v or "").strip() for k, v in row.items() if k is not None}
        self.errors: list[tuple[str, str]] = []
        # PostgreSQL refuses NUL in text with a database error at insert; caught here, it is
        # reported by line and column like any other bad cell.
        unreadable = {field for field in self.value if "\x00" in self.value[field]}
        for field in sorted(unreadable):
            self.errors.append((field, "contains a NUL character"))
            self.value[field] = ""
        for field in REQUIRED_COLUMNS:
            if not self.value.get(field) and field not in unreadable:
                self.errors.append((field, "is required"))

    def get(self, field: str) -> str:
        return self.value.get(field, "")

    def parsed(self, field: str, parse: Any, message: str) -> Any:
        if not self.value.get(field):
            return None
        try:
            return parse(self.value[field])
        except ValueError:
            self.errors.append((field, message.format(self.value[field])))
            return None

    def choice(self, field: str, default: str, allowed: list[str] | tuple[str, ...]) -> str:
        chosen = self.value.get(field) or default
        if chosen not in allowed:
            self.errors.append((field, f"must be one of {', '.join(allowed)}"))
        return chosen

    def found(self, field: str, found: Any, message: str) -> Any:
        """`found` looked up from the cell; a named but unknown one is a problem."""
        if self.value.get(field) and found is None:
            self.errors.append((field, message.format(self.value[field])))
        return found


def _parse_row(
    row: dict[str, str], lookups: _Lookups, today: date
) -> tuple[Session | None, list[tuple[str, str]]]:
    cells = _Row(row)
    named = cells.get("trainee")
    trainee = cells.found(
        "trainee",
        lookups.trainees.get(named.lower()) or lookups.trainees.get(named),
        "no trainee with email or external id {!r}",
    )
    day = cells.parsed("date", date.fromisoformat, "{!r} is not a date (YYYY-MM-DD)")
    start = cells.parsed("start_time", time.fromisoformat, "{!r} is not a time (HH:MM)")
    minutes = cells.parsed("duration_minutes", int, "{!r} is not a whole number of minutes")
    group_size = cells.parsed("group_size", int, "{!r} is not a whole number")
    verified_on = cells.parsed("verified_on", date.fromisoformat, "{!r} is not a date (YYYY-MM-DD)")
    category = cells.found(
        "category", lookups.categories.get(cells.get("category")), "unknown category {!r}"
    )
    session_format = cells.choice("format", SessionFormat.INDIVIDUAL, SessionFormat.values)
    modality = cells.choice("modality", SessionModality.IN_PERSON, SessionModality.values)
    status = cells.choice("status", "submitted", IMPORT_STATUSES)
    provider = cells.found(
        "provider", lookups.users.get(cells.get("provider").lower()), "no user with email {!r}"
    )
    verifier = None
    if status == "verified":
        verifier = lookups.users.get(cells.get("verified_by").lower())
        if verifier is None:
            cells.errors.append(
                ("verified_by", "a verified session needs the email of a user who countersigned it")
            )
        if verified_on is None:
            cells.errors.append(
                ("verified_on", "a verified session needs the date it was countersigned")
            )
    if cells.errors:
        return None, cells.errors
    assert trainee is not None and category is not None and minutes is not None and day is not None
    stamp = datetime.combine(verified_on, time(12), tzinfo=UTC) if verified_on else None
    session = Session(
        trainee=trainee,
        date=day,
        start_time=start,
        duration_minutes=minutes,
        category=category,
        format=session_format,
        group_size=group_size,
        modality=modality,
        provider=provider,
        provider_name=cells.get("provider_name"),
        notes=cells.get("notes"),
        status=status,
        submitted_at=stamp or (datetime.now(UTC) if status != "draft" else None),
        verified_by=verifier,
        verified_at=stamp if status == "verified" else None,
    )
    # The rules every session obeys, with the messages the log form and the API give.
    problems = session_problems(session, today=today, coverage=lookups.coverage(trainee))
    if problems:
        return None, [
            (field, message) for field, messages in problems.items() for message in messages
        ]
    return session, []


def sessions_import_csv(*, text: str, source: str, today: date) -> ImportResult:
    """Import sessions from CSV text. All or nothing: any bad row raises InputFileError listing
    every problem by line and column, and nothing is written."""
    rows, problems = csv_rows(
        text=text, source=source, columns=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS
    )
    if not rows and not problems:
        raise InputFileError([Problem(source, None, "", "no rows to import")])
    lookups = _Lookups([row for _, row in rows])
    sessions: list[Session] = []
    for line, row in rows:
        session, errors = _parse_row(row, lookups, today)
        for field, message in errors:
            problems.append(Problem(source, line, field, message))
        if session is not None:
            sessions.append(session)
    if problems:
        raise InputFileError(problems)
    with transaction.atomic():
        # With history rows, like every other change to a session.
        bulk_create_with_history(
            sessions, Session, batch_size=2000, default_change_reason="imported"
        )
        touched = {s.trainee_id for s in sessions}
        snapshots_refresh(
            enrollments=Enrollment.objects.filter(trainee_id__in=touched).select_related(
                "program", "requirement_set"
            )
        )
    return ImportResult(created=len(sessions), trainees=len(touched))
