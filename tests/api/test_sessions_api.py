"""Sessions over the API: logging, validation, idempotent retries, optimistic concurrency, the
countersigning workflow, and privacy of personal therapy.

Today is Monday 15 June 2026, noon UTC (frozen). `trainee` is enrolled in `program`
(2026-01-05..2027-01-03) and supervised by `supervisor`; in the factory program
`personal_therapy` is a private category.
"""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services.tokens import personal_token_create
from api.idempotency import KEY_MISMATCH
from programs.models import ActivityCategory, ProgramRole
from tests.api.errors import PEOPLE_ONLY, error, invalid, not_found
from tests.factories import ProgramRoleFactory, SessionFactory, UserFactory
from trainees.models import Session, SessionStatus
from trainees.services.session_rules import (
    CATEGORY_NOT_IN_PROGRAM,
    FUTURE_DATE,
    GROUP_SIZE_ONLY_FOR_GROUPS,
    GROUP_SIZE_REQUIRED,
    NO_ENROLLMENT_ON_DATE,
)
from trainees.services.sessions import ALREADY_WITHDRAWN, NOT_EDITABLE, NOT_WITHDRAWN

pytestmark = pytest.mark.usefixtures("frozen_today")

SESSIONS = "/api/v1/sessions/"
NOW = "2026-06-15T12:00:00Z"
LOG = {"date": "2026-06-01", "duration_minutes": 50, "category": "client_individual"}
STRONG_ETAG = re.compile(r'^"[0-9a-f]{32}"$')
STALE = "The resource changed since you read it; fetch it again and retry with its new ETag."


def detail(session_id: int) -> str:
    return f"{SESSIONS}{session_id}/"


def as_person(api_client, user):
    api_client.force_login(user)
    return api_client


def stored(session_id: int) -> dict:
    return Session.objects.filter(pk=session_id).values().get()


def draft_body(session_id: int, trainee_id: int, **changes) -> dict:
    body = {
        "id": session_id,
        "trainee": trainee_id,
        "date": "2026-06-01",
        "start_time": None,
        "duration_minutes": 50,
        "category": "client_individual",
        "format": "individual",
        "group_size": None,
        "modality": "in_person",
        "provider": None,
        "provider_name": "",
        "notes": "",
        "status": "draft",
        "submitted_at": None,
        "verified_by": None,
        "verified_at": None,
        "verification_method": None,
        "confirmed_by_name": None,
        "rejection_reason": "",
        "withdrawn": False,
        "withdrawn_at": None,
        "created_at": NOW,
        "updated_at": NOW,
    }
    body.update(changes)
    return body


# --- Logging ------------------------------------------------------------------------------------


def test_a_trainee_logs_a_session(api_client, trainee):
    response = as_person(api_client, trainee.user).post(SESSIONS, LOG, format="json")

    assert response.status_code == 201
    session = Session.objects.get()
    assert response.json() == draft_body(session.pk, trainee.pk)
    assert response["Location"] == f"/api/v1/sessions/{session.pk}/"
    assert STRONG_ETAG.match(response["ETag"])
    assert api_client.get(detail(session.pk))["ETag"] == response["ETag"]
    assert "Idempotent-Replayed" not in response


def test_a_session_can_be_submitted_as_it_is_logged(api_client, trainee):
    response = as_person(api_client, trainee.user).post(
        SESSIONS,
        {
            **LOG,
            "start_time": "09:30",
            "modality": "video",
            "notes": "First client",
            "submit": True,
        },
        format="json",
    )

    assert response.status_code == 201
    session = Session.objects.get()
    assert response.json() == draft_body(
        session.pk,
        trainee.pk,
        start_time="09:30:00",
        modality="video",
        notes="First client",
        status="submitted",
        submitted_at=NOW,
    )


