"""Forms for the staff pages. They parse input only; rules live in the services."""

from typing import Any

from django import forms

from core.forms import PlainForm, Utf8FileField
from programs.models import ProgramRole
from trainees.selectors.overview import ENROLLMENT_SCOPES, SORTS
from trainees.services.enrollments import CATEGORY_NOT_IN_PROGRAM, SUPERVISOR_NOT_IN_PROGRAM

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


class AssignSupervisorForm(PlainForm):
    supervisor = forms.TypedChoiceField(
        coerce=int, error_messages={"invalid_choice": SUPERVISOR_NOT_IN_PROGRAM}
    )
    categories = forms.MultipleChoiceField(
        label="Responsible for",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every category.",
        error_messages={"invalid_choice": CATEGORY_NOT_IN_PROGRAM},
    )
    starts_on = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=90)

    def __init__(
        self,
        *args: Any,
        supervisors: list[tuple[int, str]],
        categories: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].choices = [("", "Choose a supervisor"), *supervisors]  # type: ignore[attr-defined]
        self.fields["categories"].choices = categories  # type: ignore[attr-defined]


class EndAssignmentForm(PlainForm):
    ends_on = forms.DateField(label="Last day", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(max_length=90)


class StaffInviteForm(PlainForm):
    email = forms.EmailField(label="E-mail")
    full_name = forms.CharField(label="Full name", max_length=200)
    role = forms.ChoiceField(
        choices=[
            (ProgramRole.Role.SUPERVISOR, "Supervisor"),
            (ProgramRole.Role.COORDINATOR, "Coordinator"),
        ]
    )


class StaffCsvForm(PlainForm):
    staff = Utf8FileField(label="Staff CSV")


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
