"""The database itself refuses impossible rows, whatever path the write takes (bulk, update, admin).

Each write that bypasses the services runs in its own `transaction.atomic()`, so the failed
statement is rolled back and the test can show the stored row is unchanged.
"""

from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, connection, transaction

from programs.models import ActivityCategory, Program, ProgramCategory, RequirementSet
from tests.factories import (
    EnrollmentFactory,
    LeaveFactory,
    RequirementSetFactory,
    SessionFactory,
    SupervisorAssignmentFactory,
    TraineeFactory,
    UserFactory,
)
from trainees.models import Enrollment, LeaveOfAbsence, Session, Trainee

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def violates(constraint: str, *unique_columns: str):
    """pytest.raises for one named constraint.

    PostgreSQL names every violated constraint; SQLite names check constraints but reports a
    unique one by its columns, so those are passed too.
    """
    if connection.vendor == "sqlite" and unique_columns:
        return pytest.raises(
            IntegrityError, match=f"UNIQUE constraint failed: {', '.join(unique_columns)}"
        )
    return pytest.raises(IntegrityError, match=constraint)


def session_row(session: Session) -> dict:
    return Session.objects.filter(pk=session.pk).values().get()


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        pytest.param({"duration_minutes": 0}, "session_duration_1_to_720_minutes", id="0-min"),
        pytest.param({"duration_minutes": 721}, "session_duration_1_to_720_minutes", id="721-min"),
        pytest.param({"group_size": 3}, "session_group_size_iff_group", id="size-without-group"),
        pytest.param({"format": "group"}, "session_group_size_iff_group", id="group-without-size"),
        pytest.param(
            {"format": "group", "group_size": 1}, "session_group_size_iff_group", id="group-of-one"
        ),
        pytest.param({"status": "verified"}, "session_verified_has_verifier", id="verified-bare"),
        pytest.param(
            {"status": "verified", "verified_at": NOW},
            "session_verified_has_verifier",
            id="verified-without-verifier",
        ),
        pytest.param(
            {"status": "verified", "verified_by": "supervisor"},
            "session_verified_has_verifier",
            id="verified-without-time",
        ),
        pytest.param(
            {"status": "rejected"}, "session_rejected_has_reason", id="rejected-no-reason"
        ),
        pytest.param(
            {"provider": "supervisor", "provider_name": "Dr Outside"},
            "session_one_kind_of_provider",
            id="two-providers",
        ),
    ],
)
def test_database_refuses_an_impossible_session_update(trainee, supervisor, changes, constraint):
    session = SessionFactory(trainee=trainee)
    before = session_row(session)
    changes = {
        key: supervisor if value == "supervisor" else value for key, value in changes.items()
    }

    with violates(constraint), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(**changes)

    assert session_row(session) == before


@pytest.mark.parametrize("minutes", [0, 721])
def test_database_refuses_a_bulk_created_session_of_impossible_length(trainee, minutes):
    session = Session(
        trainee=trainee,
        date=date(2026, 2, 2),
        duration_minutes=minutes,
        category=ActivityCategory.objects.get(key="client_individual"),
    )

    with violates("session_duration_1_to_720_minutes"), transaction.atomic():
        Session.objects.bulk_create([session])

    assert Session.objects.count() == 0


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"duration_minutes": 1}, id="1-min"),
        pytest.param({"duration_minutes": 720}, id="720-min"),
        pytest.param({"format": "group", "group_size": 2}, id="group-of-two"),
        pytest.param(
            {"status": "verified", "verified_by": "supervisor", "verified_at": NOW}, id="verified"
        ),
        pytest.param({"status": "rejected", "rejection_reason": "Wrong date."}, id="rejected"),
        pytest.param({"provider": "supervisor"}, id="provider-with-account"),
    ],
)
def test_database_accepts_the_edges(trainee, supervisor, changes):
    session = SessionFactory(trainee=trainee)
    changes = {
        key: supervisor if value == "supervisor" else value for key, value in changes.items()
    }

    with transaction.atomic():
        updated = Session.objects.filter(pk=session.pk).update(**changes)

    assert updated == 1


