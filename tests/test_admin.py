"""Django admin works for every model, and never shows a trainee's private details."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import SessionFactory, UserFactory

OUR_APPS = {"accounts", "programs", "trainees", "api", "reminders", "webhooks"}


def test_every_model_is_in_the_admin():
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
        and not model.__name__.startswith("Historical")
        and model not in admin.site._registry
    ]
    assert missing == []


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(email="root@example.org", is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_every_admin_list_page_renders(staff_client):
    for model in admin.site._registry:
        if model._meta.app_label not in OUR_APPS:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert staff_client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_the_session_admin_never_shows_private_notes_or_providers(staff_client, trainee):
    session = SessionFactory(
        trainee=trainee, notes="Talked about my father", provider_name="Dr. Secret"
    )

    html = staff_client.get(
        reverse("admin:trainees_session_change", args=[session.pk])
    ).content.decode()

    assert "Talked about my father" not in html
    assert "Dr. Secret" not in html


@pytest.mark.django_db
def test_the_confirmation_admin_never_shows_who_confirmed_or_what_they_wrote(staff_client, trainee):
    from datetime import timedelta

    from django.utils import timezone

    from confirmations.models import ExternalConfirmationItem, ExternalConfirmationRequest
    from programs.models import ActivityCategory

    request = ExternalConfirmationRequest.objects.create(
        trainee=trainee,
        category=ActivityCategory.objects.get(key="personal_therapy"),
        confirmer_name="Dr Therapist Hidden",
        confirmer_email="hidden.therapist@example.org",
        message="Please confirm our sessions",
        expires_at=timezone.now() + timedelta(days=14),
    )
    ExternalConfirmationItem.objects.create(
        request=request, session=SessionFactory(trainee=trainee), fingerprint="0" * 64
    )

    pages = [
        reverse("admin:confirmations_externalconfirmationrequest_changelist"),
        reverse("admin:confirmations_externalconfirmationrequest_change", args=[request.pk]),
        reverse("admin:confirmations_externalconfirmationitem_changelist"),
    ]
    for url in pages:
        html = staff_client.get(url).content.decode()
        assert staff_client.get(url).status_code == 200, url
        for secret in ("Dr Therapist Hidden", "hidden.therapist", "Please confirm our sessions"):
            assert secret not in html, (url, secret)
