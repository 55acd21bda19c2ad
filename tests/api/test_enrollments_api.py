"""Enrollments over the API: creating them (with the trainee), changing, ending, leaves, supervisor
assignments and compliance with its explanation.

Today is Monday 15 June 2026, noon UTC (frozen). Rules are tests.factories.SIMPLE_DEFINITION:
client_contact needs 600 countersigned minutes of client_individual; therapy_sessions needs 4
personal_therapy sessions. `trainee`'s enrollment runs 2026-01-05..2027-01-03 (364 days), so on
15 June (day 162) 600 x 162 // 364 = 267 minutes and 4 x 162 // 364 = 1 session are expected.
"""

import re
from datetime import date

import pytest

from accounts.models import ApiScope, User
from accounts.services.tokens import api_key_create
from api.v1.enrollments import UNKNOWN_COHORT, UNKNOWN_PROGRAM, UNKNOWN_SUPERVISOR
from programs.models import ActivityCategory, ProgramRole
from tests.api.errors import KEY_LACKS_SCOPE, error, invalid
from tests.factories import (
    CohortFactory,
    LeaveFactory,
    ProgramRoleFactory,
    SessionFactory,
    TraineeFactory,
    UserFactory,
)
from trainees.models import Enrollment, LeaveOfAbsence, SupervisorAssignment, Trainee
from trainees.services.compliance import snapshots_refresh
from trainees.services.enrollments import (
    ALREADY_ENROLLED,
    END_BEFORE_START,
    ENDED_BEFORE_START,
    LEAVE_OUTSIDE_ENROLLMENT,
    LEAVE_OVERLAPS,
    NOT_OPEN,
)

pytestmark = pytest.mark.usefixtures("frozen_today")

ENROLLMENTS = "/api/v1/enrollments/"
STALE = "The resource changed since you read it; fetch it again and retry with its new ETag."
NEW = {
    "trainee_email": "Nia.New@Example.org",
    "trainee_full_name": "Nia New",
    "trainee_external_id": "S-1001",
    "program": "riverside-mft",
    "cohort": "2026-summer",
    "start_date": "2026-06-01",
    "expected_end_date": "2027-05-31",
}


def detail(enrollment_id: int, action: str = "") -> str:
    return f"{ENROLLMENTS}{enrollment_id}/{action}"


@pytest.fixture
def cohort(program):
    return CohortFactory(program=program, slug="2026-summer", name="Summer 2026")


@pytest.fixture
def as_director(api_client, director):
    api_client.force_login(director)
    return api_client


def stored(enrollment: Enrollment) -> dict:
    return Enrollment.objects.filter(pk=enrollment.pk).values().get()


# --- Creating -----------------------------------------------------------------------------------


def test_a_director_enrolls_a_new_trainee_by_email(as_director, program, cohort, enrollment):
    response = as_director.post(ENROLLMENTS, NEW, format="json")

    assert response.status_code == 201
    created = Enrollment.objects.get(trainee__user__email="nia.new@example.org")
    assert response.json() == {
        "id": created.pk,
        "trainee": {
            "id": created.trainee_id,
            "external_id": "S-1001",
            "email": "nia.new@example.org",
            "full_name": "Nia New",
        },
        "program": "riverside-mft",
        "cohort": "2026-summer",
        "requirement_set_version": enrollment.requirement_set.version,
        "start_date": "2026-06-01",
        "expected_end_date": "2027-05-31",
        "status": "active",
        "ended_on": None,
        # Computed and stored on creation: two weeks in, with nothing logged yet.
        "compliance_status": "not_started",
    }
    assert response["Location"] == f"/api/v1/enrollments/{created.pk}/"
    user = User.objects.get(email="nia.new@example.org")
    assert (user.full_name, user.has_usable_password()) == ("Nia New", False)
    assert created.requirement_set == enrollment.requirement_set


