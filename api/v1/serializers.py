"""Input and output serializers. Inputs validate shapes; rules live in the services."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import ApiKey, User
from programs.models import ActivityCategory, Institution, Program, RequirementSet
from programs.selectors import category_for_key
from trainees.models import (
    Cohort,
    Enrollment,
    LeaveOfAbsence,
    Session,
    SessionFormat,
    SessionModality,
    SessionStatus,
    SupervisorAssignment,
    Trainee,
)
from trainees.models.session import MAX_SESSION_MINUTES
from trainees.selectors.privacy import may_see_private_details

PRIVATE_FIELDS = ("provider_name", "notes")


@extend_schema_field(
    {"type": "string", "format": "partial-time", "example": "09:30:00"},
)
class WallClockTime(serializers.TimeField):
    """A time of day on the session's own clock, without a zone ("09:30:00").

    OpenAPI's `time` format is RFC 3339 full-time, which requires an offset this value does not
    have; documenting it as `time` would make every response break the schema.
    """


class InstitutionOut(serializers.ModelSerializer[Institution]):
    class Meta:
        model = Institution
        fields = ["slug", "name"]


class ProgramOut(serializers.ModelSerializer[Program]):
    institution: serializers.SlugRelatedField[Institution] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    week_start = serializers.SerializerMethodField()
    latest_version = serializers.SerializerMethodField()

    class Meta:
        model = Program
        fields = ["slug", "name", "institution", "time_zone", "week_start", "latest_version"]

    def get_week_start(self, program: Program) -> str:
        return ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"][
            program.week_start
        ]

    def get_latest_version(self, program: Program) -> int | None:
        return getattr(program, "latest_version", None)


class RequirementSetOut(serializers.ModelSerializer[RequirementSet]):
    program: serializers.SlugRelatedField[Program] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = RequirementSet
        fields = ["program", "version", "checksum", "created_at", "definition"]


class RequirementSetUpload(serializers.Serializer[Any]):
    content = serializers.CharField(
        help_text="The program file (YAML) as text.", max_length=1_000_000
    )
    dry_run = serializers.BooleanField(default=False)


class RequirementSetUploadOut(serializers.Serializer[Any]):
    program = serializers.CharField()
    version = serializers.IntegerField()
    created_version = serializers.BooleanField()
    dry_run = serializers.BooleanField()


class CohortOut(serializers.ModelSerializer[Cohort]):
    program: serializers.SlugRelatedField[Program] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = Cohort
        fields = ["slug", "name", "program", "starts_on"]


class TraineeOut(serializers.ModelSerializer[Trainee]):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Trainee
        fields = ["id", "external_id", "email", "full_name"]


class LeaveOut(serializers.ModelSerializer[LeaveOfAbsence]):
    class Meta:
        model = LeaveOfAbsence
        fields = ["id", "start_date", "end_date", "reason"]


class LeaveIn(serializers.Serializer[Any]):
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    reason = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)


class AssignmentOut(serializers.ModelSerializer[SupervisorAssignment]):
    supervisor = serializers.EmailField(source="supervisor.email", read_only=True)

    class Meta:
        model = SupervisorAssignment
        fields = ["id", "supervisor", "starts_on", "ends_on"]


class AssignmentIn(serializers.Serializer[Any]):
    supervisor = serializers.EmailField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)


class EnrollmentOut(serializers.ModelSerializer[Enrollment]):
    trainee = TraineeOut(read_only=True)
    program: serializers.SlugRelatedField[Program] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    cohort: serializers.SlugRelatedField[Cohort] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    requirement_set_version = serializers.IntegerField(
        source="requirement_set.version", read_only=True
    )
    compliance_status = serializers.SerializerMethodField()

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "trainee",
            "program",
            "cohort",
            "requirement_set_version",
            "start_date",
            "expected_end_date",
            "status",
            "ended_on",
            "compliance_status",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_compliance_status(self, enrollment: Enrollment) -> str | None:
        snapshot = getattr(enrollment, "snapshot", None)
        return snapshot.status if snapshot is not None else None


class EnrollmentIn(serializers.Serializer[Any]):
    trainee_email = serializers.EmailField(help_text="An existing trainee, or a new one to create.")
    trainee_full_name = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )
    trainee_external_id = serializers.CharField(
        max_length=100, required=False, allow_null=True, default=None
    )
    program = serializers.SlugField()
    cohort = serializers.SlugField(required=False, allow_null=True, default=None)
    start_date = serializers.DateField()
    expected_end_date = serializers.DateField()


class EnrollmentPatch(serializers.Serializer[Any]):
    expected_end_date = serializers.DateField(required=False)
    cohort = serializers.SlugField(required=False, allow_null=True)


class EndEnrollmentIn(serializers.Serializer[Any]):
    on = serializers.DateField()
    reason = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)


class SessionOut(serializers.ModelSerializer[Session]):
    """`provider_name` and `notes` are returned only to the trainee who logged the session; for
    everyone else they are null. Sessions in categories a program marks private are not listed to
    anyone but the trainee (staff see their totals through compliance)."""

    category: serializers.SlugRelatedField[ActivityCategory] = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )
    provider = serializers.EmailField(source="provider.email", read_only=True, allow_null=True)
    verified_by = serializers.EmailField(
        source="verified_by.email", read_only=True, allow_null=True
    )
    verification_method = serializers.SerializerMethodField(
        help_text="`countersign` (a user with an account, see `verified_by`), `email_link` "
        "(confirmed without an account through an e-mailed link, see `confirmed_by_name`), or "
        "null while not verified."
    )
    confirmed_by_name = serializers.SerializerMethodField(
        help_text="The name the confirmer typed, for a session confirmed through an e-mailed "
        "link; otherwise null (`verified_by` is then the verifier)."
    )
    withdrawn = serializers.BooleanField(source="is_withdrawn", read_only=True)
    start_time = WallClockTime(read_only=True, allow_null=True)
    provider_name = serializers.CharField(read_only=True, allow_null=True)
    notes = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "trainee",
            "date",
            "start_time",
            "duration_minutes",
            "category",
            "format",
            "group_size",
            "modality",
            "provider",
            "provider_name",
            "notes",
            "status",
            "submitted_at",
            "verified_by",
            "verified_at",
            "verification_method",
            "confirmed_by_name",
            "rejection_reason",
            "withdrawn",
            "withdrawn_at",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(
        serializers.ChoiceField(choices=["countersign", "email_link"], allow_null=True)
    )
    def get_verification_method(self, session: Session) -> str | None:
        if session.status != SessionStatus.VERIFIED:
            return None
        return "countersign" if session.verified_by_id else "email_link"

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_confirmed_by_name(self, session: Session) -> str | None:
        # Only ever reached for sessions the caller may list: a private category's sessions are
        # out of every staff scope, so a therapist's name never leaves the trainee's own view.
        if session.status != SessionStatus.VERIFIED or session.verified_by_id:
            return None
        confirmation = session.external_confirmation if session.external_confirmation_id else None
        return confirmation.confirmed_name if confirmation is not None else None

    def to_representation(self, instance: Session) -> dict[str, Any]:
        # Built by hand rather than through the declared fields: this runs for every session
        # logged and every row listed, and DRF's generic path deep-copies two dozen field objects
        # per serializer and calls each in turn. The declared fields still define the schema, and
        # a test holds this output equal to DRF's own (`generic_representation`).
        session = instance
        provider, verified_by = session.provider, session.verified_by
        data = {
            "id": session.pk,
            "trainee": session.trainee_id,
            "date": _DATE.to_representation(session.date),
            "start_time": _TIME.to_representation(session.start_time)
            if session.start_time is not None
            else None,
            "duration_minutes": session.duration_minutes,
            "category": session.category.key,
            "format": session.format,
            "group_size": session.group_size,
            "modality": session.modality,
            "provider": provider.email if provider is not None else None,
            "provider_name": session.provider_name,
            "notes": session.notes,
            "status": session.status,
            "submitted_at": _datetime(session.submitted_at),
            "verified_by": verified_by.email if verified_by is not None else None,
            "verified_at": _datetime(session.verified_at),
            "verification_method": self.get_verification_method(session),
            "confirmed_by_name": self.get_confirmed_by_name(session),
            "rejection_reason": session.rejection_reason,
            "withdrawn": session.is_withdrawn,
            "withdrawn_at": _datetime(session.withdrawn_at),
            "created_at": _datetime(session.created_at),
            "updated_at": _datetime(session.updated_at),
        }
        return self._hide_private(session, data)

    def generic_representation(self, instance: Session) -> dict[str, Any]:
        """DRF's field-by-field output, which `to_representation` must equal."""
        return self._hide_private(instance, super().to_representation(instance))

    def _hide_private(self, session: Session, data: dict[str, Any]) -> dict[str, Any]:
        viewer = self.context.get("viewer")
        if not (isinstance(viewer, User | ApiKey) and may_see_private_details(viewer, session)):
            for field in PRIVATE_FIELDS:
                data[field] = None
        return data


