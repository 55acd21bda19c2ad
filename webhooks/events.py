"""What the domain tells subscribers, built from the rows it just changed.

Called inside trainees' services' transactions, through `WebhookListener` (trainees.events). Each function is bounded per batch: one
query for the subscriptions (nothing more when there are none), a few bounded reads, one bulk
insert. Payloads carry ids, statuses, dates and figures, never private details (notes, providers).

Privacy: a session in a category private in any of the trainee's programs (the strictest reading,
as trainees.selectors.access) emits no `session.verified` at all. Its effect still shows, as
totals, through `requirement.status_changed`, exactly as staff see it in compliance.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from programs.engine import EnrollmentResult
from programs.models import ActivityCategory
from trainees.models import Enrollment, RequirementStatus, Session
from trainees.selectors.access import private_category_ids
from webhooks.models import WebhookEvent
from webhooks.services import Event, events_emit, subscribers


def sessions_verified_emit(*, sessions: Sequence[Session]) -> int:
    """`session.verified` for each countersigned session, to the institutions of the trainee's
    programs; private categories are never announced. Returns the deliveries recorded."""
    if not sessions:
        return 0
    trainee_ids = sorted({s.trainee_id for s in sessions})
    subscriptions = subscribers(
        event=WebhookEvent.SESSION_VERIFIED,
        institution__programs__enrollments__trainee_id__in=trainee_ids,
    )
    if not subscriptions:
        return 0
    enrolled = list(
        Enrollment.objects.filter(trainee_id__in=trainee_ids)
        .values_list("trainee_id", "program__institution_id", "trainee__external_id")
        .distinct()
    )
    private = private_category_ids(trainee_ids=trainee_ids)
    keys = dict(
        ActivityCategory.objects.filter(pk__in={s.category_id for s in sessions}).values_list(
            "pk", "key"
        )
    )
    events = [
        Event(
            institution_id=institution_id,
            name=WebhookEvent.SESSION_VERIFIED,
            data={
                "session": session.pk,
                "trainee": session.trainee_id,
                "trainee_external_id": external_id,
                "date": session.date.isoformat(),
                "duration_minutes": session.duration_minutes,
                "category": keys[session.category_id],
                "verified_at": session.verified_at.isoformat() if session.verified_at else None,
            },
        )
        for session in sessions
        if session.category_id not in private[session.trainee_id]
        for trainee_id, institution_id, external_id in enrolled
        if trainee_id == session.trainee_id and institution_id in subscriptions
    ]
    return events_emit(events=events, subscriptions=subscriptions)


def enrollment_status_changed_emit(*, enrollment: Enrollment, previous: str) -> int:
    """`enrollment.status_changed` after completing or withdrawing an enrollment."""
    institution_id = enrollment.program.institution_id
    subscriptions = subscribers(
        event=WebhookEvent.ENROLLMENT_STATUS_CHANGED, institution_id=institution_id
    )
    if not subscriptions or previous == enrollment.status:
        return 0
    event = Event(
        institution_id=institution_id,
        name=WebhookEvent.ENROLLMENT_STATUS_CHANGED,
        data={
            "enrollment": enrollment.pk,
            "trainee": enrollment.trainee_id,
            "program": enrollment.program.slug,
            "previous_status": previous,
            "status": enrollment.status,
            "ended_on": enrollment.ended_on.isoformat() if enrollment.ended_on else None,
        },
    )
    return events_emit(events=[event], subscriptions=subscriptions)


@dataclass(frozen=True, slots=True)
class RequirementWatch:
    """What `_store` needs to announce requirement changes of a batch, read before it replaces
    the rows: the subscribers, each watched enrollment's institution, the statuses stored."""

    subscriptions: dict[int, list[int]] = field(default_factory=dict)
    institutions: dict[int, int] = field(default_factory=dict)
    before: dict[int, dict[str, str]] = field(default_factory=dict)


def requirement_statuses_watch(*, enrollments: Sequence[Enrollment]) -> RequirementWatch:
    """Read the stored statuses of a batch's enrollments whose institution subscribes to
    `requirement.status_changed`: three queries, or one when nobody subscribes."""
    ids = [e.pk for e in enrollments]
    subscriptions = subscribers(
        event=WebhookEvent.REQUIREMENT_STATUS_CHANGED,
        institution__programs__enrollments__in=ids,
    )
    if not subscriptions:
        return RequirementWatch()
    institutions = dict(
        Enrollment.objects.filter(pk__in=ids).values_list("pk", "program__institution_id")
    )
    watched = {pk: inst for pk, inst in institutions.items() if inst in subscriptions}
    if not watched:
        return RequirementWatch()
    before: dict[int, dict[str, str]] = {}
    rows = RequirementStatus.objects.filter(enrollment_id__in=list(watched)).values_list(
        "enrollment_id", "key", "status"
    )
    for enrollment_id, key, status in rows:
        before.setdefault(enrollment_id, {})[key] = status
    return RequirementWatch(subscriptions=subscriptions, institutions=watched, before=before)


def requirement_statuses_changed_emit(
    *,
    enrollments: Sequence[Enrollment],
    results: dict[int, EnrollmentResult],
    watch: RequirementWatch,
) -> int:
    """`requirement.status_changed` for each requirement whose stored status differs from the
    new one. A requirement with no earlier status (a new enrollment, a new requirement set
    version) is not a change and emits nothing."""
    events = []
    for enrollment in enrollments:
        previous = watch.before.get(enrollment.pk)
        if not previous:
            continue
        result = results[enrollment.pk]
        for requirement in result.requirements:
            old = previous.get(requirement.key)
            if old is None or old == requirement.status:
                continue
            events.append(
                Event(
                    institution_id=watch.institutions[enrollment.pk],
                    name=WebhookEvent.REQUIREMENT_STATUS_CHANGED,
                    data={
                        "enrollment": enrollment.pk,
                        "trainee": enrollment.trainee_id,
                        "requirement": requirement.key,
                        "previous_status": old,
                        "status": requirement.status,
                        "required": requirement.required,
                        "credited": requirement.credited,
                        "as_of": _iso(result.as_of),
                    },
                )
            )
    return events_emit(events=events, subscriptions=watch.subscriptions)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


class WebhookListener:
    """The webhooks' ear on the domain (registered in webhooks/apps.py)."""

    def sessions_verified(self, *, sessions: Sequence[Session]) -> None:
        sessions_verified_emit(sessions=sessions)

    def enrollment_status_changed(self, *, enrollment: Enrollment, previous: str) -> None:
        enrollment_status_changed_emit(enrollment=enrollment, previous=previous)

    def requirement_statuses_watch(self, *, enrollments: Sequence[Enrollment]) -> RequirementWatch:
        return requirement_statuses_watch(enrollments=enrollments)

    def requirement_statuses_changed(
        self,
        *,
        enrollments: Sequence[Enrollment],
        results: dict[int, EnrollmentResult],
        watch: RequirementWatch,
    ) -> None:
        requirement_statuses_changed_emit(enrollments=enrollments, results=results, watch=watch)
