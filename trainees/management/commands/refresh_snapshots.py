import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from trainees.services.compliance import snapshots_refresh_all


class Command(BaseCommand):
    help = "Recompute every enrollment's compliance snapshot (e.g. after a requirement-set change)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", help="Only this program's enrollments (slug).")
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes to spread the work over.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = snapshots_refresh_all(program_slug=options["program"], workers=options["workers"])
        self.stdout.write(f"Refreshed {count} snapshot(s).")
