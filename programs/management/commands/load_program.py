from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.problems import InputFileError
from programs.definitions.program_file import read_program_file
from programs.selectors import category_vocabulary
from programs.services.program_files import program_load


class Command(BaseCommand):
    help = "Validate and load a program file (YAML). A changed file creates a new requirement-set version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for path in options["paths"]:
            try:
                document = read_program_file(path, vocabulary=category_vocabulary())
                result = program_load(document=document, dry_run=options["dry_run"])
            except InputFileError as exc:
                raise CommandError(f"{path} was not loaded:\n{exc}") from None
            prefix = "[dry run] would load" if result.dry_run else "Loaded"
            if result.created_version:
                version = f"new requirement set version {result.requirement_set.version}"
            else:
                version = f"unchanged (version {result.requirement_set.version})"
            program = "new program" if result.created_program else "program"
            self.stdout.write(f"{prefix} {program} {result.program.slug}: {version}")
            if result.new_categories:
                self.stdout.write(f"  new categories: {', '.join(result.new_categories)}")
