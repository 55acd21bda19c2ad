import pytest

from reminders.models import NotificationPreference
from reminders.services.preferences import UNKNOWN_TIME_ZONE

pytestmark = pytest.mark.django_db


def test_defaults_are_every_reminder_on_friday_afternoon(trainee_client):
    form = trainee_client.get("/settings/reminders/").context["form"]

    assert form.initial == {
        "kinds": ["log_sessions", "drafts_pending", "rejected", "falling_behind", "recurring"],
        "weekday": 4,
        "hour": 16,
        "time_zone": "UTC",
    }


def test_saving_preferences(trainee_client, trainee):
    response = trainee_client.post(
        "/settings/reminders/",
        {"kinds": ["rejected"], "weekday": "0", "hour": "7", "time_zone": "Europe/Berlin"},
    )

    assert response.status_code == 302
    saved = NotificationPreference.objects.get(user=trainee.user)
    assert (saved.kinds, saved.weekday, saved.hour, saved.time_zone) == (
        ["rejected"],
        0,
        7,
        "Europe/Berlin",
    )


def test_an_unknown_time_zone_is_explained(trainee_client):
    response = trainee_client.post(
        "/settings/reminders/",
        {"kinds": [], "weekday": "0", "hour": "7", "time_zone": "Mars/Olympus"},
    )

    assert response.context["form"].errors["time_zone"] == [
        UNKNOWN_TIME_ZONE.format(zone="Mars/Olympus")
    ]
    assert NotificationPreference.objects.count() == 0
