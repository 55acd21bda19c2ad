"""The supervisor's side: what awaits their countersignature, and their supervisees' standing.

Both start from the scoped querysets of trainees.selectors.access, so a session of a private
category, or of someone they do not supervise, is never in the queue in the first place.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.models import User
from trainees.models import (
    Enrollment,
    RequirementStatus,
    Session,
    SessionStatus,
    SupervisorAssignment,
)
from trainees.selectors.access import enrollments_visible_to, sessions_visible_to


def sessions_to_countersign(supervisor: User) -> QuerySet[Session]:
    """Submitted sessions this supervisor may verify: they provided it, or were assigned to the
    trainee on its date for its category (mirrors services.sessions.supervisor_may_countersign)."""
    assigned = SupervisorAssignment.objects.filter(
        supervisor=supervisor,
        enrollment__trainee_id=OuterRef("trainee_id"),
        starts_on__lte=OuterRef("date"),
    ).filter(
        (Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("date")))
        & (Q(categories__isnull=True) | Q(categories=OuterRef("category_id")))
    )
    return (
        sessions_visible_to(supervisor)
        .filter(status=SessionStatus.SUBMITTED, withdrawn_at__isnull=True)
        .exclude(trainee__user=supervisor)
        .filter(Q(provider=supervisor) | Exists(assigned))
    )


def sessions_verified_by(supervisor: User) -> QuerySet[Session]:
    """Sessions they verified (the ones they may reopen), newest first."""
    return (
        sessions_visible_to(supervisor)
        .filter(status=SessionStatus.VERIFIED, verified_by=supervisor, withdrawn_at__isnull=True)
        .select_related("trainee__user", "category")
        .order_by("-verified_at", "-pk")
    )


@dataclass(frozen=True, slots=True)
class QueueWeek:
    monday: date
    sessions: tuple[Session, ...]

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def minutes(self) -> int:
        return sum(s.duration_minutes for s in self.sessions)

    @property
    def key(self) -> str:
        return f"{self.sessions[0].trainee_id}-{self.monday.isoformat()}"


@dataclass(frozen=True, slots=True)
class QueueTrainee:
    trainee_id: int
    name: str
    weeks: tuple[QueueWeek, ...]

    @property
    def count(self) -> int:
        return sum(len(w.sessions) for w in self.weeks)


def countersign_queue(*, supervisor: User) -> list[QueueTrainee]:
    """Awaiting sessions grouped by trainee (by name) and ISO week (oldest first). One query."""
    sessions = list(
        sessions_to_countersign(supervisor)
        .select_related("trainee__user", "category")
        .order_by("trainee__user__full_name", "trainee_id", "date", "start_time", "pk")
    )
    by_trainee: dict[int, dict[date, list[Session]]] = {}
    names: dict[int, str] = {}
    for session in sessions:
        monday = session.date - timedelta(days=session.date.weekday())
        by_trainee.setdefault(session.trainee_id, {}).setdefault(monday, []).append(session)
        names[session.trainee_id] = session.trainee.user.get_full_name()
    return [
        QueueTrainee(
            trainee_id=trainee_id,
            name=names[trainee_id],
            weeks=tuple(QueueWeek(monday=m, sessions=tuple(s)) for m, s in weeks.items()),
        )
        for trainee_id, weeks in by_trainee.items()
    ]


def _categories_in(node: Any) -> set[str]:
    """Every category key a requirement's definition references, wherever it sits."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("categories", "numerator", "denominator", "trigger") and isinstance(
                value, list
            ):
                found.update(v for v in value if isinstance(v, str))
            found |= _categories_in(value)
    elif isinstance(node, list):
        for item in node:
            found |= _categories_in(item)
    return found


@dataclass(frozen=True, slots=True)
class SuperviseeProgress:
    enrollment: Enrollment
    requirements: tuple[RequirementStatus, ...]
    responsible_for: tuple[str, ...]  # category names; empty means every non-private category


def supervisee_progress(*, supervisor: User, on: date) -> list[SuperviseeProgress]:
    """Each enrollment they are currently assigned to, with the requirements they are responsible
    for (those counting a category of their assignment; all when it lists none). Constant
    queries whatever the number of supervisees."""
    current = SupervisorAssignment.objects.filter(supervisor=supervisor, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )
    enrollments = (
        enrollments_visible_to(supervisor)
        .filter(Exists(current.filter(enrollment=OuterRef("pk"))))
        .filter(status__in=Enrollment.OPEN_STATUSES)
        .select_related("trainee__user", "program", "snapshot", "requirement_set")
        .defer("snapshot__result")
        .prefetch_related(
            Prefetch("requirement_statuses", queryset=RequirementStatus.objects.order_by("pk")),
            Prefetch(
                "supervisor_assignments",
                queryset=current.prefetch_related("categories"),
                to_attr="current_assignments",
            ),
        )
        .order_by("trainee__user__full_name", "pk")
    )
    rows = []
    for enrollment in enrollments:
        assignments: Iterable[SupervisorAssignment] = enrollment.current_assignments
        categories = [c for a in assignments for c in a.categories.all()]
        everything = any(not a.categories.all() for a in assignments) or not categories
        statuses = list(enrollment.requirement_statuses.all())
        if not everything:
            keys = {c.key for c in categories}
            definitions = {
                r["key"]: r for r in enrollment.requirement_set.definition.get("requirements", [])
            }
            statuses = [s for s in statuses if _categories_in(definitions.get(s.key, {})) & keys]
        rows.append(
            SuperviseeProgress(
                enrollment=enrollment,
                requirements=tuple(statuses),
                responsible_for=() if everything else tuple(sorted({c.name for c in categories})),
            )
        )
    return rows
