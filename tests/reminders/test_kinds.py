"""Each reminder kind on its own, with frozen time: when it is due, when it is not, and what the
message says (why it was sent, a link to act, the unsubscribe link, text and HTML parts)."""

from datetime import date, datetime
from html import escape

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from programs.models import ActivityCategory
from reminders.models import Delivery, DeliveryStatus, Kind, ProgramReminderSettings
from reminders.services.planning import deliveries_plan
from reminders.services.sending import deliveries_send
from reminders.tokens import unsubscribe_token
from tests.factories import (
    SIMPLE_DEFINITION,
    LeaveFactory,
    RequirementSetFactory,
    SessionFactory,
)
from trainees.models import ComplianceSnapshot, RequirementStatus, SessionStatus
from trainees.services.compliance import snapshots_refresh

SITE = "http://127.0.0.1:8000"


def planned_and_sent(kind: str) -> list[mail.EmailMultiAlternatives]:
    """Run one planning pass at the frozen 'now', send every row of `kind`, return the e-mails."""
    deliveries_plan()
    ids = list(Delivery.objects.filter(kind=kind).values_list("pk", flat=True))
    deliveries_send(delivery_ids=ids)
    assert set(Delivery.objects.filter(kind=kind).values_list("status", flat=True)) <= {
        DeliveryStatus.SENT
    }
    return [m for m in mail.outbox if int(m.extra_headers["X-Countersign-Delivery"]) in ids]


def assert_anatomy(message, *, user, kind: str, why: str, action_path: str, lines: list[str]):
    """Why it was sent, where to act, how to stop this kind: in the text and in the HTML part."""
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert message.to == [user.email]
    unsubscribe = f"{SITE}/reminders/unsubscribe/{unsubscribe_token(user_id=user.pk, kind=kind)}/"
    for part, quote in ((message.body, str), (html, escape)):
        assert quote(why) in part
        assert f"{SITE}{action_path}" in part
        assert unsubscribe in part
        for line in lines:
            assert quote(line) in part
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"


def at(moment: str):
    return time_machine.travel(moment, tick=False)


# --- cadence miss ------------------------------------------------------------------------------

WEEKLY_THERAPY = {
    "key": "weekly_therapy",
    "name": "Weekly personal therapy",
    "kind": "cadence",
    "categories": ["personal_therapy"],
    "period": "week",
    "min_sessions": 1,
    "advisory": False,
}


@pytest.fixture
def cadence_enrollment(enrollment):
    """`enrollment` on a requirement set asking for one personal-therapy session every week."""
    enrollment.requirement_set = RequirementSetFactory(
        program=enrollment.program,
        definition={**SIMPLE_DEFINITION, "requirements": [WEEKLY_THERAPY]},
    )
    enrollment.save()
    return enrollment


def _therapy(enrollment, day: date) -> None:
    from programs.models import ActivityCategory

    SessionFactory(
        trainee=enrollment.trainee,
        date=day,
        category=ActivityCategory.objects.get(key="personal_therapy"),
        status=SessionStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setup", "messages"),
    [
        ("nothing", 1),  # the week 8-14 June ended without a therapy session
        ("leave", 0),  # on leave the whole week: the period is exempt
        ("session", 0),  # one session on Wednesday 10 June satisfies the week
    ],
)
def test_a_missed_weekly_cadence_period_sends_one_message_naming_it(
    cadence_enrollment, setup, messages
):
    # given Tuesday 16 June 2026; the program week (Monday start) 8-14 June has just ended
    with at("2026-06-16 10:00:00+00:00"):
        if setup == "leave":
            LeaveFactory(
                enrollment=cadence_enrollment,
                start_date=date(2026, 6, 8),
                end_date=date(2026, 6, 14),
            )
        if setup == "session":
            _therapy(cadence_enrollment, date(2026, 6, 10))
        snapshots_refresh(enrollments=[cadence_enrollment])
    (requirement,) = ComplianceSnapshot.objects.get(enrollment=cadence_enrollment).result[
        "requirements"
    ]
    (week,) = [p for p in requirement["periods"] if p["end"] == "2026-06-14"]
    assert (week["satisfied"], week["exempt"]) == {
        "nothing": (False, False),
        "leave": (False, True),
        "session": (True, False),
    }[setup]
    with at("2026-06-16 10:00:00+00:00"):
        # when a pass plans and sends
        sent = planned_and_sent(Kind.CADENCE_MISS)

    # then
    assert len(sent) == messages
    if not messages:
        return
    (message,) = sent
    assert message.subject == "Missed: Weekly personal therapy (2026-06-08 to 2026-06-14)"
    assert_anatomy(
        message,
        user=cadence_enrollment.trainee.user,
        kind=Kind.CADENCE_MISS,
        why=(
            "Riverside MFT asks for Weekly personal therapy in every period; the period from "
            "2026-06-08 to 2026-06-14 ended without it."
        ),
        action_path=f"/enrollments/{cadence_enrollment.pk}/requirements/weekly_therapy/",
        lines=["Logged in that period: 0 session(s)."],
    )
    # only the period that just ended: 1-7 June (also missed) ended more than 7 days ago
    assert list(
        Delivery.objects.filter(kind=Kind.CADENCE_MISS).values_list("period", flat=True)
    ) == [f"e{cadence_enrollment.pk}:weekly_therapy:2026-06-14"]


