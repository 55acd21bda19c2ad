"""Minutes and amounts as people read them. Stored values stay integer minutes."""


def format_minutes(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    if hours:
        return f"{hours} h"
    return f"{rest} min"


def format_amount(value: int, unit: str) -> str:
    """A requirement figure in its unit: minutes as hours, otherwise "N sessions"/"N periods"."""
    if unit == "minutes":
        return format_minutes(value)
    if unit in ("periods", "weeks", "months"):
        return f"{value} {unit[:-1]}{'s' if value != 1 else ''}"
    return f"{value} session{'s' if value != 1 else ''}"
