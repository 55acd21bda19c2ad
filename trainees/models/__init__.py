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
from trainees.models.milestone import EnrollmentMilestone
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
    "LeaveOfAbsence",
    "RecurringOccurrence",
    "RecurringSession",
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