def test_enrolling_an_existing_trainee_reuses_them(as_director, program, other_trainee):
    # other_trainee's enrollment is closed, so they may enroll again.
    Enrollment.objects.filter(trainee=other_trainee).update(
        status="completed", ended_on=date(2026, 5, 1)
    )

    response = as_director.post(
        ENROLLMENTS,
        {**NEW, "trainee_email": "OTHER.trainee@example.org", "cohort": None},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["trainee"] == {
        "id": other_trainee.pk,
        "external_id": None,
        "email": "other.trainee@example.org",
        "full_name": "Oli Othertrainee",
    }
    assert Trainee.objects.count() == 1


def test_another_programs_director_cannot_enroll_here(
    api_client, other_director, program, cohort, stored_rows
):
    api_client.force_login(other_director)
    before, users = stored_rows(), User.objects.count()

    response = api_client.post(ENROLLMENTS, NEW, format="json")

    assert response.json() == invalid({"program": [UNKNOWN_PROGRAM]})
    assert stored_rows() == before
    assert User.objects.count() == users


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        pytest.param({"program": "nowhere"}, {"program": [UNKNOWN_PROGRAM]}, id="unknown-program"),
        pytest.param({"cohort": "1999"}, {"cohort": [UNKNOWN_COHORT]}, id="unknown-cohort"),
        pytest.param(
            {"expected_end_date": "2026-06-01"},
            {"expected_end_date": [END_BEFORE_START]},
            id="ends-before-start",
        ),
        pytest.param(
            {"trainee_email": "trainee@example.org"},
            {"non_field_errors": [ALREADY_ENROLLED]},
            id="already-enrolled",
        ),
        pytest.param(
            {"trainee_email": "not-an-email"},
            {"trainee_email": ["Enter a valid email address."]},
            id="bad-email",
        ),
    ],
)
def test_an_invalid_enrollment_creates_nothing(
    as_director, cohort, trainee, stored_rows, changes, fields
):
    before, users = stored_rows(), User.objects.count()

    response = as_director.post(ENROLLMENTS, {**NEW, **changes}, format="json")

    assert response.json() == invalid(fields)
    assert stored_rows() == before
    assert User.objects.count() == users


def test_an_api_key_with_enrollments_write_enrolls(api_client, api_key, cohort, enrollment):
    response = api_client.post(
        ENROLLMENTS, NEW, format="json", HTTP_AUTHORIZATION=f"Api-Key {api_key.raw}"
    )

    assert response.status_code == 201
    assert Enrollment.objects.filter(trainee__user__email="nia.new@example.org").count() == 1


def test_an_api_key_without_enrollments_write_is_refused(api_client, program, cohort, stored_rows):
    scopes = [scope for scope in ApiScope.values if scope != "enrollments:write"]
    _, issued = api_key_create(institution_id=program.institution.pk, name="Reader", scopes=scopes)
    before = stored_rows()

    response = api_client.post(
        ENROLLMENTS, NEW, format="json", HTTP_AUTHORIZATION=f"Api-Key {issued.raw}"
    )

    assert response.status_code == 403
    assert response.json() == error(403, "permission_denied", KEY_LACKS_SCOPE)
    assert stored_rows() == before


def test_an_enrollment_retried_with_its_idempotency_key_is_created_once(
    as_director, cohort, enrollment
):
    first = as_director.post(ENROLLMENTS, NEW, format="json", HTTP_IDEMPOTENCY_KEY="enrol-nia")

    again = as_director.post(ENROLLMENTS, NEW, format="json", HTTP_IDEMPOTENCY_KEY="enrol-nia")

    assert (again.status_code, again.json()) == (201, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert Enrollment.objects.filter(trainee__user__email="nia.new@example.org").count() == 1


# --- Listing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["trainee@example.org", "other.trainee@example.org", "late@example.org"]),
        ({"cohort": "2026-summer"}, ["late@example.org"]),
        ({"status": "withdrawn"}, ["other.trainee@example.org"]),
        ({"external_id": "S-7"}, ["late@example.org"]),
        ({"program": "elsewhere-psy"}, []),
    ],
)
def test_the_enrollment_list_filters(
    as_director, enrollment, other_trainee, cohort, other_program, query, expected
):
    Enrollment.objects.filter(trainee=other_trainee).update(
        status="withdrawn", ended_on=date(2026, 5, 1)
    )
    late = TraineeFactory(user=UserFactory(email="late@example.org"), external_id="S-7")
    late_enrollment = Enrollment.objects.create(
        trainee=late,
        program=enrollment.program,
        cohort=cohort,
        requirement_set=enrollment.requirement_set,
        start_date=date(2026, 6, 1),
        expected_end_date=date(2027, 5, 31),
    )

    response = as_director.get(ENROLLMENTS, query)

    assert response.status_code == 200
    assert [e["trainee"]["email"] for e in response.json()["results"]] == expected
    assert late_enrollment.pk > enrollment.pk  # results come in id order


