"""Display helpers for minutes, requirement amounts and statuses (text labels, never colour alone)."""

from django import template

from core.units import format_amount, format_minutes

register = template.Library()

STATUS_LABELS = {
    "met": "Met",
    "on_track": "On track",
    "at_risk": "At risk",
    "behind": "Behind",
    "not_started": "Not started",
    "draft": "Draft",
    "submitted": "Waiting for verification",
    "verified": "Verified",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
}


@register.filter
def hours(minutes: int | None) -> str:
    return "" if minutes is None else format_minutes(minutes)


@register.filter
def amount(value: int, unit: str) -> str:
    return format_amount(value, unit)


@register.filter
def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "", status or "No data yet")


@register.filter
def session_state(session: object) -> str:
    """A session's state for display: withdrawn wins over its status."""
    if getattr(session, "withdrawn_at", None) is not None:
        return "withdrawn"
    return str(getattr(session, "status", ""))
