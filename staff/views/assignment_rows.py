"""What the trainee page's Supervisors section needs: each assignment with its End form, and the
form to assign someone. Kept apart from the views so trainee.py and assignments.py share it
without importing each other."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from programs.models import Program, ProgramCategory, ProgramRole
from staff.forms import AssignSupervisorForm, EndAssignmentForm
from trainees.models import SupervisorAssignment


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    assignment: SupervisorAssignment
    current: bool
    end_form: EndAssignmentForm | None


def end_assignment_form(assignment: SupervisorAssignment, data: Any = None) -> EndAssignmentForm:
    # One form per assignment on the page: the prefix keeps their field ids distinct.
    return EndAssignmentForm(data, prefix=f"end-{assignment.pk}")


def assignment_rows(
    assignments: Iterable[SupervisorAssignment],
    *,
    today: date,
    ending: tuple[int, EndAssignmentForm] | None = None,
) -> list[AssignmentRow]:
    """Current assignments (ending today or later, or open-ended) carry an End form; the one
    just submitted with errors keeps its bound form."""
    rows = []
    for assignment in assignments:
        current = assignment.ends_on is None or assignment.ends_on >= today
        form = None
        if ending is not None and ending[0] == assignment.pk:
            form = ending[1]  # even for a past one: the error says it has already ended
        elif current:
            form = end_assignment_form(assignment)
            form.initial = {"ends_on": today}
        rows.append(AssignmentRow(assignment=assignment, current=current, end_form=form))
    return rows


def assign_supervisor_form(
    program: Program, data: Any = None, *, initial_date: date | None = None
) -> AssignSupervisorForm:
    """Supervisors of this program to choose from, and its categories that a supervisor can
    countersign (private ones are never shown to supervisors, so assigning them means nothing)."""
    supervisors = [
        (
            role.user_id,
            f"{role.user.full_name} ({role.user.email})"
            if role.user.full_name
            else role.user.email,
        )
        for role in ProgramRole.objects.filter(program=program, role=ProgramRole.Role.SUPERVISOR)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    ]
    categories = [
        (pc.category.key, pc.category.name)
        for pc in ProgramCategory.objects.filter(program=program, private=False)
        .select_related("category")
        .order_by("category__name")
    ]
    return AssignSupervisorForm(
        data,
        supervisors=supervisors,
        categories=categories,
        initial={"starts_on": initial_date} if initial_date else None,
    )
