"""Forms for the trainee pages. They parse input only; rules live in the services."""

from datetime import date
from typing import Any

from django import forms

from accounts.models import User
from core.forms import PlainForm
from core.weekdays import WEEKDAY_CHOICES
from programs.models import ActivityCategory
from trainees.models import SessionFormat, SessionModality, SessionStatus


class SessionForm(PlainForm):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    category = forms.ModelChoiceField(queryset=ActivityCategory.objects.none(), empty_label=None)
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        min_value=1,
        max_value=720,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
        help_text="Whole minutes, up to 720 (12 hours).",
    )
    start_time = forms.TimeField(
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        label="Start time (optional)",
    )
    format = forms.ChoiceField(choices=SessionFormat.choices, initial=SessionFormat.INDIVIDUAL)
    group_size = forms.IntegerField(
        required=False, min_value=2, label="Group size", help_text="Participants, for groups only."
    )
    modality = forms.ChoiceField(choices=SessionModality.choices, initial=SessionModality.IN_PERSON)
    provider = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="Supervisor or provider (with account)"
    )
    provider_name = forms.CharField(
        required=False, max_length=200, label="Or provider's name (no account)"
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    submit_now = forms.BooleanField(required=False, initial=True, label="Send for verification now")
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        categories: list[ActivityCategory],
        supervisors: list[User],
        allow_submit: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        category_field = self.fields["category"]
        assert isinstance(category_field, forms.ModelChoiceField)
        category_field.queryset = ActivityCategory.objects.filter(pk__in=[c.pk for c in categories])
        provider_field = self.fields["provider"]
        assert isinstance(provider_field, forms.ModelChoiceField)
        provider_field.queryset = User.objects.filter(pk__in=[s.pk for s in supervisors])
        if not allow_submit:
            del self.fields["submit_now"]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "date": data["date"],
            "category": data["category"],
            "duration_minutes": data["duration_minutes"],
            "start_time": data["start_time"],
            "format": data["format"],
            "group_size": data["group_size"],
            "modality": data["modality"],
            "provider": data["provider"],
            "provider_name": data["provider_name"].strip(),
            "notes": data["notes"],
        }


class SessionFilterForm(PlainForm):
    STATUS_CHOICES = [("", "Any status"), *SessionStatus.choices, ("withdrawn", "Withdrawn")]

    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    category = forms.ModelChoiceField(
        queryset=ActivityCategory.objects.none(), required=False, empty_label="Any category"
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, categories: list[ActivityCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ActivityCategory.objects.filter(pk__in=[c.pk for c in categories])


class WithdrawForm(PlainForm):
    reason = forms.CharField(required=False, max_length=255, label="Reason (optional)")


class RecurringForm(PlainForm):
    category = forms.ModelChoiceField(queryset=ActivityCategory.objects.none(), empty_label=None)
    weekday = forms.TypedChoiceField(choices=WEEKDAY_CHOICES, coerce=int, label="Every")
    start_time = forms.TimeField(
        required=False, widget=forms.TimeInput(attrs={"type": "time"}), label="Start time"
    )
    duration_minutes = forms.IntegerField(min_value=1, max_value=720, label="Duration (minutes)")
    provider_name = forms.CharField(required=False, max_length=200, label="Provider's name")
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="From")

    def __init__(self, *args: Any, categories: list[ActivityCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ActivityCategory.objects.filter(pk__in=[c.pk for c in categories])


class AttestationForm(PlainForm):
    category = forms.ModelChoiceField(queryset=ActivityCategory.objects.none(), empty_label=None)
    period_start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="From")
    period_end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="To")
    hours = forms.DecimalField(
        required=False, min_value=0, max_digits=7, decimal_places=2, label="Hours attested"
    )
    sessions = forms.IntegerField(required=False, min_value=0, label="Sessions attested")
    file = forms.FileField(
        label="Document (PDF, PNG or JPEG, up to 5 MB)",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args: Any, categories: list[ActivityCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ActivityCategory.objects.filter(pk__in=[c.pk for c in categories])

    def minutes(self) -> int | None:
        value = self.cleaned_data.get("hours")
        return None if value is None else round(value * 60)


def week_parameter(value: str | None, fallback: date) -> date:
    """Monday of the ISO week named like 2026-W24, or of the fallback date's week."""
    if value:
        try:
            year, week = value.split("-W")
            return date.fromisocalendar(int(year), int(week), 1)
        except ValueError:
            pass
    return date.fromisocalendar(*fallback.isocalendar()[:2], 1)
