"""Forms for external confirmation. They parse input only; rules live in the service."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from trainees.models import Session


class ConfirmationRequestForm(forms.Form):
    sessions = forms.ModelMultipleChoiceField(
        queryset=Session.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one session."},
    )
    confirmer_name = forms.CharField(max_length=200, label="Their full name")
    confirmer_email = forms.EmailField(label="Their e-mail address")
    message = forms.CharField(
        required=False,
        max_length=2000,
        label="A message to them (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown in the e-mail. Do not write anything private here.",
    )

    def __init__(self, *args: Any, sessions: QuerySet[Session], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["sessions"].queryset = sessions  # type: ignore[attr-defined]


class ConfirmForm(forms.Form):
    confirmed_name = forms.CharField(max_length=200, required=False, label="Your full name")
    attest = forms.BooleanField(
        required=False,
        label="I confirm I provided these sessions as listed.",
    )
    decline_reason = forms.CharField(
        required=False,
        max_length=2000,
        label="What is not accurate?",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
