"""Fan-out cost: planning and sending a batch take the same number of queries for 10 trainees as
for 60 (sending adds exactly one status write per message, see deliveries_send)."""

from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import ProgramRole
from reminders.models import Delivery, DeliveryStatus, Kind, Unsubscribe
from reminders.services.planning import deliveries_plan
from reminders.services.sending import deliveries_send
from tests.factories import (
    EnrollmentFactory,
    ProgramFactory,
    ProgramRoleFactory,
    SessionFactory,
    SupervisorAssignmentFactory,
    TraineeFactory,
    UserFactory,
)
from trainees.models import ComplianceSnapshot, RequirementStatus, SessionStatus

NOW = "2026-06-19 17:00:00+00:00"  # Friday: log-your-week (16:00 UTC by default) is due


def cohort(size: int) -> None:
    """`size` trainees of one program, each due for every trainee-facing kind at NOW, one
    supervisor per trainee with a session waiting 15 days, and a director."""
    program = ProgramFactory(slug=f"fan-{size}", name=f"Fan {size}")
    ProgramRoleFactory(program=program, user=UserFactory(), role=ProgramRole.Role.DIRECTOR)
    for _ in range(size):
        trainee = TraineeFactory()
        enrollment = EnrollmentFactory(
            trainee=trainee, program=program, expected_end_date=date(2026, 8, 1)
        )
        SupervisorAssignmentFactory(enrollment=enrollment, supervisor=UserFactory())
        SessionFactory(
            trainee=trainee,
            date=date(2026, 6, 1),
            status=SessionStatus.SUBMITTED,
            submitted_at=datetime.fromisoformat("2026-06-04 09:00:00+00:00"),
        )
        RequirementStatus.objects.create(
            enrollment=enrollment,
            key="client_contact",
            name="Client contact",
            kind="total",
            unit="minutes",
            status="behind",
            required=600,
            credited=100,
            expected_by_now=300,
            as_of=date(2026, 6, 19),
        )
        ComplianceSnapshot.objects.create(
            enrollment=enrollment,
            requirement_set=enrollment.requirement_set,
            as_of=date(2026, 6, 19),
            status="behind",
            computed_at=datetime.fromisoformat(NOW),
            result={
                "requirements": [
                    {
                        "key": "weekly",
                        "name": "Weekly therapy",
                        "kind": "cadence",
                        "advisory": False,
                        "periods": [
                            {
                                "start": "2026-06-08",
                                "end": "2026-06-14",
                                "sessions": 0,
                                "satisfied": False,
                                "exempt": False,
                            }
                        ],
                    }
                ]
            },
        )


def plan_and_send() -> tuple[int, int, int, int]:
    """(planning queries, send-batch queries, rows planned, e-mails sent) for one pass."""
    with time_machine.travel(NOW, tick=False):
        with CaptureQueriesContext(connection) as planning:
            deliveries_plan()
        ids = list(Delivery.objects.order_by("id").values_list("pk", flat=True))
        # someone unsubscribes between planning and sending: a skip costs no per-row query
        Unsubscribe.objects.create(
            user=Delivery.objects.filter(kind=Kind.LOG_WEEK).first().recipient, kind=Kind.LOG_WEEK
        )
        with CaptureQueriesContext(connection) as sending:
            outcomes = deliveries_send(delivery_ids=ids)
    sent = sum(o.result == "sent" for o in outcomes)
    return len(planning), len(sending), len(ids), sent


@pytest.mark.django_db
@pytest.mark.parametrize("size", [10, 60])
def test_queries_per_batch_do_not_grow_with_the_number_of_trainees(size, mailoutbox):
    cohort(size)
    planning, sending, rows, sent = plan_and_send()

    # per trainee: log_week, pace_alert, cadence_miss, deadline; per supervisor: one nudge; for
    # the director: one escalation (15 days > 7 + 7) and this week's digest (due since Monday)
    assert rows == 4 * size + size + 2
    assert sent == rows - 1  # the one unsubscribed log_week is skipped
    assert Delivery.objects.filter(status=DeliveryStatus.SKIPPED).count() == 1
    assert len(mailoutbox) == sent
    # the same for 10 and 60: hand-counted once, asserted exactly for both sizes
    assert planning == PLANNING_QUERIES
    assert sending - sent == SEND_BATCH_QUERIES  # plus exactly one status write per e-mail


# Planning: every selector loads a batch of up to 500 enrollments with a fixed set of queries.
PLANNING_QUERIES = 59
# Sending: SAVEPOINT, SELECT ... FOR UPDATE SKIP LOCKED, the claim UPDATE, RELEASE SAVEPOINT
# (a test runs inside a transaction; in production the atomic block is BEGIN/COMMIT), the
# unsubscribes of the batch's recipients, one UPDATE marking the skipped rows.
SEND_BATCH_QUERIES = 6


@pytest.mark.django_db
def test_the_benchmark_hook_measures_a_weekly_run_and_changes_nothing(mailoutbox):
    from bench.reminders import run_reminder_benchmark

    cohort(10)
    with time_machine.travel("2026-06-22 09:00:00+00:00", tick=False):  # Monday: plans at 20 June
        figures = run_reminder_benchmark()
    assert {k: figures[k] for k in ("trainees", "messages", "batches")} == {
        "trainees": 10,
        "messages": 5 * 10 + 2,
        "batches": 2,  # 52 rows in batches of 50
    }
    assert figures["queries_per_batch"] == SEND_BATCH_QUERIES - 1  # no skip-update this time
    assert figures["wall_seconds"] > 0
    assert not Delivery.objects.exists()
    assert mailoutbox == []