# --- countersign nudge and escalation ------------------------------------------------------------


def _submitted(
    trainee, submitted_at: str, day: date = date(2026, 6, 1), category: str = "client_individual"
) -> None:
    SessionFactory(
        trainee=trainee,
        date=day,
        category=ActivityCategory.objects.get(key=category),
        status=SessionStatus.SUBMITTED,
        submitted_at=datetime.fromisoformat(submitted_at),
    )


@pytest.mark.django_db
def test_a_supervisor_gets_one_summary_of_sessions_waiting_more_than_seven_days(
    trainee, supervisor
):
    # given two sessions submitted 9 and 8 days before Wednesday 17 June, one submitted 3 days ago
    _submitted(trainee, "2026-06-08 09:00:00+00:00")
    _submitted(trainee, "2026-06-09 09:00:00+00:00")
    _submitted(trainee, "2026-06-14 09:00:00+00:00")

    with at("2026-06-17 12:00:00+00:00"):
        sent = planned_and_sent(Kind.COUNTERSIGN_NUDGE)
        # a second pass in the same week sends nothing more
        assert planned_and_sent(Kind.COUNTERSIGN_NUDGE) == sent

    (message,) = sent
    assert message.subject == "2 session(s) waiting for your countersignature"
    assert_anatomy(
        message,
        user=supervisor,
        kind=Kind.COUNTERSIGN_NUDGE,
        why=(
            "Trainees you supervise submitted sessions that have waited longer than their "
            "program allows."
        ),
        action_path="/sessions/?status=submitted",
        lines=["Riverside MFT: 2 session(s), oldest submitted 08 June 2026"],
    )
    assert Delivery.objects.get(kind=Kind.COUNTERSIGN_NUDGE).period == "2026-W25"


@pytest.mark.django_db
def test_sessions_waiting_less_than_seven_days_send_no_nudge(trainee, supervisor, director):
    _submitted(trainee, "2026-06-10 12:00:01+00:00")  # 6 days 23:59:59 before 'now'
    with at("2026-06-17 12:00:00+00:00"):
        assert planned_and_sent(Kind.COUNTERSIGN_NUDGE) == []
        assert planned_and_sent(Kind.COUNTERSIGN_ESCALATION) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("submitted_at", "escalated"),
    [
        ("2026-06-03 12:00:01+00:00", False),  # a second short of 7 + 7 days
        ("2026-06-03 12:00:00+00:00", True),  # exactly 14 days
    ],
)
def test_the_director_hears_when_sessions_still_wait_after_a_further_seven_days(
    trainee, supervisor, director, submitted_at, escalated
):
    _submitted(trainee, submitted_at)
    with at("2026-06-17 12:00:00+00:00"):
        nudges = planned_and_sent(Kind.COUNTERSIGN_NUDGE)
        escalations = planned_and_sent(Kind.COUNTERSIGN_ESCALATION)

    assert [m.to for m in nudges] == [[supervisor.email]]
    assert len(escalations) == int(escalated)
    if not escalated:
        return
    (message,) = escalations
    assert message.subject == "Countersigning overdue in Riverside MFT"
    assert_anatomy(
        message,
        user=director,
        kind=Kind.COUNTERSIGN_ESCALATION,
        why="Supervisors were reminded and sessions are still waiting for countersignature.",
        action_path="/",
        lines=["Sam Supervisor: 1 session(s), oldest submitted 03 June 2026"],
    )


