"""End to end with a real Redis and real Celery worker subprocesses (see conftest.py)."""

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import User
from programs.models import Program
from reminders.models import Delivery, DeliveryStatus, Kind, NotificationPreference
from tests.factories import EnrollmentFactory, InstitutionFactory, TraineeFactory, UserFactory
from tests.reminders.conftest import Broker, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DUE_PASS = "reminders.tasks.reminders_due_pass"
SWEEP = "reminders.tasks.reminders_sweep"


def trainees_due_to_log_their_week(count: int) -> list[User]:
    """Trainees whose chosen weekday is today (UTC) at 00:00 and who logged nothing this week."""
    now = timezone.now()
    # Program.objects, not ProgramFactory: transactional tests flush the seeded categories.
    program = Program.objects.create(
        institution=InstitutionFactory(), slug=f"p-{count}", name="Due Program", week_start=0
    )
    users = []
    for i in range(count):
        user = UserFactory(email=f"due{i}@example.org", full_name=f"Due Person{i}")
        trainee = TraineeFactory(user=user)
        EnrollmentFactory(
            trainee=trainee,
            program=program,
            start_date=now.date() - timedelta(days=30),
            expected_end_date=now.date() + timedelta(days=300),
        )
        NotificationPreference.objects.create(
            user=user, kinds=["log_sessions"], hour=0, weekday=now.weekday(), time_zone="UTC"
        )
        users.append(user)
    return users


def pending_deliveries(count: int) -> list[int]:
    """`count` ledger rows due now, one per person (what a due-pass would have recorded)."""
    now = timezone.now()
    users = User.objects.bulk_create(
        [User(email=f"bulk{i}@example.org", full_name=f"Bulk {i}") for i in range(count)]
    )
    rows = Delivery.objects.bulk_create(
        [
            Delivery(
                recipient=u,
                kind=Kind.LOG_WEEK,
                period="bulk",
                due_at=now - timedelta(minutes=1),
                context={
                    "subject": "Log this week",
                    "why": "Test.",
                    "lines": [],
                    "action_path": "/",
                },
            )
            for u in users
        ]
    )
    return [r.pk for r in rows]


def sent_count() -> int:
    return Delivery.objects.filter(status=DeliveryStatus.SENT).count()


def test_a_due_reminder_reaches_the_mailbox_through_redis_and_a_worker(
    shared_broker: Broker, start_worker, mailbox
):
    # given a trainee whose weekly reminder time has come and who logged nothing this week
    (user,) = trainees_due_to_log_their_week(1)
    start_worker(shared_broker)

    # when beat would fire the due-pass
    shared_broker.send(DUE_PASS)

    # then one e-mail, text and HTML, saying why, linking to act and to unsubscribe
    wait_for(lambda: mailbox.delivery_counts().total() >= 1, 30, "the e-mail")
    # the worker writes the message, then records it as sent: wait for the record too
    wait_for(
        lambda: Delivery.objects.filter(recipient=user, status=DeliveryStatus.SENT).exists(),
        30,
        "the delivery recorded as sent",
    )
    delivery = Delivery.objects.get(recipient=user)
    assert (delivery.kind, delivery.status) == (Kind.LOG_WEEK, DeliveryStatus.SENT)
    assert mailbox.settle() == {delivery.pk: 1}
    (message,) = mailbox.messages()
    assert "To: due0@example.org" in message
    assert "Subject: Log this week's sessions for" in message
    assert "text/plain" in message and "text/html" in message
    assert "You have not logged any session" in message
    assert "http://127.0.0.1:8000/sessions/new/" in message
    assert "http://127.0.0.1:8000/reminders/unsubscribe/" in message


