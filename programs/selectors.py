from django.db.models import QuerySet

from programs.models import ActivityCategory, Program, ProgramCategory, RequirementSet


def category_vocabulary() -> dict[str, str]:
    """Every known category key with its name (built-in and added by program files)."""
    return dict(ActivityCategory.objects.values_list("key", "name"))


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
