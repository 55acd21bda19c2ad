"""Schemathesis over every operation of the OpenAPI document, as an anonymous caller, a trainee, a
supervisor, a director and an API key: no server error, and every documented response matches
its schema.

Path parameters are pointed at real objects of the cast (a random id would only ever be a 404,
which the authorization matrix already covers), so generated bodies and query strings reach the
validation and the services behind them. SCHEMATHESIS_MAX_EXAMPLES sets the examples per
operation and caller in the generation phase (default 10). The number of cases run is printed at the end.
"""

import os
from datetime import date

import pytest
import schemathesis
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from accounts.services.tokens import personal_token_create
from programs.models import ActivityCategory, ProgramCategory
from tests.factories import CohortFactory, SessionFactory
from trainees.services.attestations import attestation_upload
from webhooks.services import subscription_create

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
CALLERS = ("anonymous", "trainee", "supervisor", "director", "api_key")


@pytest.fixture
def in_process_requests(monkeypatch):
    """Let the WSGI app run inside the test's transaction, as Django's own test client does:
    closing the connection at the end of a request would end the transaction under the test.
    Rates are raised so that hundreds of cases a minute stay within budget."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"anon": "100000/min", "user": "100000/min", "api_key": "100000/min"},
    )
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Loaded when the module is imported: the lazy, fixture-based loader reaches into pytest
# internals that pytest 9 no longer has. Serving the schema to an anonymous caller touches no
# database, so this is safe before any test database exists.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture
def cast(program, enrollment, supervisor, director, api_key, settings, tmp_path):
    CohortFactory(program=program, slug="spring")
    session = SessionFactory(trainee=enrollment.trainee, date=date(2026, 6, 1), notes="Private")
    settings.MEDIA_ROOT = tmp_path
    attested = ActivityCategory.objects.get(key="supervision_individual")
    ProgramCategory.objects.filter(program=program, category=attested).update(
        verification="attestation"
    )
    attestation = attestation_upload(
        trainee=enrollment.trainee,
        actor=enrollment.trainee.user,
        category=attested,
        period_start=date(2026, 1, 5),
        period_end=date(2026, 5, 31),
        upload=SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n"),
        minutes=600,
    )
    subscription = subscription_create(
        institution=program.institution,
        url="https://hooks.example.org/in",
        events=["session.verified"],
    )
    return {
        "slug": program.slug,
        "version": enrollment.requirement_set.version,
        "enrollments": enrollment.pk,
        "sessions": session.pk,
        "trainees": enrollment.trainee_id,
        "attestations": attestation.pk,
        "webhooks": subscription.pk,
    }


@pytest.fixture
def credentials(enrollment, supervisor, director, api_key) -> dict[str, dict]:
    """The headers each caller sends; people use personal tokens."""
    headers = {"anonymous": {}, "api_key": {"Authorization": f"Api-Key {api_key.raw}"}}
    people = {"trainee": enrollment.trainee.user, "supervisor": supervisor, "director": director}
    for name, user in people.items():
        _, issued = personal_token_create(user=user, name="schemathesis")
        headers[name] = {"Authorization": f"Bearer {issued.raw}"}
    return headers


def point_at_the_cast(case, cast) -> None:
    if not case.path_parameters:
        return
    resource = case.operation.path.split("/")[3]  # /api/v1/<resource>/...
    for name in case.path_parameters:
        if name == "id":
            case.path_parameters[name] = cast[resource]
        else:
            case.path_parameters[name] = cast[name]


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.usefixtures("frozen_today", "in_process_requests")
def test_no_server_errors_and_responses_match_the_schema(
    case, cast, credentials, schemathesis_cases, caller
):
    point_at_the_cast(case, cast)

    case.call_and_validate(
        headers=credentials[caller],
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )

    schemathesis_cases[caller] += 1
