"""The world every cell of the authorization matrix runs in, built once per test module.

Two institutions. `riverside` runs `riverside-mft`: a director, a supervisor assigned to
`trainee`, and `other_trainee`. `elsewhere` runs `elsewhere-psy`: `other_director`, a supervisor
of its own and an outsider trainee. Each program also has a spare supervisor with no assignment
(the one an assignment cell assigns). `staff` is site staff with no program role. Each program
has a cohort, a requirement set, each institution a webhook subscription; the trainee and the
outsider each have a client session, an attestation (not of a private category), a recurring
pattern and a waiver; each also asked someone outside (by e-mail) to confirm a submitted session
of their own, a session no other operation touches. Each program's supervisor assignment is the
one the assignment-ending cells end. Keys: one of riverside with every scope, one of riverside
with only `webhooks:manage`, one of elsewhere.

"ours" is riverside's object (the trainee's session, enrollment, ...), "theirs" elsewhere's.
"""

from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models

from accounts.models import ApiKey, ApiScope, LoginAttempt, PersonalToken, User
from accounts.services.tokens import api_key_create
from confirmations.models import ExternalConfirmationRequest
from confirmations.services.requests import external_confirmation_request
from programs.models import ActivityCategory, Program, ProgramCategory, ProgramRole
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    InstitutionFactory,
    ProgramFactory,
    ProgramRoleFactory,
    SessionFactory,
    SupervisorAssignmentFactory,
    TraineeFactory,
    UserFactory,
)
from trainees.models import (
    Attestation,
    Enrollment,
    RecurringSession,
    RequirementWaiver,
    Session,
    SessionStatus,
    SupervisorAssignment,
    Trainee,
)
from trainees.services.attestations import attestation_upload
from webhooks.models import WebhookSubscription
from webhooks.services import subscription_create

PEOPLE = ("trainee", "other_trainee", "supervisor", "director", "other_director", "staff")
KEYS = ("key", "key_without_scope", "other_key")
PERSONAS = ("anonymous", *PEOPLE, *KEYS)
# On a page an API key is a header nobody reads: one key shows it signs nobody in.
PAGE_PERSONAS = ("anonymous", *PEOPLE, "key")
TARGETS = ("ours", "theirs")

ATTESTED = "supervision_individual"
PDF = b"%PDF-1.4\n%a letter\n"
WEBHOOK_URLS = {
    "ours": "https://hooks.riverside.example/countersign",
    "theirs": "https://hooks.elsewhere.example/countersign",
}
WEBHOOK_EVENTS = ["enrollment.status_changed", "requirement.status_changed", "session.verified"]
WAIVED = "client_contact"


@dataclass
class World:
    people: dict[str, User]
    keys: dict[str, str]
    program: dict[str, Program]
    trainee: dict[str, Trainee]
    enrollment: dict[str, Enrollment]
    session: dict[str, Session]
    supervisor: dict[str, User]
    spare_supervisor: dict[str, User]
    webhook: dict[str, WebhookSubscription]
    attestation: dict[str, Attestation]
    recurring: dict[str, RecurringSession]
    waiver: dict[str, RequirementWaiver]
    # The supervisor's assignment to the trainee (ours) and the other one's to the outsider.
    assignment: dict[str, SupervisorAssignment]
    confirmation: dict[str, ExternalConfirmationRequest]


def build_world() -> World:
    program = ProgramFactory(
        slug="riverside-mft", name="Riverside MFT", institution=InstitutionFactory(slug="riverside")
    )
    other_program = ProgramFactory(
        slug="elsewhere-psy",
        name="Elsewhere Psychology",
        institution=InstitutionFactory(slug="elsewhere"),
    )
    director = _staff_member(program, "director@example.org", ProgramRole.Role.DIRECTOR)
    other_director = _staff_member(
        other_program, "other.director@example.org", ProgramRole.Role.DIRECTOR
    )
    supervisor = _staff_member(program, "supervisor@example.org", ProgramRole.Role.SUPERVISOR)
    other_supervisor = _staff_member(
        other_program, "other.supervisor@example.org", ProgramRole.Role.SUPERVISOR
    )
    spare_supervisors = {
        "ours": _staff_member(program, "spare.supervisor@example.org", ProgramRole.Role.SUPERVISOR),
        "theirs": _staff_member(
            other_program, "other.spare.supervisor@example.org", ProgramRole.Role.SUPERVISOR
        ),
    }
    staff = UserFactory(email="staff@example.org", full_name="Site Staff", is_staff=True)
    trainee = _trainee("trainee@example.org", "Tess Trainee", program, supervisor)
    other_trainee = _trainee("other.trainee@example.org", "Oli Othertrainee", program, None)
    outsider = _trainee("outsider@example.org", "Una Outsider", other_program, other_supervisor)
    CohortFactory(program=program, slug="riverside-2026")
    CohortFactory(program=other_program, slug="elsewhere-2026")
    sessions = {
        "ours": SessionFactory(trainee=trainee, date=date(2026, 6, 1)),
        "theirs": SessionFactory(trainee=outsider, date=date(2026, 6, 1)),
    }
    SessionFactory(trainee=other_trainee, date=date(2026, 6, 1))
    # Both programs verify supervision by attestation (not a private category).
    ProgramCategory.objects.filter(category__key=ATTESTED).update(verification="attestation")
    trainees = {"ours": trainee, "theirs": outsider}
    enrollments = {t: trainees[t].enrollments.get() for t in TARGETS}
    _, key = api_key_create(
        institution_id=program.institution.pk, name="Student records", scopes=list(ApiScope.values)
    )
    _, scopeless = api_key_create(
        institution_id=program.institution.pk, name="Webhooks only", scopes=["webhooks:manage"]
    )
    _, other_key = api_key_create(
        institution_id=other_program.institution.pk,
        name="Elsewhere records",
        scopes=list(ApiScope.values),
    )
    programs = {"ours": program, "theirs": other_program}
    return World(
        people={
            "trainee": trainee.user,
            "other_trainee": other_trainee.user,
            "supervisor": supervisor,
            "director": director,
            "other_director": other_director,
            "staff": staff,
        },
        keys={"key": key.raw, "key_without_scope": scopeless.raw, "other_key": other_key.raw},
        program=programs,
        trainee=trainees,
        enrollment=enrollments,
        session=sessions,
        supervisor={"ours": supervisor, "theirs": other_supervisor},
        spare_supervisor=spare_supervisors,
        webhook={
            t: subscription_create(
                institution=programs[t].institution, url=WEBHOOK_URLS[t], events=WEBHOOK_EVENTS
            )
            for t in TARGETS
        },
        attestation={t: _attest(trainees[t]) for t in TARGETS},
        recurring={t: _recurring(trainees[t]) for t in TARGETS},
        waiver={
            t: RequirementWaiver.objects.create(
                enrollment=enrollments[t],
                requirement_key=WAIVED,
                minimum=5,
                reason="Placement closed for a term",
            )
            for t in TARGETS
        },
        assignment={
            t: SupervisorAssignment.objects.get(enrollment=enrollments[t]) for t in TARGETS
        },
        confirmation={t: _confirmation_request(trainees[t]) for t in TARGETS},
    )


