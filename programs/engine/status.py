"""Turning figures into a status (spec: Statuses)."""

from collections.abc import Iterable

from programs.engine.results import RequirementResult, Status
from programs.engine.rules import StatusThresholds

# Worst first: an enrollment is as healthy as its least healthy binding requirement.
STATUS_ORDER: tuple[Status, ...] = ("behind", "at_risk", "on_track", "not_started", "met")


def pace_status(credited: int, expected: int, thresholds: StatusThresholds) -> Status:
    """on_track / at_risk / behind by how credited compares with what was expected by now."""
    if credited >= thresholds.on_track_ratio * expected:
        return "on_track"
    if credited >= thresholds.at_risk_ratio * expected:
        return "at_risk"
    return "behind"


def total_status(
    *,
    credited: int,
    required: int,
    expected_by_now: int,
    days_since_start: int,
    ended: bool,
    thresholds: StatusThresholds,
) -> Status:
    if credited >= required:
        return "met"
    if ended:
        return "behind"
    if credited == 0 and days_since_start < thresholds.grace_days:
        return "not_started"
    # expected 0 makes every comparison true: nothing was due yet, so on track.
    return pace_status(credited, expected_by_now, thresholds)


def cadence_status(
    *,
    misses: int,
    allowed_misses: int,
    ended: bool,
    elapsed_required: int,
    credited: int,
) -> Status:
    if misses > allowed_misses:
        return "behind"
    if ended:
        return "met"
    if misses == allowed_misses > 0:
        return "at_risk"
    if elapsed_required == 0 and credited == 0:
        return "not_started"
    return "on_track"


def ratio_status(*, credited: int, required: int, thresholds: StatusThresholds) -> Status:
    # No client contact yet means nothing to supervise yet, grace period or not.
    if credited == 0 and required == 0:
        return "not_started"
    if credited >= required:
        return "met"
    # A ratio has no pace: it either holds now or is short by some fraction.
    if credited >= thresholds.at_risk_ratio * required:
        return "at_risk"
    return "behind"


def overall_status(requirements: Iterable[RequirementResult]) -> Status:
    """Worst status over non-advisory requirements; met when there are none."""
    binding = [result.status for result in requirements if not result.advisory]
    return min(binding, key=STATUS_ORDER.index, default="met")


def min_periods_status(
    *,
    credited: int,
    required: int,
    still_possible: int,
    expected_by_now: int,
    ended: bool,
    elapsed_required: int,
    thresholds: StatusThresholds,
) -> Status:
    """N of M periods: behind as soon as the periods left cannot make up the shortfall."""
    if credited >= required:
        return "met"
    if ended or credited + still_possible < required:
        return "behind"
    if elapsed_required == 0 and credited == 0:
        return "not_started"
    return pace_status(credited, expected_by_now, thresholds)


def at_most_status(*, credited: int, limit: int, thresholds: StatusThresholds) -> Status:
    """A maximum holds (met) or is exceeded; by little (at_risk, mirroring ratio_status: within
    limit / at_risk_ratio) or by more (behind)."""
    if credited <= limit:
        return "met"
    if credited * thresholds.at_risk_ratio <= limit:
        return "at_risk"
    return "behind"


def gap_status(
    *,
    violations: int,
    allowed_misses: int,
    open_gap: int,
    max_days: int,
    ended: bool,
    sessions: int,
    days_since_start: int,
    thresholds: StatusThresholds,
) -> Status:
    """behind once too many gaps were too long; at_risk when the allowance is used up or the
    gap since the last session has run past on_track_ratio of the maximum."""
    if violations > allowed_misses:
        return "behind"
    if ended:
        return "met"
    if violations == allowed_misses > 0 or open_gap > thresholds.on_track_ratio * max_days:
        return "at_risk"
    if sessions == 0 and days_since_start < thresholds.grace_days:
        return "not_started"
    return "met"
