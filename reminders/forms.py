"""The reminder preferences form. It parses input only; the service checks the values."""

from django import forms

from core.forms import PlainForm
from core.weekdays import WEEKDAY_CHOICES
from reminders.models import ReminderKind


class NotificationPreferenceForm(PlainForm):
    kinds = forms.MultipleChoiceField(
        choices=ReminderKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Send me",
    )
    weekday = forms.TypedChoiceField(
        choices=WEEKDAY_CHOICES, coerce=int, label="Weekly reminders on"
    )
    hour = forms.TypedChoiceField(
        choices=[(h, f"{h:02d}:00") for h in range(24)], coerce=int, label="At"
    )
    time_zone = forms.CharField(max_length=64, label="Time zone", help_text="e.g. Europe/Berlin")
