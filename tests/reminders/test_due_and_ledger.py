"""What is due, time zones and DST, the ledger's uniqueness, claim semantics, unsubscribe links."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from reminders.kinds.log_week import due_log_week
from reminders.ledger import deliveries_release_stale, delivery_claim
from reminders.models import (
    Delivery,
    DeliveryStatus,
    Kind,
    NotificationPreference,
    PaceNotice,
    Unsubscribe,
)
from reminders.schedule import week_start_on_or_before, weekly_moment
from reminders.services.planning import deliveries_plan
from reminders.services.sending import delivery_send
from reminders.tokens import unsubscribe_token, unsubscribe_token_read
from tests.factories import SessionFactory
from trainees.models import RequirementStatus

BERLIN = ZoneInfo("Europe/Berlin")


# --- calendar (pure) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now_utc", "expected_utc"),
    [
        # Friday 20 March 2026: Berlin is UTC+1, 16:00 local is 15:00 UTC.
        (
            datetime(2026, 3, 20, 18, tzinfo=ZoneInfo("UTC")),
            datetime(2026, 3, 20, 15, tzinfo=ZoneInfo("UTC")),
        ),
        # Friday 3 April 2026, after the 29 March change: UTC+2, 16:00 local is 14:00 UTC.
        (
            datetime(2026, 4, 3, 18, tzinfo=ZoneInfo("UTC")),
            datetime(2026, 4, 3, 14, tzinfo=ZoneInfo("UTC")),
        ),
        # Friday 30 October 2026 (UTC+1 again from 25 October).
        (
            datetime(2026, 10, 30, 18, tzinfo=ZoneInfo("UTC")),
            datetime(2026, 10, 30, 15, tzinfo=ZoneInfo("UTC")),
        ),
    ],
)
def test_a_1600_local_reminder_is_at_1600_on_both_sides_of_a_clock_change(now_utc, expected_utc):
    _, moment = weekly_moment(now=now_utc, tz=BERLIN, week_start=0, weekday=4, hour=16)
    assert moment == expected_utc
    assert (moment.astimezone(BERLIN).hour, moment.astimezone(BERLIN).minute) == (16, 0)


@pytest.mark.parametrize(
    ("day", "week_start", "first"),
    [
        (date(2026, 6, 17), 0, date(2026, 6, 15)),  # Wednesday, Monday weeks
        (date(2026, 6, 17), 6, date(2026, 6, 14)),  # Wednesday, Sunday weeks
        (date(2026, 6, 14), 0, date(2026, 6, 8)),  # a Sunday closes a Monday week
        (date(2026, 6, 14), 6, date(2026, 6, 14)),  # and opens a Sunday week
    ],
)
def test_this_week_is_the_programs_week(day, week_start, first):
    assert week_start_on_or_before(day, week_start) == first


# --- log your week ---------------------------------------------------------------------------


def _prefer(user, *, hour=16, weekday=4, zone="Europe/Berlin", kinds=("log_sessions",)):
    NotificationPreference.objects.create(
        user=user, kinds=list(kinds), hour=hour, weekday=weekday, time_zone=zone
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("utc_now", "due"),
    [
        ("2026-03-27 14:59:00+00:00", False),  # 15:59 in Berlin (UTC+1) on Friday 27 March
        ("2026-03-27 15:00:00+00:00", True),  # 16:00 in Berlin
        ("2026-04-03 13:59:00+00:00", False),  # after the change: 15:59 in Berlin (UTC+2)
        ("2026-04-03 14:00:00+00:00", True),  # 16:00 in Berlin
    ],
)
def test_log_week_is_due_from_the_chosen_local_hour(enrollment, utc_now, due):
    _prefer(enrollment.trainee.user)
    with time_machine.travel(utc_now, tick=False):
        found = list(due_log_week(now=timezone.now()))
    assert [d.recipient_id for d in found] == ([enrollment.trainee.user_id] if due else [])
    if due:
        assert found[0].due_at.astimezone(BERLIN).hour == 16


@pytest.mark.django_db
def test_default_timing_is_friday_1600_in_the_users_zone(enrollment):
    user = enrollment.trainee.user
    user.time_zone = "America/New_York"
    user.save()
    with time_machine.travel("2026-06-19 19:59:00+00:00", tick=False):  # Friday 15:59 EDT
        assert list(due_log_week(now=timezone.now())) == []
    with time_machine.travel("2026-06-19 20:00:00+00:00", tick=False):  # Friday 16:00 EDT
        (due,) = due_log_week(now=timezone.now())
    assert due.period == f"e{enrollment.pk}:2026-06-15"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("week_start", "session_day", "due"),
    [
        (0, date(2026, 6, 14), True),  # Monday weeks: Sunday's session was last week
        (6, date(2026, 6, 14), False),  # Sunday weeks: Sunday's session is this week
        (0, date(2026, 6, 15), False),
    ],
)
def test_a_session_in_the_program_week_means_nothing_is_due(
    enrollment, week_start, session_day, due
):
    program = enrollment.program
    program.week_start = week_start
    program.save()
    _prefer(enrollment.trainee.user, zone="UTC", weekday=2, hour=9)
    SessionFactory(trainee=enrollment.trainee, date=session_day)
    with time_machine.travel("2026-06-17 10:00:00+00:00", tick=False):  # Wednesday
        found = list(due_log_week(now=timezone.now()))
    assert bool(found) is due


@pytest.mark.django_db
def test_opting_out_in_preferences_or_by_unsubscribing_stops_log_week(enrollment, other_trainee):
    _prefer(enrollment.trainee.user, zone="UTC", kinds=())
    Unsubscribe.objects.create(user=other_trainee.user, kind=Kind.LOG_WEEK)
    with time_machine.travel("2026-06-19 17:00:00+00:00", tick=False):
        assert list(due_log_week(now=timezone.now())) == []


# --- ledger and claims -----------------------------------------------------------------------


@pytest.mark.django_db
def test_planning_twice_for_the_same_period_records_one_row(enrollment):
    _prefer(enrollment.trainee.user, zone="UTC")
    with time_machine.travel("2026-06-19 17:00:00+00:00", tick=False):
        first = deliveries_plan()
        second = deliveries_plan()
    assert (first, second) == (1, 0)
    assert Delivery.objects.filter(kind=Kind.LOG_WEEK).count() == 1


@pytest.mark.django_db
def test_the_ledger_refuses_a_second_row_for_the_same_recipient_kind_and_period(trainee):
    now = timezone.now()
    Delivery.objects.create(recipient=trainee.user, kind=Kind.LOG_WEEK, period="w1", due_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(recipient=trainee.user, kind=Kind.LOG_WEEK, period="w1", due_at=now)
    # another kind or period is a different reminder
    Delivery.objects.create(recipient=trainee.user, kind=Kind.DEADLINE, period="w1", due_at=now)
    Delivery.objects.create(recipient=trainee.user, kind=Kind.LOG_WEEK, period="w2", due_at=now)
    assert Delivery.objects.count() == 3


@pytest.fixture
def pending(trainee):
    return Delivery.objects.create(
        recipient=trainee.user,
        kind=Kind.LOG_WEEK,
        period="w1",
        due_at=timezone.now() - timedelta(minutes=1),
        context={"subject": "Log", "why": "Because.", "lines": [], "action_path": "/"},
    )


@pytest.mark.django_db
def test_only_one_claim_wins(pending):
    assert delivery_claim(delivery_id=pending.pk) is not None
    assert delivery_claim(delivery_id=pending.pk) is None
    pending.refresh_from_db()
    assert (pending.status, pending.attempts) == (DeliveryStatus.SENDING, 1)


@pytest.mark.django_db
def test_a_row_not_yet_due_cannot_be_claimed(pending):
    Delivery.objects.filter(pk=pending.pk).update(due_at=timezone.now() + timedelta(hours=1))
    assert delivery_claim(delivery_id=pending.pk) is None
    pending.refresh_from_db()
    assert (pending.status, pending.attempts) == (DeliveryStatus.PENDING, 0)


@pytest.mark.django_db
def test_sending_twice_sends_one_email(pending, mailoutbox):
    assert delivery_send(delivery_id=pending.pk).result == "sent"
    assert delivery_send(delivery_id=pending.pk).result == "not_claimed"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["X-Countersign-Delivery"] == str(pending.pk)


@pytest.mark.django_db
def test_a_stale_claim_goes_back_to_pending_and_a_fresh_one_does_not(pending):
    delivery_claim(delivery_id=pending.pk)
    assert deliveries_release_stale(older_than=timedelta(minutes=5)) == 0
    Delivery.objects.filter(pk=pending.pk).update(claimed_at=timezone.now() - timedelta(minutes=6))
    assert deliveries_release_stale(older_than=timedelta(minutes=5)) == 1
    pending.refresh_from_db()
    assert pending.status == DeliveryStatus.PENDING


@pytest.mark.django_db
def test_a_permanent_smtp_failure_is_recorded_for_staff(pending, monkeypatch):
    import smtplib

    def refuse(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"x": (550, b"no such user")})

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert delivery_send(delivery_id=pending.pk).result == "failed"
    pending.refresh_from_db()
    assert pending.status == DeliveryStatus.FAILED
    assert "SMTPRecipientsRefused" in pending.last_error


@pytest.mark.django_db
def test_an_unsubscribed_kind_is_skipped_at_send_time(pending, mailoutbox):
    Unsubscribe.objects.create(user=pending.recipient, kind=Kind.LOG_WEEK)
    assert delivery_send(delivery_id=pending.pk).result == "skipped"
    assert mailoutbox == []


# --- pace transitions ------------------------------------------------------------------------


def _status(enrollment, status):
    RequirementStatus.objects.update_or_create(
        enrollment=enrollment,
        key="client_contact",
        defaults={
            "name": "Client contact",
            "kind": "total",
            "unit": "minutes",
            "status": status,
            "required": 600,
            "credited": 100,
            "expected_by_now": 300,
            "as_of": date(2026, 6, 15),
        },
    )


@pytest.mark.django_db
def test_pace_alerts_fire_on_transitions_and_once_more_after_two_weeks(enrollment):
    def plan(day: str) -> list[str]:
        with time_machine.travel(f"{day} 12:00:00+00:00", tick=False):
            deliveries_plan()
        return list(
            Delivery.objects.filter(kind=Kind.PACE_ALERT)
            .order_by("id")
            .values_list("period", flat=True)
        )

    _status(enrollment, "on_track")
    assert plan("2026-06-01") == []
    _status(enrollment, "at_risk")
    assert len(plan("2026-06-02")) == 1
    assert len(plan("2026-06-03")) == 1  # no transition, no message
    _status(enrollment, "behind")
    assert len(plan("2026-06-04")) == 2  # worse: told again
    assert len(plan("2026-06-17")) == 2  # 13 days: not yet
    periods = plan("2026-06-18")  # 14 days still behind: the stronger message
    assert len(periods) == 3 and periods[-1].endswith(":repeat")
    assert len(plan("2026-07-30")) == 3  # only one repeat
    assert PaceNotice.objects.get(enrollment=enrollment).last_status == "behind"


# --- unsubscribe links -----------------------------------------------------------------------


def test_an_unsubscribe_token_names_one_person_and_one_kind():
    token = unsubscribe_token(user_id=7, kind=Kind.LOG_WEEK)
    assert unsubscribe_token_read(token) == (7, Kind.LOG_WEEK)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t.replace("7:", "8:", 1),  # another person
        lambda t: t.replace("log_week", "deadline", 1),  # another kind
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # forged signature
        lambda t: signing.Signer(salt="other").sign("7:log_week"),  # signed for another purpose
    ],
    ids=["other-person", "other-kind", "forged", "other-salt"],
)
def test_an_altered_token_is_refused(tamper):
    with pytest.raises(signing.BadSignature):
        unsubscribe_token_read(tamper(unsubscribe_token(user_id=7, kind=Kind.LOG_WEEK)))


@pytest.mark.django_db
def test_the_link_unsubscribes_its_person_from_its_kind_only(client, trainee, other_trainee):
    token = unsubscribe_token(user_id=trainee.user_id, kind=Kind.LOG_WEEK)
    # a GET (mail scanners prefetch links) changes nothing
    assert client.get(f"/reminders/unsubscribe/{token}/").status_code == 200
    assert not Unsubscribe.objects.exists()
    assert client.post(f"/reminders/unsubscribe/{token}/").status_code == 200
    assert list(Unsubscribe.objects.values_list("user_id", "kind")) == [
        (trainee.user_id, "log_week")
    ]


@pytest.mark.django_db
def test_a_reused_token_for_another_person_changes_nothing(client, trainee, other_trainee):
    token = unsubscribe_token(user_id=trainee.user_id, kind=Kind.LOG_WEEK)
    forged = token.replace(f"{trainee.user_id}:", f"{other_trainee.user_id}:", 1)
    assert client.post(f"/reminders/unsubscribe/{forged}/").status_code == 404
    assert not Unsubscribe.objects.exists()


@pytest.mark.django_db
def test_the_staff_page_lists_deliveries_and_is_staff_only(client, pending, trainee):
    client.force_login(trainee.user)
    assert client.get("/reminders/deliveries/").status_code == 302
    trainee.user.is_staff = True
    trainee.user.save()
    response = client.get(
        "/reminders/deliveries/", {"recipient": "trainee@example.org", "kind": "log_week"}
    )
    assert response.status_code == 200
    assert b"w1" in response.content and b"Pending" in response.content


@pytest.mark.django_db
def test_send_due_reminders_runs_one_pass_without_a_broker(enrollment, mailoutbox):
    from django.core.management import call_command

    _prefer(enrollment.trainee.user, zone="UTC")
    with time_machine.travel("2026-06-19 17:00:00+00:00", tick=False):
        call_command("send_due_reminders")
        call_command("send_due_reminders")
    assert [m.subject for m in mailoutbox] == ["Log this week's sessions for Riverside MFT"]