def test_a_session_names_its_provider_by_email(api_client, trainee, supervisor):
    response = as_person(api_client, trainee.user).post(
        SESSIONS, {**LOG, "provider": "SUPERVISOR@example.org"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["provider"] == "supervisor@example.org"
    assert Session.objects.get().provider == supervisor


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        pytest.param({"date": "2026-06-16"}, {"date": [FUTURE_DATE]}, id="future-date"),
        pytest.param({"date": "2025-12-31"}, {"date": [NO_ENROLLMENT_ON_DATE]}, id="not-enrolled"),
        pytest.param(
            {"date": "15/06/2026"},
            {"date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
            id="date-format",
        ),
        pytest.param(
            {"duration_minutes": 0},
            {"duration_minutes": ["Ensure this value is greater than or equal to 1."]},
            id="duration-zero",
        ),
        pytest.param(
            {"duration_minutes": 721},
            {"duration_minutes": ["Ensure this value is less than or equal to 720."]},
            id="duration-over-12h",
        ),
        pytest.param(
            {"format": "group"}, {"group_size": [GROUP_SIZE_REQUIRED]}, id="group-no-size"
        ),
        pytest.param(
            {"group_size": 4}, {"group_size": [GROUP_SIZE_ONLY_FOR_GROUPS]}, id="size-no-group"
        ),
        pytest.param(
            {"category": "astrology"},
            {"category": ['No activity category has the key "astrology".']},
            id="unknown-category",
        ),
        pytest.param(
            {"category": "client_child"},
            {"category": [CATEGORY_NOT_IN_PROGRAM]},
            id="category-not-in-program",
        ),
        pytest.param(
            {"provider": "stranger@example.org"},
            {"provider": ["No supervisor or director of your programs has this email."]},
            id="unknown-provider",
        ),
        pytest.param(
            {"modality": "telepathy"},
            {"modality": ['"telepathy" is not a valid choice.']},
            id="unknown-modality",
        ),
    ],
)
def test_an_invalid_session_is_refused_with_the_field_named(api_client, trainee, changes, fields):
    response = as_person(api_client, trainee.user).post(SESSIONS, {**LOG, **changes}, format="json")

    assert response.status_code == 400
    assert response.json() == invalid(fields)
    assert Session.objects.count() == 0


def test_missing_fields_are_each_named(api_client, trainee):
    response = as_person(api_client, trainee.user).post(SESSIONS, {}, format="json")

    assert response.json() == invalid(
        {
            "date": ["This field is required."],
            "duration_minutes": ["This field is required."],
            "category": ["This field is required."],
        }
    )


def test_someone_who_is_not_a_trainee_cannot_log(api_client, director):
    response = as_person(api_client, director).post(SESSIONS, LOG, format="json")

    assert response.json() == invalid({"non_field_errors": ["Only trainees log sessions."]})
    assert Session.objects.count() == 0


def test_api_keys_cannot_log_sessions(api_client, trainee, api_key):
    response = api_client.post(
        SESSIONS, LOG, format="json", HTTP_AUTHORIZATION=f"Api-Key {api_key.raw}"
    )

    assert response.status_code == 403
    assert response.json() == error(403, "permission_denied", PEOPLE_ONLY)
    assert Session.objects.count() == 0


@pytest.mark.parametrize(
    ("method", "action", "body"),
    [
        ("patch", "", {"duration_minutes": 60}),
        ("post", "submit/", None),
        ("post", "countersign/", None),
        ("post", "reject/", {"reason": "No"}),
        ("post", "withdraw/", {}),
        ("post", "restore/", None),
    ],
)
def test_api_keys_cannot_change_sessions(api_client, trainee, api_key, method, action, body):
    session = SessionFactory(trainee=trainee, date=date(2026, 6, 1))
    before = stored(session.pk)

    response = getattr(api_client, method)(
        f"{detail(session.pk)}{action}",
        body,
        format="json",
        HTTP_AUTHORIZATION=f"Api-Key {api_key.raw}",
    )

    assert response.status_code == 403
    assert response.json() == error(403, "permission_denied", PEOPLE_ONLY)
    assert stored(session.pk) == before


# --- Idempotency-Key ----------------------------------------------------------------------------


def test_a_retry_with_the_same_key_and_body_replays_the_answer(api_client, trainee):
    as_person(api_client, trainee.user)
    first = api_client.post(SESSIONS, LOG, format="json", HTTP_IDEMPOTENCY_KEY="log-1")

    again = api_client.post(SESSIONS, LOG, format="json", HTTP_IDEMPOTENCY_KEY="log-1")

    assert Session.objects.count() == 1
    assert (again.status_code, again.json()) == (201, first.json())
    assert again["Location"] == first["Location"]
    assert again["ETag"] == first["ETag"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first


def test_the_same_key_with_another_body_is_a_conflict(api_client, trainee):
    as_person(api_client, trainee.user)
    api_client.post(SESSIONS, LOG, format="json", HTTP_IDEMPOTENCY_KEY="log-1")
    before = stored(Session.objects.get().pk)

    response = api_client.post(
        SESSIONS, {**LOG, "duration_minutes": 55}, format="json", HTTP_IDEMPOTENCY_KEY="log-1"
    )

    assert response.status_code == 409
    assert response.json() == error(409, "conflict", KEY_MISMATCH)
    assert Session.objects.count() == 1
    assert stored(before["id"]) == before


def test_different_keys_log_different_sessions(api_client, trainee):
    as_person(api_client, trainee.user)
    api_client.post(SESSIONS, LOG, format="json", HTTP_IDEMPOTENCY_KEY="log-1")
    api_client.post(SESSIONS, LOG, format="json", HTTP_IDEMPOTENCY_KEY="log-2")

    assert Session.objects.count() == 2


def test_idempotency_keys_belong_to_one_caller(api_client, trainee, other_trainee):
    as_person(api_client, trainee.user).post(
        SESSIONS, LOG, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )

    response = as_person(api_client, other_trainee.user).post(
        SESSIONS, LOG, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert response.json()["trainee"] == other_trainee.pk
    assert sorted(Session.objects.values_list("trainee_id", flat=True)) == sorted(
        [trainee.pk, other_trainee.pk]
    )


def test_a_refused_request_is_not_remembered_so_the_corrected_one_goes_through(api_client, trainee):
    # A validation error rolls back with the work it guarded: the key stays free for the fix.
    as_person(api_client, trainee.user)
    refused = api_client.post(
        SESSIONS, {**LOG, "date": "2026-06-16"}, format="json", HTTP_IDEMPOTENCY_KEY="log-1"
    )
    assert refused.json() == invalid({"date": [FUTURE_DATE]})

    corrected = api_client.post(SESSIONS, LOG, format="json", HTTP_IDEMPOTENCY_KEY="log-1")

    assert corrected.status_code == 201
    assert "Idempotent-Replayed" not in corrected
    assert Session.objects.count() == 1


def test_an_overlong_idempotency_key_is_refused(api_client, trainee):
    response = as_person(api_client, trainee.user).post(
        SESSIONS, LOG, format="json", HTTP_IDEMPOTENCY_KEY="k" * 256
    )

    assert response.status_code == 409
    assert response.json() == error(
        409, "conflict", "The Idempotency-Key may be at most 255 characters."
    )
    assert Session.objects.count() == 0


def test_a_state_change_is_idempotent_too(api_client, trainee, supervisor):
    session = SessionFactory(trainee=trainee, date=date(2026, 6, 1), status="submitted")
    as_person(api_client, supervisor)
    first = api_client.post(
        f"{detail(session.pk)}countersign/", format="json", HTTP_IDEMPOTENCY_KEY="sign-1"
    )

    again = api_client.post(
        f"{detail(session.pk)}countersign/", format="json", HTTP_IDEMPOTENCY_KEY="sign-1"
    )

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert Session.history.filter(id=session.pk, history_change_reason="countersigned").count() == 1


# --- If-Match -----------------------------------------------------------------------------------


@pytest.fixture
def logged(api_client, trainee):
    """A draft the trainee logged through the API; the client is signed in as the trainee."""
    response = as_person(api_client, trainee.user).post(
        SESSIONS, {**LOG, "notes": "Intake"}, format="json"
    )
    return Session.objects.get(pk=response.json()["id"])


def test_an_edit_with_the_current_etag_succeeds(api_client, logged, trainee):
    etag = api_client.get(detail(logged.pk))["ETag"]

    response = api_client.patch(
        detail(logged.pk), {"duration_minutes": 60}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 200
    assert response.json() == draft_body(logged.pk, trainee.pk, duration_minutes=60, notes="Intake")
    assert response["ETag"] != etag
    assert response["ETag"] == api_client.get(detail(logged.pk))["ETag"]


def test_an_edit_with_a_stale_etag_is_refused_and_changes_nothing(api_client, logged, frozen_today):
    stale = api_client.get(detail(logged.pk))["ETag"]
    api_client.patch(detail(logged.pk), {"notes": "Intake, second part"}, format="json")
    before = stored(logged.pk)

    response = api_client.patch(
        detail(logged.pk), {"duration_minutes": 60}, format="json", HTTP_IF_MATCH=stale
    )

    assert response.status_code == 412
    assert response.json() == error(412, "precondition_failed", STALE)
    assert stored(logged.pk) == before


def test_a_state_change_with_a_stale_etag_is_refused(api_client, logged):
    stale = api_client.get(detail(logged.pk))["ETag"]
    api_client.patch(detail(logged.pk), {"notes": "Changed"}, format="json")
    before = stored(logged.pk)

    response = api_client.post(f"{detail(logged.pk)}submit/", HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert stored(logged.pk) == before


def test_a_submitted_session_cannot_be_edited(api_client, logged):
    api_client.post(f"{detail(logged.pk)}submit/")
    before = stored(logged.pk)

    response = api_client.patch(detail(logged.pk), {"duration_minutes": 60}, format="json")

    assert response.json() == invalid({"non_field_errors": [NOT_EDITABLE]})
    assert stored(logged.pk) == before


# --- The countersigning workflow ----------------------------------------------------------------


def test_submitted_then_countersigned_is_verified(api_client, logged, trainee, supervisor):
    submitted = api_client.post(f"{detail(logged.pk)}submit/")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_at"] == NOW

    response = as_person(api_client, supervisor).post(f"{detail(logged.pk)}countersign/")

    assert response.status_code == 200
    assert response.json() == draft_body(
        logged.pk,
        trainee.pk,
        notes=None,  # the supervisor never receives private details
        provider_name=None,
        status="verified",
        submitted_at=NOW,
        verified_by="supervisor@example.org",
        verified_at=NOW,
        verification_method="countersign",
    )
    assert Session.objects.get().status == SessionStatus.VERIFIED


def test_a_supervisor_who_does_not_supervise_it_cannot_countersign(api_client, logged, program):
    api_client.post(f"{detail(logged.pk)}submit/")
    stranger = UserFactory(email="stranger@example.org")
    ProgramRoleFactory(program=program, user=stranger, role=ProgramRole.Role.SUPERVISOR)
    before = stored(logged.pk)

    response = as_person(api_client, stranger).post(f"{detail(logged.pk)}countersign/")

    # The session is outside this supervisor's scope, so it is not found at all.
    assert response.json() == not_found()
    assert stored(logged.pk) == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"reason": ["This field is required."]}),
        ({"reason": "   "}, {"reason": ["This field may not be blank."]}),
    ],
)
def test_a_rejection_needs_a_reason(api_client, logged, supervisor, body, fields):
    api_client.post(f"{detail(logged.pk)}submit/")
    before = stored(logged.pk)

    response = as_person(api_client, supervisor).post(
        f"{detail(logged.pk)}reject/", body, format="json"
    )

    assert response.json() == invalid(fields)
    assert stored(logged.pk) == before


def test_a_rejected_session_goes_back_to_the_trainee(api_client, logged, trainee, supervisor):
    api_client.post(f"{detail(logged.pk)}submit/")

    response = as_person(api_client, supervisor).post(
        f"{detail(logged.pk)}reject/", {"reason": "It was 45 minutes"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["rejection_reason"]) == (
        "rejected",
        "It was 45 minutes",
    )
    # The trainee corrects it (back to draft) and submits again.
    as_person(api_client, trainee.user)
    corrected = api_client.patch(detail(logged.pk), {"duration_minutes": 45}, format="json")
    assert corrected.json()["status"] == "draft"
    resubmitted = api_client.post(f"{detail(logged.pk)}submit/")
    assert (resubmitted.json()["status"], resubmitted.json()["rejection_reason"]) == (
        "submitted",
        "",
    )


def test_a_withdrawn_session_can_be_restored(api_client, logged):
    withdrawn = api_client.post(
        f"{detail(logged.pk)}withdraw/", {"reason": "Logged twice"}, format="json"
    )
    assert withdrawn.status_code == 200
    assert (withdrawn.json()["withdrawn"], withdrawn.json()["withdrawn_at"]) == (True, NOW)
    assert stored(logged.pk)["withdrawal_reason"] == "Logged twice"

    restored = api_client.post(f"{detail(logged.pk)}restore/")

    assert restored.status_code == 200
    assert (restored.json()["withdrawn"], restored.json()["withdrawn_at"]) == (False, None)
    assert (restored.json()["status"], stored(logged.pk)["withdrawal_reason"]) == ("draft", "")


def test_withdrawing_twice_or_restoring_a_live_session_is_refused(api_client, logged):
    live = stored(logged.pk)
    assert api_client.post(f"{detail(logged.pk)}restore/").json() == invalid(
        {"non_field_errors": [NOT_WITHDRAWN]}
    )
    assert stored(logged.pk) == live
    api_client.post(f"{detail(logged.pk)}withdraw/")
    withdrawn = stored(logged.pk)

    response = api_client.post(f"{detail(logged.pk)}withdraw/")

    assert response.json() == invalid({"non_field_errors": [ALREADY_WITHDRAWN]})
    assert stored(logged.pk) == withdrawn


def test_the_list_filters_by_status_and_withdrawal(api_client, trainee):
    kept = SessionFactory(trainee=trainee, date=date(2026, 6, 2), status="draft")
    SessionFactory(
        trainee=trainee,
        date=date(2026, 6, 3),
        status="draft",
        withdrawn_at="2026-06-04T00:00:00Z",
    )
    as_person(api_client, trainee.user)

    live = api_client.get(SESSIONS, {"withdrawn": "false", "status": "draft"}).json()["results"]

    assert [s["id"] for s in live] == [kept.pk]


# --- Privacy ------------------------------------------------------------------------------------


@pytest.fixture
def private_and_plain(trainee):
    """One client session and one personal-therapy session, both with private details."""
    plain = SessionFactory(
        trainee=trainee, date=date(2026, 6, 1), provider_name="Dr Plain", notes="Client A, intake"
    )
    therapy = SessionFactory(
        trainee=trainee,
        date=date(2026, 6, 2),
        category_id=_category_id("personal_therapy"),
        provider_name="Dr Secret",
        notes="We talked about my mother",
    )
    return plain, therapy


def _category_id(key: str) -> int:
    return ActivityCategory.objects.get(key=key).pk


@pytest.fixture(params=["supervisor", "director", "api_key"])
def staff_client(request, api_client):
    """The client signed in as someone who is not the trainee but may see their records."""
    if request.param == "api_key":
        key = request.getfixturevalue("api_key")
        api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key.raw}")
    else:
        api_client.force_login(request.getfixturevalue(request.param))
    return api_client


def test_staff_and_keys_never_receive_private_details(staff_client, private_and_plain):
    plain, _ = private_and_plain

    listed = staff_client.get(SESSIONS)
    shown = staff_client.get(detail(plain.pk))

    assert [(s["id"], s["notes"], s["provider_name"]) for s in listed.json()["results"]] == [
        (plain.pk, None, None)
    ]
    assert (shown.json()["notes"], shown.json()["provider_name"]) == (None, None)
    for response in (listed, shown):
        text = response.content.decode()
        assert "Dr Plain" not in text
        assert "Client A" not in text
        assert "Dr Secret" not in text
        assert "mother" not in text


def test_staff_and_keys_do_not_find_private_category_sessions(staff_client, private_and_plain):
    _, therapy = private_and_plain

    response = staff_client.get(detail(therapy.pk))
    filtered = staff_client.get(SESSIONS, {"category": "personal_therapy"})

    assert response.status_code == 404
    assert response.json() == not_found()
    assert filtered.json() == {"next": None, "previous": None, "results": []}


def test_the_trainee_sees_their_own_private_details(api_client, trainee, private_and_plain):
    plain, therapy = private_and_plain
    as_person(api_client, trainee.user)

    listed = api_client.get(SESSIONS).json()["results"]

    assert [(s["id"], s["category"], s["notes"], s["provider_name"]) for s in listed] == [
        (therapy.pk, "personal_therapy", "We talked about my mother", "Dr Secret"),
        (plain.pk, "client_individual", "Client A, intake", "Dr Plain"),
    ]
    assert api_client.get(detail(therapy.pk)).json()["notes"] == "We talked about my mother"


def test_logging_a_session_takes_six_statements(api_client, trainee):
    """Logging is the hottest write: credential, trainee lock, enrollment check, the row, its
    history, the pending snapshot refresh; nothing else (savepoints stand in for BEGIN/COMMIT
    inside the test's transaction)."""
    _, issued = personal_token_create(user=trainee.user, name="phone")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")
    # The first request also records the token's use and creates the refresh request.
    assert api_client.post(SESSIONS, LOG, format="json").status_code == 201

    with CaptureQueriesContext(connection) as queries:
        response = api_client.post(SESSIONS, {**LOG, "date": "2026-06-02"}, format="json")

    assert response.status_code == 201
    statements = [" ".join(q["sql"].split()[:4]) for q in queries.captured_queries]
    assert [re.sub(r'"s\d+_x\d+"', "sp", s) for s in statements] == [
        'SELECT "accounts_personaltoken"."id", "accounts_personaltoken"."user_id", '
        '"accounts_personaltoken"."name",',
        "SAVEPOINT sp",
        "SELECT id, user_id, external_id",
        "SELECT EXISTS ( SELECT",
        'INSERT INTO "trainees_session" ("trainee_id",',
        'INSERT INTO "trainees_historicalsession" ("id",',
        "UPDATE trainees_snapshotrefreshrequest SET requested_at",
        "RELEASE SAVEPOINT sp",
    ]
