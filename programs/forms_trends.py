"""The trend page's filters. They parse input only."""

from typing import Any

from django import forms

from core.forms import PlainForm

# Weeks shown, counting the current one; None is the whole recorded history.
PERIODS: dict[str, int | None] = {"12": 12, "26": 26, "52": 52, "all": None}
DEFAULT_PERIOD = "26"
PERIOD_CHOICES = [
    ("12", "Last 12 weeks"),
    ("26", "Last 26 weeks"),
    ("52", "Last 52 weeks"),
    ("all", "All recorded weeks"),
]
assert {k for k, _ in PERIOD_CHOICES} == set(PERIODS)


class TrendFilterForm(PlainForm):
    cohort = forms.ChoiceField(required=False)
    period = forms.ChoiceField(choices=PERIOD_CHOICES, required=False)

    def __init__(self, *args: Any, cohorts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [("", "All cohorts"), *cohorts]  # type: ignore[attr-defined]
        self.fields["period"].initial = DEFAULT_PERIOD