def test_database_refuses_an_enrollment_ending_before_it_starts(trainee, program):
    with violates("enrollment_end_after_start"), transaction.atomic():
        EnrollmentFactory(
            trainee=TraineeFactory(),
            program=program,
            start_date=date(2026, 1, 5),
            expected_end_date=date(2026, 1, 5),
        )

    assert Enrollment.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        pytest.param(
            {"status": "completed"}, "enrollment_ended_on_matches_status", id="completed-no-date"
        ),
        pytest.param(
            {"status": "withdrawn"}, "enrollment_ended_on_matches_status", id="withdrawn-no-date"
        ),
        pytest.param(
            {"ended_on": date(2026, 6, 1)}, "enrollment_ended_on_matches_status", id="active-ended"
        ),
        pytest.param(
            {"status": "completed", "ended_on": date(2026, 1, 4)},
            "enrollment_ended_on_after_start",
            id="ended-before-start",
        ),
    ],
)
def test_database_refuses_an_inconsistent_ending(enrollment, changes, constraint):
    with violates(constraint), transaction.atomic():
        Enrollment.objects.filter(pk=enrollment.pk).update(**changes)

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.ended_on) == ("active", None)


@pytest.mark.parametrize("status", ["active", "on_leave"])
def test_database_refuses_a_second_open_enrollment_in_one_program(trainee, program, status):
    unique = ("trainees_enrollment.trainee_id", "trainees_enrollment.program_id")

    with violates("enrollment_one_open_per_program", *unique), transaction.atomic():
        EnrollmentFactory(trainee=trainee, program=program, status=status)

    assert Enrollment.objects.filter(trainee=trainee, program=program).count() == 1


def test_database_allows_re_enrolling_after_an_enrollment_ended(trainee, program, enrollment):
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status="withdrawn", ended_on=date(2026, 3, 1)
    )

    EnrollmentFactory(trainee=trainee, program=program, start_date=date(2026, 6, 1))

    assert Enrollment.objects.filter(trainee=trainee, program=program).count() == 2


def test_database_refuses_a_leave_ending_before_it_starts(enrollment):
    with violates("leave_end_not_before_start"), transaction.atomic():
        LeaveFactory(
            enrollment=enrollment, start_date=date(2026, 3, 31), end_date=date(2026, 3, 30)
        )

    assert LeaveOfAbsence.objects.count() == 0


def test_database_accepts_a_one_day_leave(enrollment):
    LeaveFactory(enrollment=enrollment, start_date=date(2026, 3, 31), end_date=date(2026, 3, 31))

    assert LeaveOfAbsence.objects.count() == 1


def test_database_refuses_an_assignment_ending_before_it_starts(enrollment, supervisor):
    with violates("assignment_end_not_before_start"), transaction.atomic():
        SupervisorAssignmentFactory(
            enrollment=enrollment,
            supervisor=supervisor,
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 2, 28),
        )

    assert enrollment.supervisor_assignments.count() == 1


def test_database_refuses_a_week_starting_on_an_eighth_day(program):
    with violates("program_week_start_is_weekday"), transaction.atomic():
        Program.objects.filter(pk=program.pk).update(week_start=7)

    program.refresh_from_db()
    assert program.week_start == 0


def test_database_refuses_requirement_set_version_0_or_a_repeated_version(program):
    RequirementSetFactory(program=program, version=1)
    unique = ("programs_requirementset.program_id", "programs_requirementset.version")

    with violates("requirement_set_version_positive"), transaction.atomic():
        RequirementSetFactory(program=program, version=0)
    with violates("requirement_set_version_unique", *unique), transaction.atomic():
        RequirementSetFactory(program=program, version=1)

    assert list(
        RequirementSet.objects.filter(program=program).values_list("version", flat=True)
    ) == [1]


def test_database_refuses_a_category_setting_twice_for_one_program(program):
    unique = ("programs_programcategory.program_id", "programs_programcategory.category_id")
    before = ProgramCategory.objects.filter(program=program).count()

    with violates("program_category_unique", *unique), transaction.atomic():
        ProgramCategory.objects.create(
            program=program, category=ActivityCategory.objects.get(key="client_individual")
        )

    assert ProgramCategory.objects.filter(program=program).count() == before == 3


def test_database_refuses_a_repeated_external_id_but_allows_many_without(db):
    TraineeFactory(external_id="S-1001")
    TraineeFactory(external_id=None)
    TraineeFactory(external_id=None)

    with (
        violates("trainee_external_id_unique", "trainees_trainee.external_id"),
        transaction.atomic(),
    ):
        TraineeFactory(external_id="S-1001", user=UserFactory())

    assert Trainee.objects.count() == 3