@pytest.mark.django_db
def test_a_program_can_shorten_the_countersign_wait(trainee, supervisor, program):
    # given a program that allows 3 days, and a session submitted 4 days ago
    ProgramReminderSettings.objects.create(program=program, countersign_wait_days=3)
    _submitted(trainee, "2026-06-13 12:00:00+00:00")
    with at("2026-06-17 12:00:00+00:00"):
        sent = planned_and_sent(Kind.COUNTERSIGN_NUDGE)
    assert [m.subject for m in sent] == ["1 session(s) waiting for your countersignature"]


@pytest.mark.django_db
def test_the_nudge_counts_only_sessions_in_the_supervisors_queue(trainee, supervisor, director):
    """Personal therapy (a private category) and sessions outside the assignment's dates or
    categories are not the supervisor's to countersign, so the nudge and the escalation to the
    director do not count them: a count that did would reveal private sessions."""
    from trainees.models import SupervisorAssignment

    waited = "2026-06-01 09:00:00+00:00"
    _submitted(trainee, waited, day=date(2026, 5, 29), category="personal_therapy")
    _submitted(trainee, waited, day=date(2026, 5, 29))  # client work: the one that counts
    _submitted(trainee, waited, day=date(2026, 5, 28), category="supervision_individual")
    _submitted(trainee, waited, day=date(2026, 1, 2))  # before the assignment starts
    # The assignment covers client work only, from 5 January.
    assignment = SupervisorAssignment.objects.get(supervisor=supervisor)
    assignment.categories.set([ActivityCategory.objects.get(key="client_individual")])

    with at("2026-06-17 12:00:00+00:00"):
        (nudge,) = planned_and_sent(Kind.COUNTERSIGN_NUDGE)
        (escalation,) = planned_and_sent(Kind.COUNTERSIGN_ESCALATION)

    assert nudge.subject == "1 session(s) waiting for your countersignature"
    assert "Riverside MFT: 1 session(s), oldest submitted 01 June 2026" in nudge.body
    assert "Sam Supervisor: 1 session(s), oldest submitted 01 June 2026" in escalation.body


@pytest.mark.django_db
def test_only_private_sessions_waiting_send_no_nudge(trainee, supervisor, director):
    _submitted(trainee, "2026-06-01 09:00:00+00:00", category="personal_therapy")

    with at("2026-06-17 12:00:00+00:00"):
        assert planned_and_sent(Kind.COUNTERSIGN_NUDGE) == []
        assert planned_and_sent(Kind.COUNTERSIGN_ESCALATION) == []


# --- deadline ----------------------------------------------------------------------------------


def _requirement(enrollment, key: str, name: str, status: str, credited: int, unit="minutes"):
    RequirementStatus.objects.create(
        enrollment=enrollment,
        key=key,
        name=name,
        kind="total",
        unit=unit,
        status=status,
        required=600 if unit == "minutes" else 4,
        credited=credited,
        expected_by_now=300 if unit == "minutes" else 2,
        as_of=date(2026, 6, 17),
    )


@pytest.fixture
def ending_enrollment(enrollment):
    """Expected to end on Saturday 1 August 2026: 45 days after Friday 17 June."""
    enrollment.expected_end_date = date(2026, 8, 1)
    enrollment.save()
    return enrollment


@pytest.mark.django_db
def test_a_deadline_message_lists_the_unmet_requirements(ending_enrollment):
    _requirement(ending_enrollment, "client_contact", "Client contact", "behind", 100)
    _requirement(ending_enrollment, "therapy_sessions", "Personal therapy", "met", 4, "sessions")
    _requirement(ending_enrollment, "supervision", "Supervision", "at_risk", 215)

    with at("2026-06-17 12:00:00+00:00"):
        (message,) = planned_and_sent(Kind.DEADLINE)

    assert message.subject == "45 days left in Riverside MFT"
    assert_anatomy(
        message,
        user=ending_enrollment.trainee.user,
        kind=Kind.DEADLINE,
        why=("Your expected end date is 01 August 2026 and some requirements are not met yet."),
        action_path="/",
        lines=[
            "Client contact: 1 h 40 min of 10 h credited (behind)",
            "Supervision: 3 h 35 min of 10 h credited (at risk)",
        ],
    )
    assert "Personal therapy" not in message.body
    assert Delivery.objects.get(kind=Kind.DEADLINE).period == (
        f"e{ending_enrollment.pk}:2026-08-01:60"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("statuses", "now"),
    [
        (("met", "met"), "2026-06-17 12:00:00+00:00"),  # everything met
        (("behind", "met"), "2026-06-01 23:59:59+00:00"),  # 61 days before the end: not yet
    ],
)
def test_no_deadline_message_when_everything_is_met_or_it_is_too_early(
    ending_enrollment, statuses, now
):
    _requirement(ending_enrollment, "client_contact", "Client contact", statuses[0], 600)
    _requirement(ending_enrollment, "supervision", "Supervision", statuses[1], 600)
    with at(now):
        assert planned_and_sent(Kind.DEADLINE) == []