def test_an_unknown_status_filter_is_a_field_error(as_director, enrollment):
    response = as_director.get(ENROLLMENTS, {"status": "graduated"})

    assert response.json() == invalid(
        {"status": ["Select a valid choice. graduated is not one of the available choices."]}
    )


# --- Changing -----------------------------------------------------------------------------------


def test_a_director_moves_the_expected_end_date_with_if_match(as_director, enrollment):
    etag = as_director.get(detail(enrollment.pk))["ETag"]

    response = as_director.patch(
        detail(enrollment.pk),
        {"expected_end_date": "2027-03-31"},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 200
    assert response.json()["expected_end_date"] == "2027-03-31"
    assert response["ETag"] != etag
    enrollment.refresh_from_db()
    assert enrollment.expected_end_date == date(2027, 3, 31)


def test_a_stale_if_match_changes_nothing(as_director, enrollment, cohort):
    stale = as_director.get(detail(enrollment.pk))["ETag"]
    as_director.patch(detail(enrollment.pk), {"cohort": "2026-summer"}, format="json")
    before = stored(enrollment)

    response = as_director.patch(
        detail(enrollment.pk),
        {"expected_end_date": "2027-03-31"},
        format="json",
        HTTP_IF_MATCH=stale,
    )

    assert response.status_code == 412
    assert response.json() == error(412, "precondition_failed", STALE)
    assert stored(enrollment) == before


def test_the_cohort_is_set_and_cleared(as_director, enrollment, cohort):
    assert as_director.patch(
        detail(enrollment.pk), {"cohort": "2026-summer"}, format="json"
    ).json()["cohort"] == ("2026-summer")

    cleared = as_director.patch(detail(enrollment.pk), {"cohort": None}, format="json")

    assert cleared.json()["cohort"] is None
    assert as_director.patch(detail(enrollment.pk), {"cohort": "1999"}, format="json").json() == (
        invalid({"cohort": [UNKNOWN_COHORT]})
    )


def test_completing_an_enrollment(as_director, enrollment):
    response = as_director.post(
        detail(enrollment.pk, "complete/"), {"on": "2026-06-12"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["ended_on"]) == ("completed", "2026-06-12")


def test_withdrawing_an_enrollment_records_the_reason(as_director, enrollment):
    response = as_director.post(
        detail(enrollment.pk, "withdraw/"),
        {"on": "2026-06-12", "reason": "Moved away"},
        format="json",
    )

    assert (response.json()["status"], response.json()["ended_on"]) == ("withdrawn", "2026-06-12")
    assert enrollment.history.first().history_change_reason == "withdrawn: Moved away"


@pytest.mark.parametrize(
    ("action", "body", "fields"),
    [
        ("complete/", {"on": "2026-01-04"}, {"ended_on": [ENDED_BEFORE_START]}),
        ("withdraw/", {}, {"on": ["This field is required."]}),
    ],
)
def test_an_enrollment_cannot_end_wrongly(as_director, enrollment, action, body, fields):
    before = stored(enrollment)

    response = as_director.post(detail(enrollment.pk, action), body, format="json")

    assert response.json() == invalid(fields)
    assert stored(enrollment) == before


def test_an_ended_enrollment_cannot_be_changed(as_director, enrollment):
    as_director.post(detail(enrollment.pk, "complete/"), {"on": "2026-06-12"}, format="json")
    before = stored(enrollment)

    responses = [
        as_director.post(detail(enrollment.pk, "withdraw/"), {"on": "2026-06-13"}, format="json"),
        as_director.patch(
            detail(enrollment.pk), {"expected_end_date": "2027-03-31"}, format="json"
        ),
    ]

    assert [r.json() for r in responses] == [invalid({"non_field_errors": [NOT_OPEN]})] * 2
    assert stored(enrollment) == before


# --- Leaves and supervisors ---------------------------------------------------------------------


def test_a_leave_is_added_and_listed(as_director, enrollment):
    response = as_director.post(
        detail(enrollment.pk, "leaves/"),
        {"start_date": "2026-07-01", "end_date": "2026-07-31", "reason": "Parental leave"},
        format="json",
    )

    assert response.status_code == 201
    leave = LeaveOfAbsence.objects.get()
    expected = {
        "id": leave.pk,
        "start_date": "2026-07-01",
        "end_date": "2026-07-31",
        "reason": "Parental leave",
    }
    assert response.json() == expected
    assert as_director.get(detail(enrollment.pk, "leaves/")).json() == [expected]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"start_date": "2026-03-15", "end_date": "2026-04-15"}, {"start_date": [LEAVE_OVERLAPS]}),
        (
            {"start_date": "2026-12-20", "end_date": "2027-01-20"},
            {"start_date": [LEAVE_OUTSIDE_ENROLLMENT]},
        ),
        (
            {"start_date": "2026-07-10", "end_date": "2026-07-01"},
            {"end_date": ["A leave cannot end before it starts."]},
        ),
    ],
)
def test_a_wrong_leave_is_refused(as_director, enrollment, body, fields):
    LeaveFactory(enrollment=enrollment)  # March 2026

    response = as_director.post(detail(enrollment.pk, "leaves/"), body, format="json")

    assert response.json() == invalid(fields)
    assert LeaveOfAbsence.objects.count() == 1


