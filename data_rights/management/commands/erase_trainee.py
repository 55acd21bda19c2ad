"""Staff-run erasure of one trainee's private details and personal data (docs/data-rights.md)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from data_rights.services.erasure import trainee_erase
from trainees.models import Trainee

NEEDS_CONFIRM = (
    "Erasure cannot be undone. Re-run with --confirm to erase trainee {id} ({name}): notes, "
    "provider names, client codes, documents, name, e-mail, external id and password."
)


class Command(BaseCommand):
    help = "Erase a trainee's private details and personal data; keep de-identified figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--trainee", type=int, required=True, help="Trainee id.")
        parser.add_argument("--confirm", action="store_true", help="Really erase.")

    def handle(self, *args: Any, **options: Any) -> None:
        trainee = Trainee.objects.select_related("user").filter(pk=options["trainee"]).first()
        if trainee is None:
            raise CommandError(f"No trainee with id {options['trainee']}.")
        if not options["confirm"]:
            raise CommandError(NEEDS_CONFIRM.format(id=trainee.pk, name=trainee.user))
        result = trainee_erase(trainee=trainee)
        self.stdout.write(
            f"Erased trainee {result.trainee_id}: {result.sessions} sessions and "
            f"{result.history_rows} history rows scrubbed, {result.files_removed} files removed. "
            "Sessions and compliance figures are kept."
        )