def _staff_member(program: Program, email: str, role: str) -> User:
    user = UserFactory(email=email)
    ProgramRoleFactory(program=program, user=user, role=role)
    return user


def _trainee(email: str, name: str, program: Program, supervisor: User | None) -> Trainee:
    trainee = TraineeFactory(user=UserFactory(email=email, full_name=name))
    enrollment = EnrollmentFactory(trainee=trainee, program=program)
    if supervisor is not None:
        SupervisorAssignmentFactory(
            enrollment=enrollment, supervisor=supervisor, starts_on=enrollment.start_date
        )
    return trainee


def _attest(trainee: Trainee) -> Attestation:
    return attestation_upload(
        trainee=trainee,
        actor=trainee.user,
        category=ActivityCategory.objects.get(key=ATTESTED),
        period_start=date(2026, 1, 5),
        period_end=date(2026, 5, 31),
        upload=SimpleUploadedFile("letter.pdf", PDF),
        minutes=600,
    )


def _recurring(trainee: Trainee) -> RecurringSession:
    return RecurringSession.objects.create(
        trainee=trainee,
        category=ActivityCategory.objects.get(key="client_individual"),
        weekday=0,
        start_time=time(9, 0),
        duration_minutes=50,
        starts_on=date(2026, 6, 1),
    )


def _confirmation_request(trainee: Trainee) -> ExternalConfirmationRequest:
    # A session of its own, submitted: the target session stays free for the operations that
    # change it, and for a request of its own (external_confirmation_new).
    session = SessionFactory(
        trainee=trainee,
        date=date(2026, 6, 8),
        status=SessionStatus.SUBMITTED,
        submitted_at="2026-06-09T09:00:00Z",
    )
    # Never e-mailed: the world's transaction is rolled back, so no commit sends it.
    return external_confirmation_request(
        trainee=trainee,
        actor=trainee.user,
        session_ids=[session.pk],
        confirmer_name="Pat Outside",
        confirmer_email="pat.outside@example.net",
    )


def arrange_sessions(world: World, state: str) -> None:
    """Put both target sessions in the state an operation needs (the test's transaction undoes it)."""
    sessions = Session.objects.filter(pk__in=[s.pk for s in world.session.values()])
    if state == "submitted":
        sessions.update(status=SessionStatus.SUBMITTED, submitted_at="2026-06-02T09:00:00Z")
    elif state == "withdrawn":
        sessions.update(withdrawn_at="2026-06-02T09:00:00Z", withdrawal_reason="Duplicate")
    elif state == "verified":
        for target, session in world.session.items():
            Session.objects.filter(pk=session.pk).update(
                status=SessionStatus.VERIFIED,
                submitted_at="2026-06-02T09:00:00Z",
                verified_at="2026-06-03T09:00:00Z",
                verified_by=world.supervisor[target],
            )


# Credentials record their last use and signing in records an attempt: neither is a change the
# request made. Everything else of the project's own apps is watched, history tables included.
UNWATCHED: tuple[type[models.Model], ...] = (ApiKey, PersonalToken, LoginAttempt)


def watched_models() -> list[type[models.Model]]:
    """Every model of the project's own apps (a new app is watched without being listed)."""
    return [
        model
        for config in apps.get_app_configs()
        if Path(config.path).parent == settings.BASE_DIR
        for model in config.get_models()
        if model not in UNWATCHED
    ]


def stored_rows() -> dict[str, str]:
    """A digest of every watched table's rows, by model, to show a refused request changed
    nothing. One query for all tables: a snapshot per table per cell made the matrix slow."""
    digests = []
    for model in watched_models():
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        row = "to_jsonb(t)"
        if model is User:
            # Signing in stamps last_login; that is the test client's doing.
            row = "to_jsonb(t) - 'last_login'"
        digests.append(
            f"(SELECT md5(coalesce(string_agg(({row})::text, '|' ORDER BY t.{pk}), '')) "
            f"FROM {table} t)"
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(digests))
        values = cursor.fetchone()
    return {model._meta.label: value for model, value in zip(watched_models(), values, strict=True)}