def test_a_supervisor_is_assigned_and_listed(as_director, enrollment, program, supervisor):
    second = UserFactory(email="second.supervisor@example.org")
    ProgramRoleFactory(program=program, user=second, role=ProgramRole.Role.SUPERVISOR)

    response = as_director.post(
        detail(enrollment.pk, "supervisors/"),
        {"supervisor": "Second.Supervisor@example.org", "starts_on": "2026-06-15"},
        format="json",
    )

    assert response.status_code == 201
    assignment = SupervisorAssignment.objects.get(supervisor=second)
    assert response.json() == {
        "id": assignment.pk,
        "supervisor": "second.supervisor@example.org",
        "starts_on": "2026-06-15",
        "ends_on": None,
    }
    listed = as_director.get(detail(enrollment.pk, "supervisors/")).json()
    assert [(a["supervisor"], a["starts_on"]) for a in listed] == [
        ("supervisor@example.org", "2026-01-05"),
        ("second.supervisor@example.org", "2026-06-15"),
    ]


@pytest.mark.parametrize(
    "email",
    ["director@example.org", "nobody@example.org", "other.director@example.org"],
)
def test_only_a_supervisor_of_the_program_can_be_assigned(
    as_director, enrollment, other_director, email
):
    response = as_director.post(
        detail(enrollment.pk, "supervisors/"),
        {"supervisor": email, "starts_on": "2026-06-15"},
        format="json",
    )

    assert response.json() == invalid({"supervisor": [UNKNOWN_SUPERVISOR]})
    assert SupervisorAssignment.objects.count() == 1


# --- Compliance ---------------------------------------------------------------------------------


def client_contact(**changes) -> dict:
    requirement = {
        "key": "client_contact",
        "name": "Client contact",
        "kind": "total",
        "unit": "minutes",
        "required": 600,
        "credited": 0,
        "capped_off": 0,
        "expected_by_now": 267,
        "status": "behind",
        "advisory": False,
        "projected_completion": None,
        "excluded": [],
        "explanation": [],
        "periods": [],
        "periods_missed": 0,
        "needed_this_period": None,
        "limit": "at_least",
        "waiver": None,
    }
    requirement.update(changes)
    return requirement


def therapy_sessions(**changes) -> dict:
    return {
        **client_contact(),
        "key": "therapy_sessions",
        "name": "Personal therapy sessions",
        "unit": "sessions",
        "required": 4,
        "expected_by_now": 1,
        **changes,
    }


@pytest.fixture
def verified(trainee, supervisor):
    return SessionFactory(
        trainee=trainee,
        date=date(2026, 6, 1),
        status="verified",
        verified_by=supervisor,
        verified_at="2026-06-02T10:00:00Z",
    )


