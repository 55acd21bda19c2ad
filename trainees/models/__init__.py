from trainees.models.access_log import AccessLogEntry
from trainees.models.attestation import Attestation
from trainees.models.compliance import (
    ComplianceSnapshot,
    RequirementStatus,
    SnapshotRefreshRequest,
)
from trainees.models.enrollment import (
    Cohort,
    Enrollment,
    LeaveOfAbsence,
    SupervisorAssignment,
    Trainee,
)
from trainees.models.external_confirmation import (
    ExternalConfirmationItem,
    ExternalConfirmationRequest,
)
from trainees.models.invitation import Invitation, LoginAttempt
from trainees.models.milestone import EnrollmentMilestone
from trainees.models.preferences import NotificationPreference, ReminderKind
from trainees.models.recurring import RecurringOccurrence, RecurringSession
from trainees.models.session import Session, SessionFormat, SessionModality, SessionStatus
from trainees.models.trend import WeeklyStatus
from trainees.models.waiver import RequirementWaiver

__all__ = [
    "AccessLogEntry",
    "Attestation",
    "Cohort",
    "ComplianceSnapshot",
    "Enrollment",
    "EnrollmentMilestone",
    "ExternalConfirmationItem",
    "ExternalConfirmationRequest",
    "Invitation",
    "LeaveOfAbsence",
    "LoginAttempt",
    "NotificationPreference",
    "RecurringOccurrence",
    "RecurringSession",
    "ReminderKind",
    "RequirementStatus",
    "RequirementWaiver",
    "Session",
    "SessionFormat",
    "SessionModality",
    "SessionStatus",
    "SnapshotRefreshRequest",
    "SupervisorAssignment",
    "Trainee",
    "WeeklyStatus",
]
