"""How to call each operation of the matrix: where its object comes from, what it sends, and the
state the target sessions need. Only *how* lives here; what is expected lives in matrix.csv.

An operation with `path_args` targets an object: the matrix then has a cell for "ours"
(riverside's object) and one for "theirs" (elsewhere's). Without, it has one cell per persona.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.authorization.world import ATTESTED, PDF, WAIVED, World

PathArgs = Callable[[World, str], dict[str, Any]]
Body = Callable[[World, str], Any]


@dataclass(frozen=True)
class Operation:
    path_args: PathArgs | None = None
    body: Body | None = None
    # How the target sessions start: "draft", "submitted", "withdrawn" or "verified".
    session_state: str = "draft"
    format: str = "json"  # or "multipart" for uploads (API only)
    # False when the path arguments are not an object in anyone's scope (a signed token): the
    # operation then has one cell per persona, like one without arguments.
    scoped: bool = True
    # True when the body names the object (the program or institution to create it in).
    body_targets: bool = False

    @property
    def targeted(self) -> bool:
        return (self.path_args is not None and self.scoped) or self.body_targets


def constant(body: Any) -> Body:
    return lambda w, t: body


# --- Path arguments --------------------------------------------------------------------------


def by_program(w: World, t: str) -> dict[str, Any]:
    return {"slug": w.program[t].slug}


def by_version(w: World, t: str) -> dict[str, Any]:
    return {"slug": w.program[t].slug, "version": w.enrollment[t].requirement_set.version}


def by_trainee(w: World, t: str) -> dict[str, Any]:
    return {"pk": w.trainee[t].pk}


def by_enrollment(w: World, t: str) -> dict[str, Any]:
    return {"pk": w.enrollment[t].pk}


def by_session(w: World, t: str) -> dict[str, Any]:
    return {"pk": w.session[t].pk}


def by_webhook(w: World, t: str) -> dict[str, Any]:
    return {"pk": w.webhook[t].pk}


def by_attestation(w: World, t: str) -> dict[str, Any]:
    return {"pk": w.attestation[t].pk}


def by_recurring(w: World, t: str) -> dict[str, Any]:
    return {"pk": w.recurring[t].pk}


def by_program_enrollment(w: World, t: str) -> dict[str, Any]:
    return {"slug": w.program[t].slug, "enrollment_id": w.enrollment[t].pk}


def by_waiver(w: World, t: str) -> dict[str, Any]:
    return {**by_program_enrollment(w, t), "waiver_id": w.waiver[t].pk}


def by_assignment(w: World, t: str) -> dict[str, Any]:
    return {**by_program_enrollment(w, t), "assignment_id": w.assignment[t].pk}


def by_confirmation(w: World, t: str) -> dict[str, Any]:
    return {"pk": w.confirmation[t].pk}


def by_requirement(w: World, t: str) -> dict[str, Any]:
    return {"enrollment_id": w.enrollment[t].pk, "key": WAIVED}


# --- Page bodies -----------------------------------------------------------------------------


def assign_spare_supervisor(w: World, t: str) -> dict[str, Any]:
    # The page's form (prefix "assign"), valid: only the caller's scope can refuse it.
    return {"assign-supervisor": w.spare_supervisor[t].pk, "assign-starts_on": "2026-06-01"}


def end_assignment(w: World, t: str) -> dict[str, Any]:
    # The page's form of that one assignment (prefix "end-<pk>"), valid.
    prefix = f"end-{w.assignment[t].pk}"
    return {f"{prefix}-ends_on": "2026-06-30", f"{prefix}-reason": "Placement ended"}


def confirmation_request(w: World, t: str) -> dict[str, Any]:
    # A valid request for the target session (submitted): a session not the caller's own is not
    # among the form's choices.
    return {
        "sessions": [w.session[t].pk],
        "confirmer_name": "Sam Elsewhere",
        "confirmer_email": "sam.elsewhere@example.net",
    }


# --- API bodies ------------------------------------------------------------------------------


def new_webhook(w: World, t: str) -> dict[str, Any]:
    return {
        "url": "https://hooks.example.net/new",
        "events": ["session.verified"],
        "institution": w.program[t].institution.slug,
    }


def new_attestation(w: World, t: str) -> dict[str, Any]:
    return {
        "category": ATTESTED,
        "period_start": "2026-06-01",
        "period_end": "2026-06-14",
        "sessions": "2",
        "file": SimpleUploadedFile("june.pdf", PDF),
    }


def program_file(w: World, t: str) -> dict[str, Any]:
    program = w.program[t]
    return {
        "content": f"""\
