"""The cohort trend: per cohort and week, how many trainees were on track (from WeeklyStatus rows).

"On track" means an overall status no worse than `on_track` in the engine's order
(behind < at_risk < on_track < not_started < met): `on_track`, `met`, or `not_started` (nothing
credited yet and still within the program's grace days, so nothing is overdue). `at_risk` and
`behind` are not on track. The share is on track ÷ trainees counted that week.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from django.db.models import Count, Min

from programs.engine.status import STATUS_ORDER
from programs.models import Program
from trainees.models import WeeklyStatus

ON_TRACK_STATUSES = frozenset(STATUS_ORDER[STATUS_ORDER.index("on_track") :])
assert {"on_track", "not_started", "met"} == ON_TRACK_STATUSES

NO_COHORT = "No cohort"


def week_start_of(day: date) -> date:
    """The Monday of the week containing `day`: weekly statuses use ISO weeks."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True, slots=True)
class TrendWeek:
    week_start: date
    trainees: int
    on_track: int
    at_risk: int
    behind: int

    @property
    def share(self) -> Fraction:
        return Fraction(self.on_track, self.trainees)

    @property
    def percent(self) -> int:
        """The share as a whole percentage, halves rounded up (2 of 3 → 67)."""
        return int(self.share * 100 + Fraction(1, 2))


@dataclass(frozen=True, slots=True)
class CohortTrend:
    slug: str  # "" for enrollments without a cohort
    name: str
    weeks: tuple[TrendWeek, ...]


def cohort_trends(
    *, program: Program, cohort: str = "", since: date | None = None
) -> tuple[CohortTrend, ...]:
    """Each cohort's weeks (oldest first), cohorts newest first and "No cohort" last. One query.

    Cohorts are the enrollments' current ones: a trainee moved to another cohort takes their
    history along.
    """
    rows = WeeklyStatus.objects.filter(enrollment__program=program)
    if cohort:
        rows = rows.filter(enrollment__cohort__slug=cohort)
    if since is not None:
        rows = rows.filter(week_start__gte=since)
    grouped = (
        rows.values(
            "enrollment__cohort_id",
            "enrollment__cohort__slug",
            "enrollment__cohort__name",
            "enrollment__cohort__starts_on",
            "week_start",
            "status",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    heads: dict[int | None, tuple[str, str, date | None]] = {}
    counts: dict[int | None, dict[date, dict[str, int]]] = {}
    for row in grouped:
        key = row["enrollment__cohort_id"]
        heads[key] = (
            row["enrollment__cohort__slug"] or "",
            row["enrollment__cohort__name"] or NO_COHORT,
            row["enrollment__cohort__starts_on"],
        )
        week = counts.setdefault(key, {}).setdefault(row["week_start"], {})
        week[row["status"]] = row["n"]

    def order(key: int | None) -> tuple[bool, int, str]:
        _, name, starts_on = heads[key]
        # Newest cohort first, like the cohort filter; undated ones after, "No cohort" last.
        return (key is None, -(starts_on.toordinal() if starts_on else 0), name)

    return tuple(
        CohortTrend(
            slug=heads[key][0],
            name=heads[key][1],
            weeks=tuple(
                TrendWeek(
                    week_start=week_start,
                    trainees=sum(by_status.values()),
                    on_track=sum(n for s, n in by_status.items() if s in ON_TRACK_STATUSES),
                    at_risk=by_status.get("at_risk", 0),
                    behind=by_status.get("behind", 0),
                )
                for week_start, by_status in sorted(counts[key].items())
            ),
        )
        for key in sorted(heads, key=order)
    )


def weekly_history_start(*, program: Program) -> date | None:
    """The first week recorded for the program, or None before the first recording. One query."""
    first: date | None = WeeklyStatus.objects.filter(enrollment__program=program).aggregate(
        first=Min("week_start")
    )["first"]
    return first
