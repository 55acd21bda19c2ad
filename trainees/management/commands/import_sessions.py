from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.problems import InputFileError
from trainees.services.imports import sessions_import_csv


class Command(BaseCommand):
    help = (
        "Import historical sessions from a CSV file (columns: see trainees/services/imports.py or "
        "docs/operations.md). All or nothing: any bad row aborts the import and lists every problem by line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv_path", type=Path, metavar="CSV")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["csv_path"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            result = sessions_import_csv(text=text, source=str(path), today=timezone.localdate())
        except InputFileError as exc:
            raise CommandError(
                f"Nothing was imported; {len(exc.problems)} problem(s):\n{exc}"
            ) from None
        self.stdout.write(f"Imported {result.created} session(s) for {result.trainees} trainee(s).")