format: 1
institution:
  slug: {program.institution.slug}
  name: {program.institution.name}
program:
  slug: {program.slug}
  name: {program.name}
  time_zone: UTC
  week_start: monday
categories:
  - key: client_individual
  - key: personal_therapy
    private: true
    verification: self_report
  - key: supervision_individual
requirements:
  - key: client_contact
    name: Client contact
    kind: total
    unit: hours
    minimum: 12
    counts:
      - categories: [client_individual]
"""
    }


def new_enrollment(w: World, t: str) -> dict[str, Any]:
    return {
        "trainee_email": "new.trainee@example.org",
        "program": w.program[t].slug,
        "start_date": "2026-06-01",
        "expected_end_date": "2027-06-01",
    }


def new_assignment(w: World, t: str) -> dict[str, Any]:
    # A supervisor of the program with no assignment yet: reassigning the trainee's own would
    # overlap, a field error that would hide whether the caller may assign at all.
    return {"supervisor": w.spare_supervisor[t].email, "starts_on": "2026-06-01"}


API: dict[tuple[str, str], Operation] = {
    ("api:health", "GET"): Operation(),
    ("api:schema", "GET"): Operation(),
    ("api:docs", "GET"): Operation(),
    ("api:institution-list", "GET"): Operation(),
    ("api:program-list", "GET"): Operation(),
    ("api:program-detail", "GET"): Operation(by_program),
    ("api:cohort-list", "GET"): Operation(by_program),
    ("api:requirement-set-list", "GET"): Operation(by_program),
    ("api:requirement-set-list", "POST"): Operation(by_program, program_file),
    ("api:requirement-set-detail", "GET"): Operation(by_version),
    ("api:program-report", "GET"): Operation(by_program),
    ("api:trainee-list", "GET"): Operation(),
    ("api:trainee-detail", "GET"): Operation(by_trainee),
    ("api:enrollment-list", "GET"): Operation(),
    ("api:enrollment-list", "POST"): Operation(None, new_enrollment, body_targets=True),
    ("api:enrollment-detail", "GET"): Operation(by_enrollment),
    ("api:enrollment-detail", "PATCH"): Operation(
        by_enrollment, constant({"expected_end_date": "2027-02-01"})
    ),
    ("api:enrollment-complete", "POST"): Operation(by_enrollment, constant({"on": "2026-06-10"})),
    ("api:enrollment-withdraw", "POST"): Operation(by_enrollment, constant({"on": "2026-06-10"})),
    ("api:enrollment-leaves", "GET"): Operation(by_enrollment),
    ("api:enrollment-leaves", "POST"): Operation(
        by_enrollment, constant({"start_date": "2026-07-01", "end_date": "2026-07-14"})
    ),
    ("api:enrollment-supervisors", "GET"): Operation(by_enrollment),
    ("api:enrollment-supervisors", "POST"): Operation(by_enrollment, new_assignment),
    ("api:enrollment-compliance", "GET"): Operation(by_enrollment),
    ("api:session-list", "GET"): Operation(),
    ("api:session-list", "POST"): Operation(
        None,
        constant({"date": "2026-06-02", "duration_minutes": 50, "category": "client_individual"}),
    ),
    ("api:session-detail", "GET"): Operation(by_session),
    ("api:session-detail", "PATCH"): Operation(by_session, constant({"duration_minutes": 60})),
    ("api:session-submit", "POST"): Operation(by_session),
    ("api:session-countersign", "POST"): Operation(by_session, session_state="submitted"),
    ("api:session-reject", "POST"): Operation(
        by_session, constant({"reason": "Wrong date"}), session_state="submitted"
    ),
    ("api:session-withdraw", "POST"): Operation(by_session, constant({"reason": "Duplicate"})),
    ("api:session-restore", "POST"): Operation(by_session, session_state="withdrawn"),
    ("api:attestation-list", "GET"): Operation(),
    ("api:attestation-list", "POST"): Operation(None, new_attestation, format="multipart"),
    ("api:attestation-download", "GET"): Operation(by_attestation),
    ("api:webhook-list", "GET"): Operation(),
    ("api:webhook-list", "POST"): Operation(None, new_webhook, body_targets=True),
    ("api:webhook-detail", "DELETE"): Operation(by_webhook),
    ("api:webhook-deliveries", "GET"): Operation(by_webhook),
}


# --- Pages -----------------------------------------------------------------------------------
# Every page route is called with GET and with POST: an empty form it rejects, or the action
# itself when it needs no input (submit, stop, revoke) or only the object (`body`). A route listed
# with one entry below gets both methods with the same path and session state; GET sends no body.

BAD_TOKEN = "not-a-valid-token"

PAGES: dict[str, Operation] = {
    # accounts
    "accounts:login": Operation(),
    "accounts:logout": Operation(),
    "accounts:password_reset": Operation(),
    "accounts:password_reset_done": Operation(),
    "accounts:password_reset_confirm": Operation(
        lambda w, t: {"uidb64": "MTIzNDU2", "token": "bad-token"}, scoped=False
    ),
    "accounts:password_reset_complete": Operation(),
    "accounts:invitation_accept": Operation(lambda w, t: {"token": BAD_TOKEN}, scoped=False),
    "accounts:two_factor": Operation(),
    "accounts:two_factor_verify": Operation(),
    "accounts:two_factor_setup": Operation(),
    "accounts:two_factor_backup_codes": Operation(),
    "accounts:two_factor_disable": Operation(),
    # reminders
    "reminders:unsubscribe": Operation(lambda w, t: {"token": BAD_TOKEN}, scoped=False),
    "reminders:deliveries": Operation(),
    # programs: staff pages of one program
    "staff:index": Operation(),
    "staff:overview": Operation(by_program),
    "staff:exports": Operation(by_program),
    "staff:export_csv": Operation(by_program),
    "staff:export_xlsx": Operation(by_program),
    "staff:export_pdf": Operation(by_program),
    "staff:program_file": Operation(by_program),
    "staff:enrollments_move": Operation(by_program),
    "staff:cohorts": Operation(by_program),
    "staff:enroll": Operation(by_program),
    "staff:roster_upload": Operation(by_program),
    "staff:trainee": Operation(by_program_enrollment),
    "staff:leave_add": Operation(by_program_enrollment),
    "staff:expected_end": Operation(by_program_enrollment),
    "staff:enrollment_close": Operation(by_program_enrollment),
    "staff:waiver_add": Operation(by_program_enrollment),
    "staff:waiver_end": Operation(by_waiver),
    "staff:assignment_add": Operation(by_program_enrollment, assign_spare_supervisor),
    "staff:assignment_end": Operation(by_assignment, end_assignment),
    "staff:trends": Operation(by_program),
    # A bound form missing its fields: the program's staff get it back with errors (400).
    "staff:staff_invite": Operation(by_program, constant({"email": ""})),
    "staff:staff_upload": Operation(by_program),
    "staff:security": Operation(by_program),
    # trainees: the trainee's own pages
    "logbook:home": Operation(),
    "logbook:requirement_explain": Operation(by_requirement),
    "logbook:session_list": Operation(),
    "logbook:session_new": Operation(),
    "logbook:session_detail": Operation(by_session),
    "logbook:session_edit": Operation(by_session),
    "logbook:session_submit": Operation(by_session),
    "logbook:session_withdraw": Operation(by_session),
    "logbook:session_restore": Operation(by_session, session_state="withdrawn"),
    "logbook:sessions_csv": Operation(),
    "logbook:transcript": Operation(),
    "logbook:transcript_pdf": Operation(),
    "logbook:timesheet": Operation(),
    "logbook:recurring": Operation(),
    # A proposal of the pattern (Mondays from 1 June): without a date both answer 404 to anyone.
    "logbook:recurring_confirm": Operation(by_recurring, constant({"date": "2026-06-15"})),
    "logbook:recurring_skip": Operation(by_recurring, constant({"date": "2026-06-15"})),
    "logbook:recurring_stop": Operation(by_recurring),
    "logbook:attestations": Operation(),
    "logbook:attestation_download": Operation(by_attestation),
    "reminders:preferences": Operation(),
    "data_rights:access_log": Operation(),
    "data_rights:export": Operation(),
    "confirmations:list": Operation(),
    "confirmations:new": Operation(
        None, confirmation_request, session_state="submitted", body_targets=True
    ),
    "confirmations:revoke": Operation(by_confirmation),
    "confirmations:resend": Operation(by_confirmation),
    # The confirmer's page: the signed link is the whole authority, whoever calls.
    "confirmations:confirm": Operation(lambda w, t: {"token": BAD_TOKEN}, scoped=False),
    # trainees: the supervisor's pages
    "staff:supervisor_queue": Operation(),
    "staff:supervisor_queue_act": Operation(
        None,
        lambda w, t: {"only": w.session[t].pk, "action": "countersign"},
        session_state="submitted",
        body_targets=True,
    ),
    "staff:supervisor_reopen": Operation(
        by_session, constant({"reason": "Wrong date"}), session_state="verified"
    ),
    "staff:supervisor_supervisees": Operation(),
}
PAGE_METHODS = ("GET", "POST")