def test_compliance_comes_with_its_explanation(api_client, enrollment, supervisor, verified):
    api_client.force_login(supervisor)

    response = api_client.get(detail(enrollment.pk, "compliance/"))

    assert response.status_code == 200
    assert response.json() == {
        "enrollment_id": enrollment.pk,
        "as_of": "2026-06-15",
        "status": "behind",
        "requirements": [
            client_contact(
                credited=50,
                # 50 minutes in 162 days: 550 more at that pace take 1,782 days.
                projected_completion="2031-05-02",
                explanation=[
                    {
                        "session_id": verified.pk,
                        "date": "2026-06-01",
                        "category": "client_individual",
                        "input": 50,
                        "credited": 50,
                        "steps": [],
                        "role": "credit",
                    }
                ],
            ),
            therapy_sessions(),
        ],
    }


def test_compliance_as_of_a_past_date_is_computed_for_that_date(api_client, enrollment, verified):
    api_client.force_login(enrollment.trainee.user)

    response = api_client.get(detail(enrollment.pk, "compliance/"), {"as_of": "2026-03-01"})

    # 1 March is day 56 of 364: 600 x 56 // 364 = 92 minutes expected; June's session is later.
    assert response.json() == {
        "enrollment_id": enrollment.pk,
        "as_of": "2026-03-01",
        "status": "behind",
        "requirements": [
            client_contact(
                expected_by_now=92,
                excluded=[
                    {
                        "session_id": verified.pk,
                        "date": "2026-06-01",
                        "category": "client_individual",
                        "minutes": 50,
                        "reason": "after_as_of",
                    }
                ],
            ),
            therapy_sessions(expected_by_now=0, status="on_track"),
        ],
    }


def test_a_current_snapshot_answers_like_a_fresh_computation(api_client, enrollment, verified):
    api_client.force_login(enrollment.trainee.user)
    computed = api_client.get(detail(enrollment.pk, "compliance/")).json()

    snapshots_refresh(enrollments=[enrollment])
    stored_answer = api_client.get(detail(enrollment.pk, "compliance/")).json()

    assert stored_answer == computed


def test_a_malformed_as_of_is_a_field_error(api_client, enrollment):
    api_client.force_login(enrollment.trainee.user)

    response = api_client.get(detail(enrollment.pk, "compliance/"), {"as_of": "June"})

    assert response.json() == invalid({"as_of": ["Use a date as YYYY-MM-DD."]})


def test_enrollment_etags_are_strong_and_quoted(as_director, enrollment):
    assert re.fullmatch(r'"[0-9a-f]{32}"', as_director.get(detail(enrollment.pk))["ETag"])


def test_staff_see_private_categories_only_as_totals(api_client, enrollment, director, supervisor):
    therapy = SessionFactory(
        trainee=enrollment.trainee,
        date=date(2026, 6, 3),
        category=ActivityCategory.objects.get(key="personal_therapy"),
        status="verified",
        verified_by=supervisor,
        verified_at="2026-06-04T10:00:00Z",
    )
    api_client.force_login(director)

    requirement = api_client.get(detail(enrollment.pk, "compliance/")).json()["requirements"][1]

    assert (requirement["key"], requirement["credited"]) == ("therapy_sessions", 1)
    assert therapy.pk not in [entry["session_id"] for entry in requirement["explanation"]]
    assert requirement["explanation"] == [
        {
            "category": "personal_therapy",
            "role": "credit",
            "session_id": None,
            "date": None,
            "private": True,
            "sessions": 1,
            "input": 1,
            "credited": 1,
        }
    ]


def test_the_trainee_sees_their_private_sessions_one_by_one(api_client, enrollment, supervisor):
    therapy = SessionFactory(
        trainee=enrollment.trainee,
        date=date(2026, 6, 3),
        category=ActivityCategory.objects.get(key="personal_therapy"),
        status="verified",
        verified_by=supervisor,
        verified_at="2026-06-04T10:00:00Z",
    )
    api_client.force_login(enrollment.trainee.user)

    requirement = api_client.get(detail(enrollment.pk, "compliance/")).json()["requirements"][1]

    assert [(e["session_id"], e["date"], e["credited"]) for e in requirement["explanation"]] == [
        (therapy.pk, "2026-06-03", 1)
    ]