_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()
_TIME = WallClockTime()


def _datetime(value: Any) -> str | None:
    return _DATETIME.to_representation(value) if value is not None else None


class CategoryKey(serializers.SlugRelatedField[ActivityCategory]):
    """A category by its key, looked up in the process's copy of the vocabulary (no query)."""

    default_error_messages = {
        **serializers.SlugRelatedField.default_error_messages,
        "does_not_exist": 'No activity category has the key "{value}".',
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="key", queryset=ActivityCategory.objects.all(), **kwargs)

    def to_internal_value(self, data: Any) -> ActivityCategory:
        category = category_for_key(data) if isinstance(data, str) else None
        if category is None:
            # DRF's own lookup, for its exact messages (unknown key, wrong type).
            return super().to_internal_value(data)
        return category


class SessionIn(serializers.Serializer[Any]):
    date = serializers.DateField()
    start_time = WallClockTime(required=False, allow_null=True, default=None)
    duration_minutes = serializers.IntegerField(min_value=1, max_value=MAX_SESSION_MINUTES)
    category = CategoryKey()
    format = serializers.ChoiceField(choices=SessionFormat.choices, default="individual")
    group_size = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=2, max_value=500
    )
    modality = serializers.ChoiceField(choices=SessionModality.choices, default="in_person")
    provider = serializers.EmailField(required=False, allow_null=True, default=None)
    provider_name = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )
    notes = serializers.CharField(max_length=10_000, required=False, default="", allow_blank=True)
    submit = serializers.BooleanField(
        default=False, help_text="Submit for countersigning right away."
    )


