"""Private session details never reach anyone but the trainee: not in e-mails to others, not in
webhook bodies, not in staff pages, exports or API reads, not in log records, not in the error
report Django would e-mail to ADMINS.

A private-category session (personal therapy) carries a unique sentinel in every private field.
Each flow runs while every log record at DEBUG, from every logger, is captured; then no sentinel
may appear in any output that is not the trainee's own. The trainee's own session page must show
them, so the search cannot pass by looking in the wrong place.

SQL debug logs (`django.db.backends`, with parameters) are written only when settings.DEBUG is
on, which production never is (config/settings/production.py); the tests run with DEBUG off as
well, so the records captured here are the records production would write.
"""

import io
import json
import logging
import runpy
import zipfile
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from pypdf import PdfReader
from rest_framework.test import APIClient

from programs.models import ProgramCategory
from reminders.ledger import deliveries_due_ids
from reminders.models import Delivery
from reminders.services.planning import deliveries_plan
from reminders.services.sending import deliveries_send
from tests.factories import SessionFactory
from trainees.services.countersign import sessions_countersign
from webhooks.models import WebhookDelivery, WebhookEvent
from webhooks.services import subscription_create

pytestmark = pytest.mark.django_db

SENTINELS = {
    "provider_name": "Dr Zyx Sentinel-Therapist-7q",
    "notes": "sentinel-notes-my-mother-9w",
    "client_code": "SENTINEL-CC-4k",
    "setting": "sentinel-setting-2m",
}


def _leaks(text: str) -> list[str]:
    return [value for value in SENTINELS.values() if value in text]


@pytest.fixture
def secret_session(trainee, enrollment, program, category, refresh):
    """A submitted personal-therapy session, countersigned in this program so that the
    supervisor's queue, the countersign webhook and the nudges all involve it."""
    ProgramCategory.objects.filter(program=program, category__key="personal_therapy").update(
        private=True, verification="countersign"
    )
    session = SessionFactory(
        trainee=trainee,
        date=date(2026, 6, 1),
        duration_minutes=50,
        category=category("personal_therapy"),
        status="submitted",
        submitted_at=datetime(2026, 6, 1, 18, tzinfo=UTC),
        **SENTINELS,
    )
    refresh(trainee)
    return session


@pytest.fixture
def all_logs(caplog):
    caplog.set_level(logging.DEBUG)  # the root logger: every logger propagates to it
    return caplog


def _log_text(caplog) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


def _mail_text(message) -> str:
    parts = [message.subject, message.body, " ".join(message.to), str(message.extra_headers)]
    parts += [str(content) for content, _ in getattr(message, "alternatives", [])]
    return "\n".join(parts)


def test_the_trainee_sees_the_private_details_on_their_own_page(client, trainee, secret_session):
    # The search is not vacuous: the values are stored and shown where they belong.
    client.force_login(trainee.user)

    page = client.get(f"/sessions/{secret_session.pk}/").content.decode()

    assert {SENTINELS["provider_name"], SENTINELS["notes"]} <= set(_leaks(page))
    secret_session.refresh_from_db()
    assert {field: getattr(secret_session, field) for field in SENTINELS} == SENTINELS


def test_reminder_emails_to_staff_carry_no_private_detail(
    trainee, supervisor, director, secret_session, all_logs
):
    SessionFactory(  # ordinary client work waiting for the supervisor too
        trainee=trainee,
        date=date(2026, 6, 2),
        duration_minutes=60,
        category=secret_session.category.__class__.objects.get(key="client_individual"),
        status="submitted",
        submitted_at=datetime(2026, 6, 2, 18, tzinfo=UTC),
    )
    mail.outbox.clear()
    # Monday 15 June: the nudge (waiting over 7 days) and the director's Monday digest are due.
    with time_machine.travel(datetime(2026, 6, 15, 12, tzinfo=UTC), tick=False):
        deliveries_plan()
        deliveries_send(delivery_ids=deliveries_due_ids())

    sent = set(Delivery.objects.filter(status="sent").values_list("kind", "recipient__email"))
    assert {("countersign_nudge", supervisor.email), ("director_digest", director.email)} <= sent
    # Not even as a count: the nudge is about the client work alone.
    (nudge,) = [m for m in mail.outbox if "waiting for your countersignature" in m.subject]
    assert nudge.subject == "1 session(s) waiting for your countersignature"
    to_others = [m for m in mail.outbox if trainee.user.email not in m.to]
    recipients = {address for m in to_others for address in m.to}
    assert {supervisor.email, director.email} <= recipients  # the flows did run
    for message in to_others:
        assert _leaks(_mail_text(message)) == [], message.subject
    for message in mail.outbox:  # the trainee's own mail holds no details either today
        assert _leaks(_mail_text(message)) == []
    assert _leaks(_log_text(all_logs)) == []


