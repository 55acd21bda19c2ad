"""The authorization matrix: every API operation x every kind of caller x an object of ours and one
of theirs, with the exact status expected. Deny by default; outside scope is 404, never 403.

The world: `program` (institution riverside) has a director, a supervisor assigned to `trainee`,
and `other_trainee`; `other_program` (institution elsewhere) has `other_director`, a supervisor of
its own and an outsider trainee. Each program has a cohort, a requirement set, each institution a
webhook subscription, and each trainee one client session and the trainee and outsider one
attestation (neither of a private category). Keys: one of
riverside with every scope, one of riverside with only `webhooks:manage` (the scope only the
webhook operations need), one of elsewhere.

For an operation on an object the cell is `(ours, theirs)`: the status when it targets riverside's
object (the trainee's session, enrollment, ...) and when it targets elsewhere's. For a list the
cell is the set of things the caller sees, or the status that refuses them. A refused write must
leave every stored row as it was.

`test_every_api_operation_is_in_the_matrix` fails when a route or method exists that this table
does not list.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from accounts.services import api_key_create
from programs.models import ActivityCategory, Program, ProgramCategory, ProgramRole
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    ProgramRoleFactory,
    SessionFactory,
    SupervisorAssignmentFactory,
    TraineeFactory,
    UserFactory,
)
from trainees.models import Attestation, Enrollment, Session, SessionStatus, Trainee
from trainees.services.attestations import attestation_upload
from webhooks.models import WebhookSubscription
from webhooks.services import subscription_create

pytestmark = pytest.mark.usefixtures("frozen_today")

PEOPLE = ("trainee", "other_trainee", "supervisor", "director", "other_director")
KEYS = ("key", "key_without_scope", "other_key")
PERSONAS = ("anonymous", *PEOPLE, *KEYS)
TARGETS = ("ours", "theirs")


@dataclass
class World:
    people: dict[str, User]
    keys: dict[str, str]
    program: dict[str, Program]
    trainee: dict[str, Trainee]
    enrollment: dict[str, Enrollment]
    session: dict[str, Session]
    supervisor_email: dict[str, str]
    webhook: dict[str, WebhookSubscription]
    attestation: dict[str, Attestation]


@pytest.fixture
def world(
    program,
    other_program,
    trainee,
    other_trainee,
    supervisor,
    director,
    other_director,
    api_key,
    other_api_key,
    settings,
    tmp_path,
) -> World:
    settings.MEDIA_ROOT = tmp_path
    outsider = TraineeFactory(
        user=UserFactory(email="outsider@example.org", full_name="Una Outsider")
    )
    outsider_enrollment = EnrollmentFactory(trainee=outsider, program=other_program)
    other_supervisor = UserFactory(email="other.supervisor@example.org")
    ProgramRoleFactory(
        program=other_program, user=other_supervisor, role=ProgramRole.Role.SUPERVISOR
    )
    SupervisorAssignmentFactory(
        enrollment=outsider_enrollment, supervisor=other_supervisor, starts_on=date(2026, 1, 5)
    )
    CohortFactory(program=program, slug="riverside-2026")
    CohortFactory(program=other_program, slug="elsewhere-2026")
    sessions = {
        "ours": SessionFactory(trainee=trainee, date=date(2026, 6, 1)),
        "theirs": SessionFactory(trainee=outsider, date=date(2026, 6, 1)),
    }
    SessionFactory(trainee=other_trainee, date=date(2026, 6, 1))
    # Both programs verify supervision by attestation (not a private category).
    ProgramCategory.objects.filter(category__key=ATTESTED).update(verification="attestation")
    attestations = {
        "ours": attest(trainee),
        "theirs": attest(outsider),
    }
    _, scopeless = api_key_create(
        institution=program.institution, name="Webhooks only", scopes=["webhooks:manage"]
    )
    return World(
        people={
            "trainee": trainee.user,
            "other_trainee": other_trainee.user,
            "supervisor": supervisor,
            "director": director,
            "other_director": other_director,
        },
        keys={
            "key": api_key.raw,
            "key_without_scope": scopeless.raw,
            "other_key": other_api_key.raw,
        },
        program={"ours": program, "theirs": other_program},
        trainee={"ours": trainee, "theirs": outsider},
        enrollment={
            "ours": trainee.enrollments.get(),
            "theirs": outsider_enrollment,
        },
        session=sessions,
        supervisor_email={"ours": supervisor.email, "theirs": other_supervisor.email},
        webhook={
            "ours": subscription_create(
                institution=program.institution, url=WEBHOOK_URLS["ours"], events=WEBHOOK_EVENTS
            ),
            "theirs": subscription_create(
                institution=other_program.institution,
                url=WEBHOOK_URLS["theirs"],
                events=WEBHOOK_EVENTS,
            ),
        },
        attestation=attestations,
    )


WEBHOOK_URLS = {
    "ours": "https://hooks.riverside.example/countersign",
    "theirs": "https://hooks.elsewhere.example/countersign",
}
WEBHOOK_EVENTS = ["enrollment.status_changed", "requirement.status_changed", "session.verified"]


ATTESTED = "supervision_individual"
PDF = b"%PDF-1.4\n%a letter\n"


def attest(trainee: Trainee) -> Attestation:
    return attestation_upload(
        trainee=trainee,
        actor=trainee.user,
        category=ActivityCategory.objects.get(key=ATTESTED),
        period_start=date(2026, 1, 5),
        period_end=date(2026, 5, 31),
        upload=SimpleUploadedFile("letter.pdf", PDF),
        minutes=600,
    )


# How an operation finds its object, what it sends, and the state the target sessions need.
PathArgs = Callable[[World, str], dict[str, Any]]
Body = Callable[[World, str], Any]


def by_program(w: World, t: str) -> dict[str, Any]:
    return {"slug": w.program[t].slug}


def by_version(w: World, t: str) -> dict[str, Any]:
    return {"slug": w.program[t].slug, "version": w.enrollment[t].requirement_set.version}


def by_trainee(w: World, t: str) -> dict[str, Any]:
    return {"pk": w.trainee[t].pk}


def by_enrollment(w: World, t: str) -> dict[str, Any]:
    return {"pk": w.enrollment[t].pk}


def by_session(w: World, t: str) -> dict[str, Any]:
    return {"pk": w.session[t].pk}


def by_webhook(w: World, t: str) -> dict[str, Any]:
    return {"pk": w.webhook[t].pk}


def new_webhook(w: World, t: str) -> dict[str, Any]:
    return {
        "url": "https://hooks.example.net/new",
        "events": ["session.verified"],
        "institution": w.program[t].institution.slug,
    }


def by_attestation(w: World, t: str) -> dict[str, Any]:
    return {"pk": w.attestation[t].pk}


def new_attestation(w: World, t: str) -> dict[str, Any]:
    return {
        "category": ATTESTED,
        "period_start": "2026-06-01",
        "period_end": "2026-06-14",
        "sessions": "2",
        "file": SimpleUploadedFile("june.pdf", PDF),
    }


def program_file(w: World, t: str) -> dict[str, Any]:
    program = w.program[t]
    return {
        "content": f"""\
