"""Forms for the staff pages of a program. They parse input only; rules live in the services."""

from typing import Any

from django import forms

from trainees.forms import PlainForm
from trainees.selectors.overview import ENROLLMENT_SCOPES, SORTS

STATUS_CHOICES = [
    ("", "Any status"),
    ("behind", "Behind"),
    ("at_risk", "At risk"),
    ("on_track", "On track"),
    ("met", "Met"),
    ("not_started", "Not started"),
]
ENROLLMENT_CHOICES = [
    ("open", "Active or on leave"),
    ("active", "Active"),
    ("on_leave", "On leave"),
    ("completed", "Completed"),
    ("withdrawn", "Withdrawn"),
    ("all", "All"),
]
SORT_CHOICES = [
    ("name", "Name A to Z"),
    ("-name", "Name Z to A"),
    ("status", "Most behind first"),
    ("cohort", "Cohort"),
    ("start", "Start date"),
]
assert {k for k, _ in ENROLLMENT_CHOICES} == set(ENROLLMENT_SCOPES)
assert {k for k, _ in SORT_CHOICES} == set(SORTS)


class OverviewFilterForm(PlainForm):
    q = forms.CharField(label="Name, e-mail or id", required=False, max_length=100)
    cohort = forms.ChoiceField(required=False)
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    requirement = forms.ChoiceField(required=False)
    supervisor = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    enrollments = forms.ChoiceField(label="Enrollments", choices=ENROLLMENT_CHOICES, required=False)
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)

    def __init__(
        self,
        *args: Any,
        cohorts: list[tuple[str, str]],
        requirements: list[tuple[str, str]],
        supervisors: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [("", "All cohorts"), *cohorts]  # type: ignore[attr-defined]
        self.fields["requirement"].choices = [("", "Overall"), *requirements]  # type: ignore[attr-defined]
        self.fields["supervisor"].choices = [("", "Any supervisor"), *supervisors]  # type: ignore[attr-defined]


class AsOfForm(PlainForm):
    as_of = forms.DateField(
        label="As of", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class LeaveForm(PlainForm):
    start_date = forms.DateField(label="First day", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label="Last day", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(required=False, max_length=255)


class ExpectedEndForm(PlainForm):
    expected_end_date = forms.DateField(
        label="Expected end date", widget=forms.DateInput(attrs={"type": "date"})
    )


class EndEnrollmentForm(PlainForm):
    outcome = forms.ChoiceField(choices=[("completed", "Completed"), ("withdrawn", "Withdrawn")])
    on = forms.DateField(label="On", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(required=False, max_length=90)


class WaiverForm(PlainForm):
    requirement_key = forms.ChoiceField(label="Requirement")
    minimum = forms.IntegerField(
        label="New minimum (leave empty to waive it entirely)",
        required=False,
        min_value=0,
        help_text="In the requirement's unit: hours for hour totals, otherwise a count.",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: Any, requirements: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requirement_key"].choices = requirements  # type: ignore[attr-defined]
