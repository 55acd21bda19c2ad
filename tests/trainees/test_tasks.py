import pytest
from django.conf import settings

from config.celery import app
from tests.factories import SessionFactory
from trainees.models import ComplianceSnapshot
from trainees.tasks import snapshots_refresh_all


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "trainees.tasks.snapshots_refresh_all" in scheduled
    assert scheduled - set(app.tasks) == set()


@pytest.mark.django_db
def test_nightly_refresh_brings_stale_snapshots_up_to_date(enrollment, supervisor, frozen_today):
    # given a verified session written behind the services' back (as a bulk import might)
    SessionFactory(
        trainee=enrollment.trainee,
        status="verified",
        verified_by=supervisor,
        verified_at="2026-02-03T10:00Z",
    )
    assert not ComplianceSnapshot.objects.filter(enrollment=enrollment).exists()

    # when
    count = snapshots_refresh_all.delay().get()

    # then
    snapshot = ComplianceSnapshot.objects.get(enrollment=enrollment)
    client_contact = next(
        r for r in snapshot.result["requirements"] if r["key"] == "client_contact"
    )
    assert (count, client_contact["credited"], str(snapshot.as_of)) == (1, 50, "2026-06-15")


@pytest.mark.django_db
def test_running_the_refresh_twice_changes_nothing(enrollment, frozen_today):
    snapshots_refresh_all()
    first = ComplianceSnapshot.objects.get(enrollment=enrollment).result
    snapshots_refresh_all()
    assert ComplianceSnapshot.objects.get(enrollment=enrollment).result == first
    assert ComplianceSnapshot.objects.count() == 1