@pytest.mark.django_db
def test_a_program_can_turn_the_deadline_reminder_off(ending_enrollment, program):
    ProgramReminderSettings.objects.create(
        program=program, enabled_kinds=[k for k in Kind.values if k != Kind.DEADLINE]
    )
    _requirement(ending_enrollment, "client_contact", "Client contact", "behind", 100)
    with at("2026-06-17 12:00:00+00:00"):
        assert planned_and_sent(Kind.DEADLINE) == []
    assert not Delivery.objects.filter(kind=Kind.DEADLINE).exists()


# --- director digest ---------------------------------------------------------------------------


def _snapshot(enrollment, status: str) -> None:
    ComplianceSnapshot.objects.create(
        enrollment=enrollment,
        requirement_set=enrollment.requirement_set,
        as_of=date(2026, 6, 15),
        status=status,
        result={},
        computed_at=timezone.now(),
    )


@pytest.mark.django_db
def test_the_director_digest_goes_out_once_a_week_with_the_programs_figures(
    enrollment, other_trainee, director, other_director
):
    # given: Tess went behind this week (a pace alert went out on Wednesday 10 June), Oli is on
    # track, one of Tess's sessions has waited 8 days, another only 2
    other = other_trainee.enrollments.get()
    _snapshot(enrollment, "behind")
    _snapshot(other, "on_track")
    Delivery.objects.create(
        recipient=enrollment.trainee.user,
        kind=Kind.PACE_ALERT,
        period="x",
        program=enrollment.program,
        due_at=datetime.fromisoformat("2026-06-10 12:00:00+00:00"),
        status=DeliveryStatus.SENT,
        sent_at=datetime.fromisoformat("2026-06-10 12:00:00+00:00"),
        context={"enrollment_id": enrollment.pk},
    )
    _submitted(enrollment.trainee, "2026-06-07 08:00:00+00:00")
    _submitted(enrollment.trainee, "2026-06-13 08:00:00+00:00")
    # and personal therapy (private) waiting as long, which the program does not hear of
    _submitted(enrollment.trainee, "2026-06-07 08:00:00+00:00", category="personal_therapy")

    # when passes run before and at Monday 08:00 (the default, UTC), and later that week
    with at("2026-06-15 07:59:59+00:00"):
        assert planned_and_sent(Kind.DIRECTOR_DIGEST) == []
    with at("2026-06-15 08:00:00+00:00"):
        sent = planned_and_sent(Kind.DIRECTOR_DIGEST)
    with at("2026-06-19 08:00:00+00:00"):
        assert planned_and_sent(Kind.DIRECTOR_DIGEST) == sent

    # then one digest for each director, each about their own program
    assert sorted(m.to[0] for m in sent) == ["director@example.org", "other.director@example.org"]
    (message,) = [m for m in sent if m.to == [director.email]]
    assert message.subject == "Weekly digest: Riverside MFT"
    assert_anatomy(
        message,
        user=director,
        kind=Kind.DIRECTOR_DIGEST,
        why="You direct Riverside MFT; this is the summary for the week of 15 June 2026.",
        action_path="/",
        lines=[
            "Trainees newly at risk or behind this week: 1",
            "Sessions waiting more than 7 days for countersignature: 1",
            "Active trainees: 0 met, 1 on track, 0 at risk, 1 behind, 0 not started",
        ],
    )
    assert sorted(
        Delivery.objects.filter(kind=Kind.DIRECTOR_DIGEST).values_list("period", flat=True)
    ) == sorted(
        [
            f"p{enrollment.program_id}:2026-06-15",
            f"p{other_director.program_roles.get().program_id}:2026-06-15",
        ]
    )
