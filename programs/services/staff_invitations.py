"""Inviting supervisors and coordinators to a program, singly or from a CSV file.

A trainee's invitation (accounts.services.invitations) is tied to their enrollment; staff have
none, and the Invitation row requires one. So the role is granted when the director invites (as a
trainee is enrolled when invited), and a person who has never signed in gets a link to set their
password: Django's password-reset token, which is signed, expires after PASSWORD_RESET_TIMEOUT
and stops working once the password is set (it hashes the password). Someone who already has an
account (say, a supervisor of another program) just gains the role.
"""

from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from core.csv_input import cell_problems, csv_rows, row_problems
from core.history import save_with_reason
from core.problems import InputFileError, Problem
from programs.models import Program, ProgramRole

INVITABLE_ROLES = (ProgramRole.Role.SUPERVISOR, ProgramRole.Role.COORDINATOR)
ROLE_NOT_INVITABLE = "Only supervisors and coordinators can be invited here."
ALREADY_HAS_ROLE = "This person already has this role in the program and has signed in."
ACCOUNT_INACTIVE = "This account is deactivated."

STAFF_COLUMNS = ("email", "full_name", "role")
STAFF_SOURCE = "staff.csv"
STAFF_BAD_HEADER = "the first line must be: " + ",".join(STAFF_COLUMNS)
STAFF_EMPTY = "the file has nobody to invite"
STAFF_REQUIRED = "required"
STAFF_BAD_EMAIL = "not an e-mail address"
STAFF_BAD_ROLE = "must be one of: " + ", ".join(INVITABLE_ROLES)
STAFF_DUPLICATE = "this e-mail and role appear on an earlier line"


@dataclass(frozen=True, slots=True)
class StaffInvitation:
    user: User
    role: str
    # None when the person already has a password: they sign in as usual.
    uidb64: str | None
    token: str | None


def staff_invite(
    *, program: Program, email: str, full_name: str, role: str, created_by: User
) -> StaffInvitation:
    """Give a person (created if new) a supervisor or coordinator role in the program, with a
    set-password link if they have never signed in. Inviting again someone who has not yet
    signed in issues a fresh link. Raises ValidationError naming the field; nothing is written."""
    address = email.strip().lower()
    if role not in INVITABLE_ROLES:
        raise ValidationError({"role": [ROLE_NOT_INVITABLE]})
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=address).first()
        if user is None:
            user = User(email=address, full_name=full_name.strip())
            user.set_unusable_password()
            user.full_clean()
            user.save()
        elif not user.is_active:
            raise ValidationError({"email": [ACCOUNT_INACTIVE]})
        held = ProgramRole.objects.filter(program=program, user=user, role=role).exists()
        if held and user.has_usable_password():
            raise ValidationError({"email": [ALREADY_HAS_ROLE]})
        if not held:
            grant = ProgramRole(program=program, user=user, role=role)
            grant.full_clean()
            save_with_reason(grant, f"invited as {role}", by=created_by)
    if user.has_usable_password():
        return StaffInvitation(user=user, role=role, uidb64=None, token=None)
    return StaffInvitation(
        user=user,
        role=role,
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
        token=default_token_generator.make_token(user),
    )


@dataclass(frozen=True, slots=True)
class StaffRow:
    line: int
    email: str
    full_name: str
    role: str


def staff_csv_parse(*, text: str) -> list[StaffRow]:
    """Read a staff CSV (email,full_name,role). Raises InputFileError listing every problem with
    its line."""
    records, problems = csv_rows(
        text=text, source=STAFF_SOURCE, columns=STAFF_COLUMNS, bad_header=STAFF_BAD_HEADER
    )
    rows: list[StaffRow] = []
    seen: set[tuple[str, str]] = set()
    for line, cells in records:
        found = cell_problems(source=STAFF_SOURCE, line=line, cells=cells, limits=_STAFF_LIMITS)
        if found:
            problems.extend(found)
            continue
        email = cells.get("email", "").lower()
        if not email:
            found.append(Problem(STAFF_SOURCE, line, "email", STAFF_REQUIRED))
        else:
            try:
                validate_email(email)
            except ValidationError:
                found.append(Problem(STAFF_SOURCE, line, "email", STAFF_BAD_EMAIL))
        role = cells.get("role", "").lower()
        if not role:
            found.append(Problem(STAFF_SOURCE, line, "role", STAFF_REQUIRED))
        elif role not in INVITABLE_ROLES:
            found.append(Problem(STAFF_SOURCE, line, "role", STAFF_BAD_ROLE))
        if email and (email, role) in seen:
            found.append(Problem(STAFF_SOURCE, line, "email", STAFF_DUPLICATE))
        seen.add((email, role))
        problems.extend(found)
        if not found:
            rows.append(
                StaffRow(line=line, email=email, full_name=cells.get("full_name", ""), role=role)
            )
    if problems:
        raise InputFileError(problems)
    if not rows:
        raise InputFileError([Problem(STAFF_SOURCE, None, "", STAFF_EMPTY)])
    return rows


def staff_csv_import(
    *, program: Program, rows: list[StaffRow], created_by: User
) -> list[StaffInvitation]:
    """Invite every row, all or none. Raises InputFileError with each failing row's line and
    field; then nothing is written."""
    problems: list[Problem] = []
    issued: list[StaffInvitation] = []
    with transaction.atomic():
        for row in rows:
            try:
                # A savepoint per row: one failing row must not abort the others' checks.
                with transaction.atomic():
                    issued.append(
                        staff_invite(
                            program=program,
                            email=row.email,
                            full_name=row.full_name,
                            role=row.role,
                            created_by=created_by,
                        )
                    )
            except ValidationError as error:
                problems.extend(row_problems(source=STAFF_SOURCE, line=row.line, error=error))
        if problems:
            # Raising inside the outer block rolls back the rows that did succeed.
            raise InputFileError(problems)
    return issued


_STAFF_LIMITS: dict[str, int | None] = {
    "email": User._meta.get_field("email").max_length,
    "full_name": User._meta.get_field("full_name").max_length,
}