def test_webhook_bodies_carry_no_private_detail(
    program, trainee, supervisor, secret_session, category, monkeypatch, all_logs,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    client_work = SessionFactory(
        trainee=trainee,
        date=date(2026, 6, 2),
        duration_minutes=60,
        category=category("client_individual"),
        status="submitted",
        submitted_at=datetime(2026, 6, 2, 18, tzinfo=UTC),
    )
    subscription_create(
        institution=program.institution,
        url="https://hooks.example.org/in",
        events=list(WebhookEvent.values),
    )
    sent: list[bytes] = []

    def transport_post(url: str, body: bytes, headers: dict[str, str]) -> int:
        sent.append(body)
        return 200

    monkeypatch.setattr("webhooks.services.transport_post", transport_post)

    # when: both are countersigned together; deliveries go out after commit (eager Celery)
    with django_capture_on_commit_callbacks(execute=True):
        sessions_countersign(session_ids=[secret_session.pk, client_work.pk], supervisor=supervisor)

    # then: the ordinary session is announced, the private one is not, and nothing private
    # is in any body sent
    bodies = [json.loads(body) for body in sent]
    assert bodies and len(bodies) == WebhookDelivery.objects.count()
    verified = [b["data"] for b in bodies if b["event"] == "session.verified"]
    assert [d["session"] for d in verified] == [client_work.pk]
    for body in sent:
        assert _leaks(body.decode()) == []
    assert _leaks(_log_text(all_logs)) == []


STAFF_PAGES = [
    "/programs/riverside-mft/",
    "/programs/riverside-mft/enrollments/{enrollment}/",
    "/programs/riverside-mft/exports/",
    "/programs/riverside-mft/exports/compliance.csv",
    "/programs/riverside-mft/exports/compliance.xlsx",
    "/programs/riverside-mft/exports/report.pdf",
    "/programs/riverside-mft/trends/",
    "/supervise/",
    "/supervise/supervisees/",
]
API_READS = [
    "/api/v1/enrollments/{enrollment}/",
    "/api/v1/enrollments/{enrollment}/compliance/",
    "/api/v1/sessions/?trainee={trainee}",
    "/api/v1/sessions/{session}/",
    "/api/v1/trainees/{trainee}/",
    "/api/v1/programs/riverside-mft/report/",
]


def _decoded(response) -> str:
    """The text a reader of the response sees; PDF and XLSX text is compressed, so extracted."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        pages = PdfReader(io.BytesIO(content)).pages
        text = "\n".join(page.extract_text() for page in pages)
    elif kind.startswith("application/vnd"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            text = "\n".join(archive.read(name).decode() for name in archive.namelist())
    else:
        text = content.decode()
    return " ".join(text.split())  # PDF lines break where the layout does


@pytest.mark.parametrize(("persona", "pages"), [("supervisor", 2), ("director", 7)])
def test_staff_pages_and_exports_carry_no_private_detail(
    request, login_as, persona, pages, trainee, enrollment, secret_session, all_logs
):
    client = login_as(request.getfixturevalue(persona))
    seen = 0
    for template in STAFF_PAGES:
        response = client.get(template.format(enrollment=enrollment.pk))
        if response.status_code == 404:
            continue  # not this persona's page (a supervisor has no program exports)
        assert response.status_code == 200, template
        text = _decoded(response)
        assert _leaks(text) == [], template
        if template.endswith((".csv", ".xlsx", ".pdf")):
            # The extraction works: the trainee is in the export, only the details are not.
            assert trainee.user.full_name in text, template
        seen += 1
    assert seen == pages
    assert _leaks(_log_text(all_logs)) == []


@pytest.mark.parametrize("caller", ["api_key", "director", "supervisor"])
def test_api_reads_carry_no_private_detail(
    request, caller, enrollment, trainee, secret_session, api_key, all_logs
):
    from accounts.services.tokens import personal_token_create

    client = APIClient()
    if caller == "api_key":
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key.raw}")
    else:
        _, issued = personal_token_create(user=request.getfixturevalue(caller), name="privacy")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")
    seen = 0
    for template in API_READS:
        url = template.format(
            enrollment=enrollment.pk, trainee=trainee.pk, session=secret_session.pk
        )
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        assert _leaks(response.content.decode()) == [], url
        seen += response.status_code == 200
    assert seen >= 2
    assert _leaks(_log_text(all_logs)) == []


def test_the_error_report_of_a_failing_session_edit_hides_the_private_fields(
    client, trainee, enrollment, category, monkeypatch, settings, all_logs
):
    # given: a draft personal-therapy session and a server error while saving a change to it
    session = SessionFactory(
        trainee=trainee,
        date=date(2026, 6, 1),
        duration_minutes=50,
        category=category("personal_therapy"),
        status="draft",
    )
    settings.ADMINS = [("Operations", "ops@example.org")]
    mail.outbox.clear()

    def fail(**kwargs):
        raise RuntimeError("simulated failure while saving")

    monkeypatch.setattr("logbook.views.sessions.session_update", fail)
    client.force_login(trainee.user)
    client.raise_request_exception = False

    # when
    response = client.post(
        f"/sessions/{session.pk}/edit/",
        {
            "date": "2026-06-01",
            "category": session.category_id,
            "duration_minutes": "50",
            "format": "individual",
            "modality": "in_person",
            "provider_name": SENTINELS["provider_name"],
            "notes": SENTINELS["notes"],
            "client_code": SENTINELS["client_code"],
            "setting": SENTINELS["setting"],
        },
    )

    # then: a 500, an error report to ADMINS, and no private value in it or in the logs
    assert response.status_code == 500
    reports = [m for m in mail.outbox if "ops@example.org" in m.to]
    assert len(reports) == 1
    assert "simulated failure while saving" in _mail_text(reports[0])
    assert _leaks(_mail_text(reports[0])) == []
    assert _leaks(_log_text(all_logs)) == []
    assert django_settings.DEFAULT_EXCEPTION_REPORTER_FILTER.endswith("SafeExceptionReporterFilter")


def test_production_writes_no_sql_debug_logs(monkeypatch):
    # SQL with its parameters (a session's notes among them) is logged only with DEBUG on; the
    # captures above ran with DEBUG off, and so does production.
    monkeypatch.setenv("DJANGO_SECRET_KEY", "privacy-test-" + "x" * 50)
    monkeypatch.setenv("DATABASE_URL", "postgres://nobody@127.0.0.1:5432/unused")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "countersign.example.org")

    production = runpy.run_module("config.settings.production")

    assert production["DEBUG"] is False
    assert django_settings.DEBUG is False
    backends = production["LOGGING"].get("loggers", {}).get("django.db.backends", {})
    assert backends.get("level") != "DEBUG"


def test_an_external_confirmation_request_carries_no_notes_client_code_or_setting(
    trainee, secret_session, all_logs, django_capture_on_commit_callbacks
):
    # The one e-mail a trainee sends about a private session to someone else: their therapist,
    # asked to confirm it happened. The therapist's own name may appear; nothing else private.
    from confirmations.services.requests import external_confirmation_request

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        external_confirmation_request(
            trainee=trainee,
            actor=trainee.user,
            session_ids=[secret_session.pk],
            confirmer_name="Dr Therapist",
            confirmer_email="therapist@example.org",
        )

    (message,) = [m for m in mail.outbox if m.to == ["therapist@example.org"]]
    text = _mail_text(message)
    assert "Mon 01 Jun 2026" in message.body  # the session is described
    not_for_the_confirmer = {k: v for k, v in SENTINELS.items() if k != "provider_name"}
    assert [v for v in not_for_the_confirmer.values() if v in text] == []
    assert _leaks(_log_text(all_logs)) == []
