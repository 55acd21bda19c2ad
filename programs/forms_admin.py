"""Forms for program administration pages. They parse input only; rules live in the services."""

from typing import Any

from django import forms

from core.forms import PlainForm, Utf8FileField

DATE = forms.DateInput(attrs={"type": "date"})


class ProgramFileForm(PlainForm):
    text = forms.CharField(
        label="Program file (YAML)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
    )
    upload = forms.FileField(label="Or upload the file", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("upload")
        if upload is not None:
            try:
                data["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError("The file is not UTF-8 text.") from None
        if not data.get("text", "").strip():
            raise forms.ValidationError("Paste the program file or choose one to upload.")
        return data


class MoveEnrollmentsForm(PlainForm):
    version = forms.TypedChoiceField(label="Move to version", coerce=int)
    cohort = forms.ChoiceField(label="Cohort", required=False)

    def __init__(
        self, *args: Any, versions: list[tuple[int, str]], cohorts: list[tuple[str, str]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["version"].choices = versions  # type: ignore[attr-defined]
        self.fields["cohort"].choices = [("", "All cohorts"), *cohorts]  # type: ignore[attr-defined]


class CohortForm(PlainForm):
    slug = forms.SlugField(max_length=80)
    name = forms.CharField(max_length=120)
    starts_on = forms.DateField(label="Start date", required=False, widget=DATE)


class EnrollInviteForm(PlainForm):
    # The column's length: the e-mail validator alone allows up to 320 characters.
    email = forms.EmailField(label="E-mail", max_length=254)
    full_name = forms.CharField(label="Full name", max_length=200)
    external_id = forms.CharField(label="External id", required=False, max_length=100)
    cohort = forms.ChoiceField(required=False)
    start_date = forms.DateField(label="Start date", widget=DATE)
    expected_end_date = forms.DateField(label="Expected end date", widget=DATE)

    def __init__(self, *args: Any, cohorts: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["cohort"].choices = [("", "No cohort"), *cohorts]  # type: ignore[attr-defined]


class RosterForm(PlainForm):
    roster = Utf8FileField(label="Roster CSV")
