"""Reads for a new program-file version before it is loaded: what changes in the requirements,
and how many open enrollments would change overall status on the new rules."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from programs.engine import RequirementSetRules, evaluate
from programs.models import Program
from trainees.models import Enrollment
from trainees.selectors.compliance import enrollments_facts, requirement_set_rules

# Computing compliance loads every session of the batch; a bounded batch keeps memory flat
# for a program of thousands of trainees.
PREVIEW_BATCH_SIZE = 200


@dataclass(frozen=True, slots=True)
class RequirementChange:
    key: str
    name: str
    change: str  # "added", "removed" or "changed"
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StatusPreview:
    open_enrollments: int
    would_change: int


def requirements_diff(
    *, current: Mapping[str, Any] | None, new: Mapping[str, Any]
) -> tuple[RequirementChange, ...]:
    """Requirements added, removed or changed (with the top-level fields that differ), by key."""
    old_by_key = {r["key"]: r for r in (current or {}).get("requirements", [])}
    new_by_key = {r["key"]: r for r in new.get("requirements", [])}
    changes: list[RequirementChange] = []
    for key, requirement in new_by_key.items():
        previous = old_by_key.get(key)
        if previous is None:
            changes.append(RequirementChange(key, requirement.get("name", key), "added"))
            continue
        fields = tuple(
            sorted(
                field
                for field in set(previous) | set(requirement)
                if previous.get(field) != requirement.get(field)
            )
        )
        if fields:
            changes.append(RequirementChange(key, requirement.get("name", key), "changed", fields))
    for key, requirement in old_by_key.items():
        if key not in new_by_key:
            changes.append(RequirementChange(key, requirement.get("name", key), "removed"))
    return tuple(changes)


def status_changes_preview(
    *, program: Program, rules: RequirementSetRules, batch_size: int = PREVIEW_BATCH_SIZE
) -> StatusPreview:
    """Count the program's open enrollments whose overall status differs between their current
    rules and `rules`, both computed now by the engine (snapshots may be stale)."""
    ids = list(
        Enrollment.objects.filter(program=program, status__in=Enrollment.OPEN_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    would_change = 0
    for start in range(0, len(ids), batch_size):
        batch = list(
            Enrollment.objects.filter(pk__in=ids[start : start + batch_size]).select_related(
                "requirement_set", "program"
            )
        )
        facts = enrollments_facts(enrollments=batch)
        for enrollment in batch:
            now = evaluate(facts[enrollment.pk], requirement_set_rules(enrollment.requirement_set))
            moved = evaluate(facts[enrollment.pk], rules)
            if now.status != moved.status:
                would_change += 1
    return StatusPreview(open_enrollments=len(ids), would_change=would_change)
