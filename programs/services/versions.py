"""Loading a new version of one program's file from the staff pages."""

from accounts.models import User
from core.problems import InputFileError, Problem
from programs.definitions.program_file import ProgramDocument, parse_program_text
from programs.models import Program
from programs.selectors import category_vocabulary
from programs.services.program_files import LoadResult, program_load

UPLOAD_SOURCE = "uploaded file"
OTHER_PROGRAM = "this file is for program {found!r}; upload a file for {expected!r}"
OTHER_INSTITUTION = "this file is for institution {found!r}; this program belongs to {expected!r}"


def program_file_parse_for(*, program: Program, text: str) -> ProgramDocument:
    """Validate uploaded text as a new version of `program`. Raises InputFileError.

    A director manages one program: a file naming another program or institution would load
    into something they do not manage, so it is refused here rather than trusted.
    """
    document = parse_program_text(text, source=UPLOAD_SOURCE, vocabulary=category_vocabulary())
    canonical = document.canonical
    problems = []
    if canonical["program"]["slug"] != program.slug:
        problems.append(
            Problem(
                UPLOAD_SOURCE,
                None,
                "program.slug",
                OTHER_PROGRAM.format(found=canonical["program"]["slug"], expected=program.slug),
            )
        )
    if canonical["institution"]["slug"] != program.institution.slug:
        problems.append(
            Problem(
                UPLOAD_SOURCE,
                None,
                "institution.slug",
                OTHER_INSTITUTION.format(
                    found=canonical["institution"]["slug"], expected=program.institution.slug
                ),
            )
        )
    if problems:
        raise InputFileError(problems)
    return document


def program_version_upload(*, program: Program, text: str, actor: User) -> LoadResult:
    """Parse and load an uploaded file for `program`: a new requirement-set version when the
    rules changed (idempotent otherwise); enrollments stay on their versions. Raises
    InputFileError with every problem, nothing loaded."""
    document = program_file_parse_for(program=program, text=text)
    return program_load(document=document, actor=actor)