format: 1
institution:
  slug: {program.institution.slug}
  name: {program.institution.name}
program:
  slug: {program.slug}
  name: {program.name}
  time_zone: UTC
  week_start: monday
categories:
  - key: client_individual
  - key: personal_therapy
    private: true
    verification: self_report
  - key: supervision_individual
requirements:
  - key: client_contact
    name: Client contact
    kind: total
    unit: hours
    minimum: 12
    counts:
      - categories: [client_individual]
"""
    }


def new_enrollment(w: World, t: str) -> dict[str, Any]:
    return {
        "trainee_email": "new.trainee@example.org",
        "program": w.program[t].slug,
        "start_date": "2026-06-01",
        "expected_end_date": "2027-06-01",
    }


def new_assignment(w: World, t: str) -> dict[str, Any]:
    return {"supervisor": w.supervisor_email[t], "starts_on": "2026-06-01"}


def constant(body: Any) -> Body:
    return lambda w, t: body


@dataclass(frozen=True)
class Operation:
    path_args: PathArgs | None = None
    body: Body | None = None
    session_state: str = "draft"  # "submitted" or "withdrawn": how the target sessions start
    format: str = "json"  # or "multipart" for uploads


OPERATIONS: dict[tuple[str, str], Operation] = {
    ("health", "GET"): Operation(),
    ("schema", "GET"): Operation(),
    ("docs", "GET"): Operation(),
    ("institution-list", "GET"): Operation(),
    ("program-list", "GET"): Operation(),
    ("program-detail", "GET"): Operation(by_program),
    ("cohort-list", "GET"): Operation(by_program),
    ("requirement-set-list", "GET"): Operation(by_program),
    ("requirement-set-list", "POST"): Operation(by_program, program_file),
    ("requirement-set-detail", "GET"): Operation(by_version),
    ("program-report", "GET"): Operation(by_program),
    ("trainee-list", "GET"): Operation(),
    ("trainee-detail", "GET"): Operation(by_trainee),
    ("enrollment-list", "GET"): Operation(),
    ("enrollment-list", "POST"): Operation(None, new_enrollment),
    ("enrollment-detail", "GET"): Operation(by_enrollment),
    ("enrollment-detail", "PATCH"): Operation(
        by_enrollment, constant({"expected_end_date": "2027-02-01"})
    ),
    ("enrollment-complete", "POST"): Operation(by_enrollment, constant({"on": "2026-06-10"})),
    ("enrollment-withdraw", "POST"): Operation(by_enrollment, constant({"on": "2026-06-10"})),
    ("enrollment-leaves", "GET"): Operation(by_enrollment),
    ("enrollment-leaves", "POST"): Operation(
        by_enrollment, constant({"start_date": "2026-07-01", "end_date": "2026-07-14"})
    ),
    ("enrollment-supervisors", "GET"): Operation(by_enrollment),
    ("enrollment-supervisors", "POST"): Operation(by_enrollment, new_assignment),
    ("enrollment-compliance", "GET"): Operation(by_enrollment),
    ("session-list", "GET"): Operation(),
    ("session-list", "POST"): Operation(
        None,
        constant({"date": "2026-06-02", "duration_minutes": 50, "category": "client_individual"}),
    ),
    ("session-detail", "GET"): Operation(by_session),
    ("session-detail", "PATCH"): Operation(by_session, constant({"duration_minutes": 60})),
    ("session-submit", "POST"): Operation(by_session),
    ("session-countersign", "POST"): Operation(by_session, session_state="submitted"),
    ("session-reject", "POST"): Operation(
        by_session, constant({"reason": "Wrong date"}), session_state="submitted"
    ),
    ("session-withdraw", "POST"): Operation(by_session, constant({"reason": "Duplicate"})),
    ("session-restore", "POST"): Operation(by_session, session_state="withdrawn"),
    ("attestation-list", "GET"): Operation(),
    ("attestation-list", "POST"): Operation(None, new_attestation, format="multipart"),
    ("attestation-download", "GET"): Operation(by_attestation),
    ("webhook-list", "GET"): Operation(),
    ("webhook-list", "POST"): Operation(None, new_webhook),
    ("webhook-detail", "DELETE"): Operation(by_webhook),
    ("webhook-deliveries", "GET"): Operation(by_webhook),
}

# --- Expected statuses -----------------------------------------------------------------------

OPEN_TO_ALL = dict.fromkeys(PERSONAS, 200)

# A program's description: anyone with a role or an enrollment in it, and its institution's keys.
PROGRAM_READ = {
    "anonymous": (401, 401),
    "trainee": (200, 404),
    "other_trainee": (200, 404),
    "supervisor": (200, 404),
    "director": (200, 404),
    "other_director": (404, 200),
    "key": (200, 404),
    "key_without_scope": (403, 403),
    "other_key": (404, 200),
}


def managers(ok: int) -> dict[str, tuple[int, int]]:
    """Changes to a program and its enrollments, and its report: directors and keys only."""
    return {
        "anonymous": (401, 401),
        "trainee": (404, 404),
        "other_trainee": (404, 404),
        "supervisor": (404, 404),
        "director": (ok, 404),
        "other_director": (404, ok),
        "key": (ok, 404),
        "key_without_scope": (403, 403),
        "other_key": (404, ok),
    }


# A trainee's records: the trainee, their supervisor, their program's director, its keys.
RECORD_READ = {
    "anonymous": (401, 401),
    "trainee": (200, 404),
    "other_trainee": (404, 404),
    "supervisor": (200, 404),
    "director": (200, 404),
    "other_director": (404, 200),
    "key": (200, 404),
    "key_without_scope": (403, 403),
    "other_key": (404, 200),
}

# What only the trainee does to their own session. Staff who can see it are refused (403: they
# know it exists); keys never act for a person (403 before any lookup).
TRAINEES_OWN_ACT = {
    "anonymous": (401, 401),
    "trainee": (200, 404),
    "other_trainee": (404, 404),
    "supervisor": (403, 404),
    "director": (403, 404),
    "other_director": (404, 403),
    "key": (403, 403),
    "key_without_scope": (403, 403),
    "other_key": (403, 403),
}

# Countersigning and rejecting: the assigned supervisor only; never the trainee themself.
SUPERVISORS_ACT = {
    "anonymous": (401, 401),
    "trainee": (403, 404),
    "other_trainee": (404, 404),
    "supervisor": (200, 404),
    "director": (403, 404),
    "other_director": (404, 403),
    "key": (403, 403),
    "key_without_scope": (403, 403),
    "other_key": (403, 403),
}

# Creating an enrollment names the program in the body: one you do not manage is a field error.
ENROLL = {
    "anonymous": (401, 401),
    "trainee": (400, 400),
    "other_trainee": (400, 400),
    "supervisor": (400, 400),
    "director": (201, 400),
    "other_director": (400, 201),
    "key": (201, 400),
    "key_without_scope": (403, 403),
    "other_key": (400, 201),
}

# Logging: any trainee for themself; staff are not trainees (400); keys never (403).
LOG_SESSION = {
    "anonymous": 401,
    "trainee": 201,
    "other_trainee": 201,
    "supervisor": 400,
    "director": 400,
    "other_director": 400,
    "key": 403,
    "key_without_scope": 403,
    "other_key": 403,
}

RIVERSIDE_TRAINEES = {"trainee@example.org", "other.trainee@example.org"}
# Lists: who sees which institutions, programs, trainees, enrollments and sessions (by the
# trainee's email for the last three).
INSTITUTIONS_SEEN = {
    "anonymous": 401,
    "trainee": {"riverside"},
    "other_trainee": {"riverside"},
    "supervisor": {"riverside"},
    "director": {"riverside"},
    "other_director": {"elsewhere"},
    "key": {"riverside"},
    "key_without_scope": 403,
    "other_key": {"elsewhere"},
}
PROGRAMS_SEEN = {
    "anonymous": 401,
    "trainee": {"riverside-mft"},
    "other_trainee": {"riverside-mft"},
    "supervisor": {"riverside-mft"},
    "director": {"riverside-mft"},
    "other_director": {"elsewhere-psy"},
    "key": {"riverside-mft"},
    "key_without_scope": 403,
    "other_key": {"elsewhere-psy"},
}
TRAINEES_SEEN = {
    "anonymous": 401,
    "trainee": {"trainee@example.org"},
    "other_trainee": {"other.trainee@example.org"},
    "supervisor": {"trainee@example.org"},
    "director": RIVERSIDE_TRAINEES,
    "other_director": {"outsider@example.org"},
    "key": RIVERSIDE_TRAINEES,
    "key_without_scope": 403,
    "other_key": {"outsider@example.org"},
}


# Attestations: the trainee's own, and those of trainees whose records you see (not private).
ATTESTATIONS_SEEN = {
    "anonymous": 401,
    "trainee": {"trainee@example.org"},
    "other_trainee": set(),
    "supervisor": {"trainee@example.org"},
    "director": {"trainee@example.org"},
    "other_director": {"outsider@example.org"},
    "key": {"trainee@example.org"},
    "key_without_scope": 403,
    "other_key": {"outsider@example.org"},
}
# Uploading: any trainee for themself; staff are not trainees (400); keys never (403).
UPLOAD_ATTESTATION = {**LOG_SESSION}


def webhook_managers(ok: int) -> dict[str, tuple[int, int]]:
    """An institution's webhooks: its directors and its keys with `webhooks:manage` (which is the
    one scope `key_without_scope` has)."""
    return {
        "anonymous": (401, 401),
        "trainee": (404, 404),
        "other_trainee": (404, 404),
        "supervisor": (404, 404),
        "director": (ok, 404),
        "other_director": (404, ok),
        "key": (ok, 404),
        "key_without_scope": (ok, 404),
        "other_key": (404, ok),
    }


# Subscribing names the institution in the body: one whose webhooks you do not manage is a field
# error.
SUBSCRIBE = {
    "anonymous": (401, 401),
    "trainee": (400, 400),
    "other_trainee": (400, 400),
    "supervisor": (400, 400),
    "director": (201, 400),
    "other_director": (400, 201),
    "key": (201, 400),
    "key_without_scope": (201, 400),
    "other_key": (400, 201),
}
WEBHOOKS_SEEN = {
    "anonymous": 401,
    "trainee": set(),
    "other_trainee": set(),
    "supervisor": set(),
    "director": {WEBHOOK_URLS["ours"]},
    "other_director": {WEBHOOK_URLS["theirs"]},
    "key": {WEBHOOK_URLS["ours"]},
    "key_without_scope": {WEBHOOK_URLS["ours"]},
    "other_key": {WEBHOOK_URLS["theirs"]},
}

MATRIX: dict[tuple[str, str], dict[str, Any]] = {
    ("health", "GET"): OPEN_TO_ALL,
    ("schema", "GET"): OPEN_TO_ALL,
    ("docs", "GET"): OPEN_TO_ALL,
    ("institution-list", "GET"): INSTITUTIONS_SEEN,
    ("program-list", "GET"): PROGRAMS_SEEN,
    ("program-detail", "GET"): PROGRAM_READ,
    ("cohort-list", "GET"): PROGRAM_READ,
    ("requirement-set-list", "GET"): PROGRAM_READ,
    ("requirement-set-list", "POST"): managers(201),
    ("requirement-set-detail", "GET"): PROGRAM_READ,
    ("program-report", "GET"): managers(200),
    ("trainee-list", "GET"): TRAINEES_SEEN,
    ("trainee-detail", "GET"): RECORD_READ,
    ("enrollment-list", "GET"): TRAINEES_SEEN,
    ("enrollment-list", "POST"): ENROLL,
    ("enrollment-detail", "GET"): RECORD_READ,
    ("enrollment-detail", "PATCH"): managers(200),
    ("enrollment-complete", "POST"): managers(200),
    ("enrollment-withdraw", "POST"): managers(200),
    ("enrollment-leaves", "GET"): RECORD_READ,
    ("enrollment-leaves", "POST"): managers(201),
    ("enrollment-supervisors", "GET"): RECORD_READ,
    ("enrollment-supervisors", "POST"): managers(201),
    ("enrollment-compliance", "GET"): RECORD_READ,
    ("session-list", "GET"): TRAINEES_SEEN,
    ("session-list", "POST"): LOG_SESSION,
    ("session-detail", "GET"): RECORD_READ,
    ("session-detail", "PATCH"): TRAINEES_OWN_ACT,
    ("session-submit", "POST"): TRAINEES_OWN_ACT,
    ("session-countersign", "POST"): SUPERVISORS_ACT,
    ("session-reject", "POST"): SUPERVISORS_ACT,
    ("session-withdraw", "POST"): TRAINEES_OWN_ACT,
    ("session-restore", "POST"): TRAINEES_OWN_ACT,
    ("attestation-list", "GET"): ATTESTATIONS_SEEN,
    ("attestation-list", "POST"): UPLOAD_ATTESTATION,
    ("attestation-download", "GET"): RECORD_READ,
    ("webhook-list", "GET"): WEBHOOKS_SEEN,
    ("webhook-list", "POST"): SUBSCRIBE,
    ("webhook-detail", "DELETE"): webhook_managers(204),
    ("webhook-deliveries", "GET"): webhook_managers(200),
}


def cells() -> list[Any]:
    params = []
    for (name, method), row in MATRIX.items():
        for persona in PERSONAS:
            expected = row[persona]
            if isinstance(expected, tuple):
                for target, status in zip(TARGETS, expected, strict=True):
                    params.append(
                        pytest.param(
                            name,
                            method,
                            persona,
                            target,
                            status,
                            id=f"{name}-{method}-{persona}-{target}",
                        )
                    )
            else:
                params.append(
                    pytest.param(
                        name, method, persona, None, expected, id=f"{name}-{method}-{persona}"
                    )
                )
    return params


def sign_in(client, world: World, persona: str) -> None:
    if persona in PEOPLE:
        client.force_login(world.people[persona])
    elif persona in KEYS:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {world.keys[persona]}")


def arrange_sessions(world: World, state: str) -> None:
    sessions = Session.objects.filter(pk__in=[s.pk for s in world.session.values()])
    if state == "submitted":
        sessions.update(status=SessionStatus.SUBMITTED, submitted_at="2026-06-02T09:00:00Z")
    elif state == "withdrawn":
        sessions.update(withdrawn_at="2026-06-02T09:00:00Z", withdrawal_reason="Duplicate")


def seen(name: str, payload: Any) -> set[str]:
    """What a list response shows, in the vocabulary of the *_SEEN tables."""
    items = payload["results"] if isinstance(payload, dict) else payload
    if name in ("institution-list", "program-list"):
        return {item["slug"] for item in items}
    if name == "trainee-list":
        return {item["email"] for item in items}
    if name == "enrollment-list":
        return {item["trainee"]["email"] for item in items}
    if name == "webhook-list":
        return {item["url"] for item in items}
    trainees = dict(Trainee.objects.values_list("pk", "user__email"))
    return {trainees[item["trainee"]] for item in items}


@pytest.mark.parametrize(("name", "method", "persona", "target", "expected"), cells())
def test_authorization_matrix(
    api_client, world, stored_rows, name, method, persona, target, expected
):
    # given
    operation = OPERATIONS[(name, method)]
    arrange_sessions(world, operation.session_state)
    path = reverse(
        f"api:{name}",
        kwargs=operation.path_args(world, target) if operation.path_args and target else None,
    )
    body = operation.body(world, target or "ours") if operation.body else None
    sign_in(api_client, world, persona)
    before = stored_rows()

    # when
    call = getattr(api_client, method.lower())
    response = call(path, body, format=operation.format) if body is not None else call(path)

    # then
    if isinstance(expected, set):
        assert response.status_code == 200
        assert seen(name, response.json()) == expected
        return
    assert response.status_code == expected
    if expected >= 400:
        error = response.json()["error"]
        assert set(error) == {"status", "code", "message"} | (
            {"fields"} if expected == 400 else set()
        )
        assert error["status"] == expected
    if method != "GET":
        # A refused write changed nothing; an accepted one really did something.
        assert (stored_rows() == before) is (expected >= 400)


def test_every_api_operation_is_in_the_matrix():
    assert api_operations() == set(MATRIX)
    assert set(OPERATIONS) == set(MATRIX)


def test_every_row_of_the_matrix_names_every_persona():
    assert {name: set(row) for name, row in MATRIX.items()} == {
        name: set(PERSONAS) for name in MATRIX
    }


def api_operations() -> set[tuple[str, str]]:
    """(url name, method) of every view under /api/, found by walking the URL resolver."""
    found: set[tuple[str, str]] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/"):
                assert pattern.name, f"unnamed API route {route}: the matrix cannot list it"
                view = pattern.callback.cls  # type: ignore[attr-defined]
                for method in view.http_method_names:
                    if method not in ("head", "options") and hasattr(view, method):
                        found.add((pattern.name, method.upper()))

    walk(get_resolver().url_patterns, "")
    return found


def test_an_api_key_sees_nothing_of_another_institution(api_client, world):
    """Walk every readable route with riverside's key: nothing of elsewhere appears anywhere."""
    sign_in(api_client, world, "key")
    outsider = {
        "elsewhere",
        "elsewhere-psy",
        "outsider@example.org",
        "other.supervisor@example.org",
        "elsewhere-2026",
    }
    for (name, method), operation in OPERATIONS.items():
        if method != "GET" or name in ("schema", "docs", "health"):
            continue
        path = reverse(
            f"api:{name}",
            kwargs=operation.path_args(world, "ours") if operation.path_args else None,
        )
        response = api_client.get(path)
        # Downloads stream; everything else is a plain body.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        assert not [word for word in outsider if word in text], path
