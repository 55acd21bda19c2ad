import time

from django.db.models import QuerySet

from accounts.models import User
from programs.models import (
    MANAGING_ROLES,
    ActivityCategory,
    Program,
    ProgramCategory,
    ProgramRole,
    RequirementSet,
    TwoFactorPolicyChange,
)

# How long a process trusts its copy of the vocabulary before reading it again.
CATEGORY_CACHE_SECONDS = 300.0

_categories_by_key: dict[str, ActivityCategory] = {}
_categories_read_at = float("-inf")


def category_vocabulary() -> dict[str, str]:
    """Every known category key with its name (built-in and added by program files)."""
    return dict(ActivityCategory.objects.values_list("key", "name"))


def category_for_key(key: str) -> ActivityCategory | None:
    """The category with this key, from this process's copy of the vocabulary, or None.

    Logging a session looks its category up on every request; the vocabulary is a few dozen rows
    that program files add to and nothing deletes while sessions use them, so the copy saves a
    query each time. An unknown key reads the table again at once (a program file in another
    process may just have added it); saving or deleting a category here, or restoring the
    built-in ones, drops the copy; and it is re-read every few minutes regardless. A stale copy
    can at worst offer a category some program no longer uses, which the session's own
    validation refuses.
    """
    now = time.monotonic()
    if now - _categories_read_at > CATEGORY_CACHE_SECONDS or key not in _categories_by_key:
        _read_categories(now)
    return _categories_by_key.get(key)


def category_cache_clear() -> None:
    global _categories_read_at
    _categories_read_at = float("-inf")
    _categories_by_key.clear()


def _read_categories(now: float) -> None:
    global _categories_by_key, _categories_read_at
    _categories_by_key = {c.key: c for c in ActivityCategory.objects.order_by()}
    _categories_read_at = now


def program_latest_requirement_set(*, program: Program) -> RequirementSet | None:
    return RequirementSet.objects.filter(program=program).order_by("-version").first()


def program_private_category_ids(*, program: Program) -> set[int]:
    return set(
        ProgramCategory.objects.filter(program=program, private=True).values_list(
            "category_id", flat=True
        )
    )


def programs_for_slugs(*, slugs: list[str]) -> QuerySet[Program]:
    return Program.objects.filter(slug__in=slugs).select_related("institution")


def programs_requiring_two_factor_of(*, user: User) -> QuerySet[Program]:
    """Programs that require a second factor of their managers, among those the person manages."""
    return (
        Program.objects.filter(
            roles__user=user, roles__role__in=MANAGING_ROLES, directors_require_two_factor=True
        )
        .distinct()
        .order_by("name")
    )


def programs_directed_by(*, user: User) -> QuerySet[Program]:
    """Programs whose two-factor policy this person may set: those they direct."""
    return (
        Program.objects.filter(roles__user=user, roles__role=ProgramRole.Role.DIRECTOR)
        .distinct()
        .order_by("name")
    )


def program_policy_changes(*, program: Program, limit: int = 20) -> list[TwoFactorPolicyChange]:
    """The latest changes to the program's sign-in policy, newest first, with who made them."""
    return list(
        TwoFactorPolicyChange.objects.filter(program=program).select_related("changed_by")[:limit]
    )
