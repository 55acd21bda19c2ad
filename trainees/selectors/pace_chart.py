"""Credited amount against the pace line, week by week, drawn as a small server-side SVG.

Built from one requirement's explanation (already computed for the page), so it costs no query.
Only `total` requirements get one, and only when none of their credit comes from a private
category: even week-by-week totals would show staff when a trainee went to therapy.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from programs.engine import RequirementResult

WIDTH, HEIGHT, PAD = 320, 120, 4


@dataclass(frozen=True, slots=True)
class PacePoint:
    week_end: date
    credited: int
    expected: int


@dataclass(frozen=True, slots=True)
class PaceChart:
    points: tuple[PacePoint, ...]
    credited_path: str  # SVG polyline points
    expected_path: str
    width: int = WIDTH
    height: int = HEIGHT


def _active_days(start: date, end: date, leaves: tuple[tuple[date, date], ...]) -> int:
    if end < start:
        return 0
    days = (end - start).days + 1
    for leave_start, leave_end in leaves:
        overlap_start, overlap_end = max(start, leave_start), min(end, leave_end)
        if overlap_end >= overlap_start:
            days -= (overlap_end - overlap_start).days + 1
    return max(days, 0)


def pace_chart(
    result: RequirementResult,
    *,
    start: date,
    end: date,
    as_of: date,
    leaves: tuple[tuple[date, date], ...],
    private_categories: set[str],
) -> PaceChart | None:
    if result.kind != "total" or result.required <= 0:
        return None
    credits = [c for c in result.explanation if c.credited]
    if any(c.category in private_categories for c in credits):
        return None
    last = min(as_of, end)
    total_active = _active_days(start, end, leaves) or 1
    points = []
    week_end = start + timedelta(days=6)
    credits.sort(key=lambda c: c.date)
    running, index = 0, 0
    while week_end - timedelta(days=6) <= last:
        while index < len(credits) and credits[index].date <= week_end:
            running += credits[index].credited
            index += 1
        elapsed = _active_days(start, min(week_end, end), leaves)
        expected = int(Fraction(result.required * elapsed, total_active))
        points.append(PacePoint(week_end=week_end, credited=running, expected=expected))
        week_end += timedelta(days=7)
    if not points:
        return None
    # Scaled to the period shown, not the whole requirement: early on, 11 h of 300 h would be a
    # flat line on the floor of the chart.
    top = max(max(p.credited for p in points), max(p.expected for p in points), 1)
    span = max(len(points) - 1, 1)

    def path(values: list[int]) -> str:
        return " ".join(
            f"{PAD + (WIDTH - 2 * PAD) * i / span:.1f},{HEIGHT - PAD - (HEIGHT - 2 * PAD) * v / top:.1f}"
            for i, v in enumerate(values)
        )

    return PaceChart(
        points=tuple(points),
        credited_path=path([p.credited for p in points]),
        expected_path=path([p.expected for p in points]),
    )
