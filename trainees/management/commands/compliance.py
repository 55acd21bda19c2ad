import csv
import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.units import format_amount
from programs.engine import EnrollmentResult, result_from_dict, result_to_dict
from trainees.models import Enrollment
from trainees.selectors.compliance import enrollments_compliance
from trainees.selectors.privacy import compliance_for_staff, private_category_keys

COLUMNS = [
    "enrollment",
    "trainee",
    "requirement",
    "status",
    "credited",
    "required",
    "expected_by_now",
    "unit",
]


class Command(BaseCommand):
    help = (
        "Print compliance for a program's enrollments (from snapshots, or computed --as-of a date)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True, help="Program slug.")
        parser.add_argument("--enrollment", type=int, help="Only this enrollment id.")
        parser.add_argument(
            "--as-of", type=date.fromisoformat, help="Compute as of this date (YYYY-MM-DD)."
        )
        parser.add_argument("--format", choices=["table", "json", "csv"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        enrollments = (
            Enrollment.objects.filter(program__slug=options["program"])
            .select_related("trainee__user", "program", "requirement_set", "snapshot")
            .order_by("pk")
        )
        if options["enrollment"] is not None:
            enrollments = enrollments.filter(pk=options["enrollment"])
        batch = list(enrollments)
        if not batch:
            raise CommandError(f"No enrollments found for program {options['program']!r}.")
        if options["format"] == "json":
            # JSON carries the explanation, which snapshots do not store: compute it.
            results = enrollments_compliance(enrollments=batch, as_of=options["as_of"])
        else:
            results = self._results(batch, options["as_of"])
        names = {e.pk: e.trainee.user.get_full_name() for e in batch}
        if options["format"] == "json":
            payload = [
                {
                    "enrollment": e.pk,
                    "trainee": names[e.pk],
                    # An operator's tool: private categories appear only as totals, as for staff.
                    **compliance_for_staff(
                        result_to_dict(results[e.pk]), private=private_category_keys(enrollment=e)
                    ),
                }
                for e in batch
            ]
            self.stdout.write(json.dumps(payload, indent=2))
            return
        rows = [
            [e.pk, names[e.pk], r.key, r.status, r.credited, r.required, r.expected_by_now, r.unit]
            for e in batch
            for r in results[e.pk].requirements
        ]
        if options["format"] == "csv":
            writer = csv.writer(self.stdout)
            writer.writerow(COLUMNS)
            writer.writerows(rows)
            return
        for e in batch:
            result = results[e.pk]
            self.stdout.write(f"#{e.pk} {names[e.pk]}: {result.status} (as of {result.as_of})")
            for r in result.requirements:
                self.stdout.write(
                    f"  {r.key:<28} {r.status:<11} {format_amount(r.credited, r.unit):>12} of "
                    f"{format_amount(r.required, r.unit):>12}  expected by now {format_amount(r.expected_by_now, r.unit)}"
                )

    def _results(self, batch: list[Enrollment], as_of: date | None) -> dict[int, EnrollmentResult]:
        if as_of is not None:
            return enrollments_compliance(enrollments=batch, as_of=as_of)
        stored = {
            e.pk: result_from_dict(e.snapshot.result) for e in batch if hasattr(e, "snapshot")
        }
        missing = [e for e in batch if e.pk not in stored]
        if missing:
            self.stderr.write(f"{len(missing)} enrollment(s) had no snapshot; computed now.")
            stored.update(enrollments_compliance(enrollments=missing))
        return stored