@pytest.mark.parametrize(
    ("fault", "copies_each"),
    [("", 1), ("no_claim", 2)],
    ids=["with-claim", "negative-control-claim-bypassed"],
)
def test_two_due_passes_for_the_same_period_send_one_message_each(
    shared_broker: Broker, start_worker, mailbox, fault: str, copies_each: int
):
    # given two beat ticks for the same period already queued (beat run twice by mistake)
    users = trainees_due_to_log_their_week(10)
    shared_broker.send(DUE_PASS)
    shared_broker.send(DUE_PASS)

    # when a worker drains the queue
    start_worker(shared_broker, REMINDERS_FAULT=fault)
    wait_for(lambda: sent_count() == 10, 30, "ten sends")

    # then one ledger row per person, and (with the claim) one message per person
    counts = mailbox.settle()
    ids = set(Delivery.objects.filter(recipient__in=users).values_list("pk", flat=True))
    assert len(ids) == 10
    assert set(counts) == ids
    assert set(counts.values()) == {copies_each}


# The negative controls bypass the claim: the same scenario then repeats messages, which the
# exactly-once assertion would catch. Two sweeps at the catch-up point (beat's tick and a manual
# run, or two beats) put the same pending ids in two messages, so only the claim stops repeats.
KILL_CASES = pytest.mark.parametrize(
    "fault", ["", "no_claim"], ids=["with-claim", "negative-control-claim-bypassed"]
)


def assert_each_once_or_repeats(counts, ids, fault: str) -> None:
    assert set(counts) == set(ids)  # never a loss
    if fault:
        assert max(counts.values()) > 1  # the control: repeats appear and would be caught
    else:
        assert max(counts.values()) == 1


@KILL_CASES
def test_killing_redis_mid_run_delays_but_never_loses_or_repeats(
    private_redis, start_worker, mailbox, fault: str
):
    # given 1,000 reminders due, fanned out through a Redis the test owns
    ids = pending_deliveries(1000)
    broker = Broker(private_redis.url, "reminders-redis-kill")
    start_worker(broker, REMINDERS_SEND_DELAY="0.002", REMINDERS_FAULT=fault)
    broker.send(SWEEP)
    wait_for(lambda: sent_count() >= 150, 60, "the first sends")

    # when redis-server dies (no persistence: every queued message is gone) and comes back
    private_redis.kill()
    time.sleep(1)
    private_redis.start()
    time.sleep(3)

    # then (control) messages were lost with Redis, so without the sweep reminders would be missing
    assert sent_count() < 1000
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).exists()

    # when the sweep runs (twice), then every reminder is delivered exactly once
    broker.send(SWEEP)
    broker.send(SWEEP)
    wait_for(lambda: sent_count() == 1000, 90, "all 1,000 sends")
    counts = mailbox.settle()
    broker.close()
    assert_each_once_or_repeats(counts, ids, fault)


@KILL_CASES
def test_a_worker_killed_mid_batch_delays_but_never_loses_or_repeats(
    shared_broker: Broker, start_worker, mailbox, tmp_path: Path, fault: str
):
    # given 200 reminders, and a worker that will hang on its 60th send right after the claim
    ids = pending_deliveries(200)
    marker = tmp_path / "hung"
    first = start_worker(
        shared_broker,
        REMINDERS_FAULT=",".join(filter(None, [fault, "hang_at:60"])),
        REMINDERS_MARKER=str(marker),
    )
    shared_broker.send(SWEEP)
    wait_for(marker.exists, 60, "the worker to reach its 60th send")
    hung = int(marker.read_text())

    # when it is SIGKILLed mid-batch and a fresh worker takes over
    first.kill()
    start_worker(shared_broker, REMINDERS_CLAIM_LEASE_SECONDS="1", REMINDERS_FAULT=fault)
    mailbox.settle()

    # then (control) the killed batch is stuck: its message is unacknowledged, its row claimed
    assert Delivery.objects.get(pk=hung).status == DeliveryStatus.SENDING
    assert sent_count() < 200

    # when the sweep runs twice (claims older than the lease go back to pending)
    time.sleep(1.1)
    shared_broker.send(SWEEP)
    shared_broker.send(SWEEP)
    wait_for(lambda: sent_count() == 200, 60, "all 200 sends")

    # then every reminder went out exactly once
    counts = mailbox.settle()
    assert_each_once_or_repeats(counts, ids, fault)
