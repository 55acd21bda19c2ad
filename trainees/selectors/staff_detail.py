"""One trainee's enrollment as staff see it: compliance with explanations, leaves, supervisors,
sessions of non-private categories, and for private categories only totals by verification status.

The explanation is computed on demand for this one enrollment (snapshots keep figures only).
Lines for sessions of private categories are folded into one total per category: staff learn
how much counted, never when, with whom or about what.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Sum

from accounts.models import User
from programs.engine import EnrollmentResult, RequirementResult
from programs.models import ActivityCategory
from trainees.models import (
    Enrollment,
    LeaveOfAbsence,
    RequirementWaiver,
    Session,
    SupervisorAssignment,
)
from trainees.selectors.access import private_category_ids, sessions_visible_to
from trainees.selectors.compliance import enrollment_compliance, enrollment_window_end
from trainees.selectors.pace_chart import PaceChart, pace_chart

SESSION_LIMIT = 200
STAFF_EXCLUSION_REASONS = {
    "withdrawn": "withdrawn by the trainee",
    "draft": "draft, not submitted yet",
    "rejected": "rejected by a supervisor",
    "awaiting_verification": "waiting for verification",
    "after_as_of": "dated after the computation date",
    "outside_enrollment": "outside the enrollment's dates",
    "during_leave": "during a leave of absence",
}


@dataclass(frozen=True, slots=True)
class StaffLine:
    date: date | None  # None for a private category's folded total
    category: str
    minutes: int
    credited: int | None
    note: str
    sessions: int = 1


@dataclass(frozen=True, slots=True)
class StaffRequirement:
    result: RequirementResult
    lines: tuple[StaffLine, ...]
    chart: PaceChart | None = None

    @property
    def behind_by(self) -> int:
        return max(self.result.expected_by_now - self.result.credited, 0)


@dataclass(frozen=True, slots=True)
class PrivateTotal:
    category: str
    status: str
    minutes: int
    sessions: int


@dataclass(frozen=True, slots=True)
class StaffEnrollmentDetail:
    enrollment: Enrollment
    result: EnrollmentResult
    requirements: tuple[StaffRequirement, ...]
    leaves: tuple[LeaveOfAbsence, ...]
    assignments: tuple[SupervisorAssignment, ...]
    sessions: tuple[Session, ...]
    private_totals: tuple[PrivateTotal, ...]
    waivers: tuple[RequirementWaiver, ...]


def _lines(
    result: RequirementResult, names: dict[str, str], private: set[str]
) -> tuple[StaffLine, ...]:
    lines: list[StaffLine] = []
    folded: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # sessions, minutes, credited
    for c in result.explanation:
        if c.category in private:
            entry = folded[c.category]
            entry[0] += 1
            entry[1] += c.input
            entry[2] += c.credited
            continue
        steps = "; ".join(f"{s.step.replace('_', ' ')}: {s.before} → {s.after}" for s in c.steps)
        lines.append(
            StaffLine(
                date=c.date,
                category=names.get(c.category, c.category),
                minutes=c.input,
                credited=c.credited,
                note=steps,
            )
        )
    for e in result.excluded:
        if e.category in private:
            continue  # not credited, and its date is a private detail
        lines.append(
            StaffLine(
                date=e.date,
                category=names.get(e.category, e.category),
                minutes=e.minutes,
                credited=None,
                note="Not counted: " + STAFF_EXCLUSION_REASONS.get(e.reason, e.reason),
            )
        )
    lines.sort(key=lambda line: line.date or date.min, reverse=True)
    for key, (count, minutes, credited) in sorted(folded.items()):
        lines.append(
            StaffLine(
                date=None,
                category=names.get(key, key),
                minutes=minutes,
                credited=credited,
                note="Private category: only the total is shown to staff.",
                sessions=count,
            )
        )
    return tuple(lines)


def staff_enrollment_detail(
    *, viewer: User, enrollment: Enrollment, as_of: date | None = None
) -> StaffEnrollmentDetail:
    """Everything staff may see of one enrollment the caller has already scoped."""
    result = enrollment_compliance(enrollment=enrollment, as_of=as_of)
    private_ids = private_category_ids(trainee_ids=[enrollment.trainee_id])[enrollment.trainee_id]
    categories = dict(ActivityCategory.objects.values_list("key", "name"))
    private_keys = set(
        ActivityCategory.objects.filter(pk__in=private_ids).values_list("key", flat=True)
    )
    window = (enrollment.start_date, enrollment_window_end(enrollment))
    leaves = tuple(LeaveOfAbsence.objects.filter(enrollment=enrollment).order_by("start_date"))
    leave_spans = tuple((leave.start_date, leave.end_date) for leave in leaves)
    requirements = tuple(
        StaffRequirement(
            result=r,
            lines=_lines(r, categories, private_keys),
            chart=pace_chart(
                r,
                start=window[0],
                end=window[1],
                as_of=result.as_of,
                leaves=leave_spans,
                private_categories=private_keys,
            ),
        )
        for r in result.requirements
    )
    sessions = (
        sessions_visible_to(viewer)
        .filter(trainee_id=enrollment.trainee_id, date__range=window)
        .exclude(category_id__in=private_ids)
        .select_related("category", "verified_by", "external_confirmation")
        .only(
            "pk",
            "date",
            "start_time",
            "duration_minutes",
            "format",
            "group_size",
            "status",
            "withdrawn_at",
            "category__name",
            "verified_by__full_name",
            "verified_by__email",
            "external_confirmation__confirmed_name",
            "trainee_id",
        )
        .order_by("-date", "-pk")[:SESSION_LIMIT]
    )
    totals = (
        Session.objects.filter(
            trainee_id=enrollment.trainee_id,
            category_id__in=private_ids,
            withdrawn_at__isnull=True,
            date__range=window,
        )
        .values_list("category__name", "status")
        .annotate(minutes=Sum("duration_minutes"), sessions=Count("pk"))
        .order_by("category__name", "status")
    )
    return StaffEnrollmentDetail(
        enrollment=enrollment,
        result=result,
        requirements=requirements,
        leaves=leaves,
        assignments=tuple(
            SupervisorAssignment.objects.filter(enrollment=enrollment)
            .select_related("supervisor")
            .prefetch_related("categories")
            .order_by("starts_on", "pk")
        ),
        sessions=tuple(sessions),
        private_totals=tuple(
            PrivateTotal(category=c, status=s, minutes=m or 0, sessions=n) for c, s, m, n in totals
        ),
        waivers=tuple(
            RequirementWaiver.objects.filter(enrollment=enrollment, revoked_at__isnull=True)
        ),
    )
