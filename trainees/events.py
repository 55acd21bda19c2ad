"""What the domain announces, and to whom: the features that listen (webhooks today).

A service announces inside its own transaction, so a listener may record rows of its own (a
webhook delivery) atomically with the change: both commit or neither does. Listeners register
when Django starts (the listening app's AppConfig.ready); this room never imports them, which
keeps the arrows pointing down (docs/adr/0006). A listener must be cheap when it has nothing to
do (one query at most) and must never raise for a reason of its own: the change is the point.
"""

from collections.abc import Sequence
from typing import Any, Protocol

from programs.engine import EnrollmentResult
from trainees.models import Enrollment, Session


class DomainListener(Protocol):
    def sessions_verified(self, *, sessions: Sequence[Session]) -> None:
        """Sessions were countersigned or confirmed (one batch, one transaction)."""
        ...

    def enrollment_status_changed(self, *, enrollment: Enrollment, previous: str) -> None:
        """An enrollment was completed or withdrawn."""
        ...

    def requirement_statuses_watch(self, *, enrollments: Sequence[Enrollment]) -> Any:
        """Called before new compliance results replace the stored ones: whatever the listener
        needs to tell what changed, handed back to `requirement_statuses_changed`."""
        ...

    def requirement_statuses_changed(
        self,
        *,
        enrollments: Sequence[Enrollment],
        results: dict[int, EnrollmentResult],
        watch: Any,
    ) -> None:
        """New compliance results were stored for `enrollments`."""
        ...


_listeners: list[DomainListener] = []


def listener_add(listener: DomainListener) -> None:
    """Register a listener (once per process, from an AppConfig.ready)."""
    if listener not in _listeners:
        _listeners.append(listener)


def sessions_verified(*, sessions: Sequence[Session]) -> None:
    if sessions:
        for listener in _listeners:
            listener.sessions_verified(sessions=sessions)


def enrollment_status_changed(*, enrollment: Enrollment, previous: str) -> None:
    for listener in _listeners:
        listener.enrollment_status_changed(enrollment=enrollment, previous=previous)


RequirementWatches = list[tuple[DomainListener, Any]]


def requirement_statuses_watch(*, enrollments: Sequence[Enrollment]) -> RequirementWatches:
    return [
        (listener, listener.requirement_statuses_watch(enrollments=enrollments))
        for listener in _listeners
    ]


def requirement_statuses_changed(
    *,
    enrollments: Sequence[Enrollment],
    results: dict[int, EnrollmentResult],
    watches: RequirementWatches,
) -> None:
    for listener, watch in watches:
        listener.requirement_statuses_changed(enrollments=enrollments, results=results, watch=watch)
