"""What others may see of a trainee's sessions: the one privacy rule (docs/adr/0005).

A session's details (its notes and a provider named in free text) belong to the trainee alone;
`may_see_private_details` says so, and the API, the pages and the exports ask it rather than
deciding for themselves. Sessions in categories a program marks private are not even listed to
anyone else (trainees.selectors.access); their figures reach staff only as totals.

What staff may see of a compliance result: private categories only as totals.

The engine's explanation ties every credited minute to a session, with its id and date. For a
private category (personal therapy, training analysis) even the dates reveal more than a program
needs, so anyone but the trainee gets, per requirement, one line per private category: how many
sessions, how many minutes, how much was credited. Figures stay exact; only the trail is folded.
"""

from collections import defaultdict
from typing import Any

from accounts.models import ApiKey, User
from programs.models import ProgramCategory
from trainees.models import Enrollment, Session


def may_see_private_details(principal: User | ApiKey, session: Session) -> bool:
    """Private details belong to the trainee alone: not staff, not the program, not a key."""
    return (
        isinstance(principal, User)
        and principal.is_authenticated
        and session.trainee.user_id == principal.pk
    )


def private_category_keys(*, enrollment: Enrollment) -> set[str]:
    """Categories private in any program the trainee is enrolled in (the strictest reading)."""
    return set(
        ProgramCategory.objects.filter(
            private=True, program__enrollments__trainee_id=enrollment.trainee_id
        )
        .values_list("category__key", flat=True)
        .distinct()
    )


def _fold(
    entries: list[dict[str, Any]], private: set[str], group_by: tuple[str, ...]
) -> list[dict[str, Any]]:
    kept = [entry for entry in entries if entry.get("category") not in private]
    folded: dict[tuple[Any, ...], dict[str, Any]] = defaultdict(dict)
    for entry in entries:
        if entry.get("category") not in private:
            continue
        key = tuple(entry.get(field) for field in group_by)
        line = folded[key]
        if not line:
            line.update({field: entry.get(field) for field in group_by})
            line.update({"session_id": None, "date": None, "private": True, "sessions": 0})
        line["sessions"] += 1
        for number in ("minutes", "input", "credited"):
            if number in entry:
                line[number] = line.get(number, 0) + entry[number]
    return kept + list(folded.values())


def compliance_for_staff(data: dict[str, Any], *, private: set[str]) -> dict[str, Any]:
    """A result dict with private categories' sessions folded into totals (see module doc)."""
    requirements = []
    for requirement in data["requirements"]:
        requirements.append(
            {
                **requirement,
                "explanation": _fold(
                    requirement.get("explanation", []), private, ("category", "role")
                ),
                "excluded": _fold(requirement.get("excluded", []), private, ("category", "reason")),
            }
        )
    return {**data, "requirements": requirements}
