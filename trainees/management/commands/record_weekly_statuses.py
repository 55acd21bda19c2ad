from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from programs.models import Program
from trainees.services.trends import weekly_statuses_backfill, weekly_statuses_record


class Command(BaseCommand):
    help = (
        "Record this week's status of every enrollment for the cohort trend chart; with "
        "--backfill-since, first compute the ended weeks since that date that have no row yet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--backfill-since",
            type=date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="Compute missing past weeks from the week containing this date (slow: the "
            "engine runs once per enrollment and week).",
        )
        parser.add_argument("--program", metavar="SLUG", help="Only this program's enrollments.")

    def handle(self, *args: Any, **options: Any) -> None:
        program = None
        if options["program"]:
            program = Program.objects.filter(slug=options["program"]).first()
            if program is None:
                raise CommandError(f"--program: no program with the slug {options['program']!r}.")
        if options["backfill_since"]:
            computed = weekly_statuses_backfill(program=program, since=options["backfill_since"])
            self.stdout.write(f"Backfilled {computed} weekly status(es).")
        recorded = weekly_statuses_record(program=program)
        self.stdout.write(f"Recorded {recorded} weekly status(es) for the current week.")
