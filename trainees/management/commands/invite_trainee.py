"""Create an invitation for an enrollment's trainee and print the link (until a director page sends it)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from core.links import absolute_url
from trainees.models import Enrollment
from trainees.services.enrollments import enrollment_invite


class Command(BaseCommand):
    help = "Create a single-use invitation link for an enrollment's trainee and print it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enrollment", type=int, required=True)
        parser.add_argument("--email", help="Defaults to the trainee's e-mail address.")
        parser.add_argument(
            "--base-url",
            help="The site's public address (default: REMINDERS_BASE_URL, as in e-mailed links).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        enrollment = (
            Enrollment.objects.select_related("trainee__user", "program")
            .filter(pk=options["enrollment"])
            .first()
        )
        if enrollment is None:
            raise CommandError(f"No enrollment with id {options['enrollment']}.")
        try:
            issued = enrollment_invite(enrollment=enrollment, email=options["email"] or None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        path = reverse("accounts:invitation_accept", args=[issued.token])
        base = options["base_url"]
        self.stdout.write(f"{str(base).rstrip('/')}{path}" if base else absolute_url(path))
