"""Recording staff views of a trainee's record (the trainee reads them on /privacy/access-log/)."""

from accounts.models import ApiKey, User
from trainees.models import AccessLogEntry, Trainee

# Operation names, as the trainee reads them on their access-log page.
STAFF_TRAINEE_DETAIL = "staff.trainee_detail"
STAFF_EXPORT = "staff.export_{fmt}"
API_ENROLLMENT_COMPLIANCE = "api.enrollment_compliance"
API_SESSION_DETAIL = "api.session_detail"


def access_record(
    *,
    viewer: User | ApiKey,
    trainee: Trainee,
    operation: str,
    enrollment_id: int | None = None,
) -> AccessLogEntry | None:
    """Record one view of `trainee`'s record with a single INSERT (no reads). Not idempotent:
    every view counts. The trainee reading their own record is not logged (returns None)."""
    if isinstance(viewer, ApiKey):
        return AccessLogEntry.objects.create(
            trainee=trainee,
            enrollment_id=enrollment_id,
            api_key_id=viewer.pk,
            viewer_name=f"API key: {viewer.name}",
            operation=operation,
        )
    if viewer.pk == trainee.user_id:
        return None
    return AccessLogEntry.objects.create(
        trainee=trainee,
        enrollment_id=enrollment_id,
        user_id=viewer.pk,
        viewer_name=viewer.get_full_name(),
        operation=operation,
    )