class SessionPatch(serializers.Serializer[Any]):
    date = serializers.DateField(required=False)
    start_time = WallClockTime(required=False, allow_null=True)
    duration_minutes = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_SESSION_MINUTES
    )
    category = CategoryKey(required=False)
    format = serializers.ChoiceField(choices=SessionFormat.choices, required=False)
    group_size = serializers.IntegerField(
        required=False, allow_null=True, min_value=2, max_value=500
    )
    modality = serializers.ChoiceField(choices=SessionModality.choices, required=False)
    provider_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=10_000, required=False, allow_blank=True)


class ReasonIn(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)


class RejectIn(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=1000, help_text="Why; shown to the trainee.")


class RequirementRow(serializers.Serializer[Any]):
    key = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    unit = serializers.CharField()
    required = serializers.IntegerField()  # type: ignore[assignment]
    credited = serializers.IntegerField()
    expected_by_now = serializers.IntegerField()
    projected_completion = serializers.DateField(allow_null=True)
    advisory = serializers.BooleanField()


class ReportRow(serializers.Serializer[Any]):
    enrollment = serializers.IntegerField()
    trainee = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    full_name = serializers.CharField()
    cohort = serializers.CharField(allow_null=True)
    enrollment_status = serializers.CharField()
    status = serializers.CharField(help_text="Overall compliance status.")
    as_of = serializers.DateField()
    requirements = RequirementRow(many=True)


class ComplianceOut(serializers.Serializer[Any]):
    """The engine's result with its explanation (see docs/program-format.md)."""

    enrollment_id = serializers.IntegerField()
    as_of = serializers.DateField()
    status = serializers.CharField()
    requirements = serializers.ListField(child=serializers.DictField())
