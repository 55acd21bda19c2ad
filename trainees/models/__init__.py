from trainees.models.compliance import ComplianceSnapshot, RequirementStatus
from trainees.models.enrollment import (
    Cohort,
    Enrollment,
    LeaveOfAbsence,
    SupervisorAssignment,
    Trainee,
)
from trainees.models.session import Session, SessionFormat, SessionModality, SessionStatus

__all__ = [
    "Cohort",
    "ComplianceSnapshot",
    "Enrollment",
    "LeaveOfAbsence",
    "RequirementStatus",
    "Session",
    "SessionFormat",
    "SessionModality",
    "SessionStatus",
    "SupervisorAssignment",
    "Trainee",
]
