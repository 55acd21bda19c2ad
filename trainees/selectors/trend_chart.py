"""A cohort's weekly share on track as a small server-side SVG line chart (no script, no CDN).

Every chart on a page shares one time axis (the weeks shown), so cohorts can be compared by eye;
the y axis is always 0 to 100 %, never scaled to the data, so a flat line near the top reads as "most
on track", not as "unchanged".
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from trainees.selectors.trends import CohortTrend, TrendWeek

WIDTH, HEIGHT = 500, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 470, 10, 176  # plot area; room for axis labels around it
MAX_MONTH_LABELS = 8  # "Jan 2026" needs about 55 of the 430 units of the x axis
PERCENT_TICKS = (0, 25, 50, 75, 100)


# Coordinates are preformatted strings: a template would localise a float ("12,5" breaks SVG).
@dataclass(frozen=True, slots=True)
class AxisLabel:
    position: str
    text: str


@dataclass(frozen=True, slots=True)
class ChartPoint:
    x: str
    y: str
    week: TrendWeek


@dataclass(frozen=True, slots=True)
class TrendChart:
    trend: CohortTrend
    points: tuple[ChartPoint, ...]
    path: str  # SVG polyline points
    x_labels: tuple[AxisLabel, ...]
    y_labels: tuple[AxisLabel, ...]
    first_week: date
    last_week: date
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM


def _x(week: date, first: date, span: int) -> str:
    if span == 0:
        return f"{(LEFT + RIGHT) / 2:.1f}"
    return f"{LEFT + (RIGHT - LEFT) * ((week - first).days // 7) / span:.1f}"


def _y(share: Fraction) -> str:
    return f"{float(BOTTOM - (BOTTOM - TOP) * share):.1f}"


def _month_labels(first: date, last: date, span: int) -> tuple[AxisLabel, ...]:
    """A label at each week holding the 1st of a month, thinned to at most MAX_MONTH_LABELS."""
    # (week, the 1st it holds); the week of 31 August is labelled September.
    months: list[tuple[date, date]] = []
    week = first
    while week <= last:
        sunday = week + timedelta(days=6)
        if sunday.day <= 7:
            months.append((week, sunday.replace(day=1)))
        week += timedelta(days=7)
    if not months:  # a few weeks inside one month: name it once, at the start
        months.append((first, first.replace(day=1)))
    step = math.ceil(len(months) / MAX_MONTH_LABELS)
    return tuple(
        AxisLabel(
            position=_x(week, first, span),
            # The year on the first label, and on the first of each year after thinning.
            text=month.strftime("%b %Y" if i == 0 or month.month <= step else "%b"),
        )
        for i, (week, month) in enumerate(months[::step])
    )


def trend_charts(trends: tuple[CohortTrend, ...]) -> tuple[TrendChart, ...]:
    """One chart per cohort over the weeks any of them has, for a page that shows them together."""
    weeks = [w.week_start for trend in trends for w in trend.weeks]
    if not weeks:
        return ()
    first, last = min(weeks), max(weeks)
    span = (last - first).days // 7
    x_labels = _month_labels(first, last, span)
    y_labels = tuple(AxisLabel(position=_y(Fraction(t, 100)), text=f"{t} %") for t in PERCENT_TICKS)
    charts = []
    for trend in trends:
        points = tuple(
            ChartPoint(x=_x(w.week_start, first, span), y=_y(w.share), week=w) for w in trend.weeks
        )
        charts.append(
            TrendChart(
                trend=trend,
                points=points,
                path=" ".join(f"{p.x},{p.y}" for p in points),
                x_labels=x_labels,
                y_labels=y_labels,
                first_week=first,
                last_week=last,
            )
        )
    return tuple(charts)
