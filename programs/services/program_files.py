"""Writes to programs: loading program files into institutions, programs and requirement sets."""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from core.problems import InputFileError, Problem
from core.weekdays import WEEKDAYS
from programs.definitions.program_file import ProgramDocument
from programs.models import (
    ActivityCategory,
    Institution,
    Program,
    ProgramCategory,
    RequirementSet,
)


@dataclass(frozen=True, slots=True)
class LoadResult:
    program: Program
    requirement_set: RequirementSet
    created_program: bool
    created_version: bool
    new_categories: tuple[str, ...]
    dry_run: bool


class _DryRunRollback(Exception):
    pass


def program_load(
    *, document: ProgramDocument, actor: User | None = None, dry_run: bool = False
) -> LoadResult:
    """Create or update a program from a validated file. Idempotent: the same file twice is a no-op.

    A changed file creates a new requirement-set version; existing versions (and the enrollments
    on them) are never rewritten. With `dry_run`, everything is done and then rolled back, so the
    result says exactly what a real load would do. Raises InputFileError on a conflict with the
    database (a program slug owned by another institution).
    """
    result: LoadResult | None = None
    try:
        with transaction.atomic():
            result = _load(document, actor, dry_run)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    assert result is not None
    return result


def _load(document: ProgramDocument, actor: User | None, dry_run: bool) -> LoadResult:
    canonical = document.canonical
    institution, _ = Institution.objects.update_or_create(
        slug=canonical["institution"]["slug"], defaults={"name": canonical["institution"]["name"]}
    )
    program_data = canonical["program"]
    program = Program.objects.select_for_update().filter(slug=program_data["slug"]).first()
    created_program = program is None
    if program is not None and program.institution_id != institution.pk:
        raise InputFileError(
            [
                Problem(
                    document.source,
                    None,
                    "program.slug",
                    f"program {program.slug!r} belongs to institution {program.institution.slug!r}",
                )
            ]
        )
    if program is None:
        program = Program(slug=program_data["slug"], institution=institution)
    program.name = program_data["name"]
    program.time_zone = program_data["time_zone"]
    program.week_start = WEEKDAYS.index(program_data["week_start"])
    program.full_clean()
    program.save()

    for new in document.new_categories:
        ActivityCategory.objects.get_or_create(
            key=new.key, defaults={"name": new.name, "description": new.description}
        )
    categories = {
        c.key: c
        for c in ActivityCategory.objects.filter(
            key__in=[c["key"] for c in canonical["categories"]]
        )
    }
    kept = []
    for entry in canonical["categories"]:
        setting, _ = ProgramCategory.objects.update_or_create(
            program=program,
            category=categories[entry["key"]],
            defaults={"private": entry["private"], "verification": entry["verification"]},
        )
        kept.append(setting.pk)
    # Settings mirror the latest file; sessions reference the shared category, not these rows.
    ProgramCategory.objects.filter(program=program).exclude(pk__in=kept).delete()

    latest = RequirementSet.objects.filter(program=program).order_by("-version").first()
    created_version = latest is None or latest.checksum != document.checksum
    if created_version:
        requirement_set = RequirementSet.objects.create(
            program=program,
            version=(latest.version + 1) if latest else 1,
            definition=canonical,
            checksum=document.checksum,
            source_name=document.source[-255:],
            created_by=actor,
        )
    else:
        assert latest is not None
        requirement_set = latest
    return LoadResult(
        program=program,
        requirement_set=requirement_set,
        created_program=created_program,
        created_version=created_version,
        new_categories=tuple(c.key for c in document.new_categories),
        dry_run=dry_run,
    )
