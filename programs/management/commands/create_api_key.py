from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import ApiScope
from accounts.services.tokens import api_key_create
from programs.models import Institution


class Command(BaseCommand):
    help = (
        "Create an API key for an institutional system. The key is printed once and never stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--institution", required=True, help="Institution slug.")
        parser.add_argument(
            "--name", required=True, help="What the key is for, e.g. 'Student records'."
        )
        parser.add_argument(
            "--scope",
            action="append",
            required=True,
            dest="scopes",
            choices=ApiScope.values,
            metavar="SCOPE",
            help=f"Repeat for several: {', '.join(ApiScope.values)}.",
        )
        parser.add_argument(
            "--expires-in-days", type=int, default=365, help="0 for a key that never expires."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        institution = Institution.objects.filter(slug=options["institution"]).first()
        if institution is None:
            raise CommandError(f"No institution {options['institution']!r}.")
        days = options["expires_in_days"]
        expires_at = None
        if days > 0:
            expires_at = datetime.combine(
                timezone.now().date() + timedelta(days=days), time(), tzinfo=UTC
            )
        try:
            key, issued = api_key_create(
                institution_id=institution.pk,
                name=options["name"],
                scopes=options["scopes"],
                expires_at=expires_at,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stderr.write(
            f"Created API key {key.name!r} for {institution.slug} with scopes {', '.join(key.scopes)}"
            + (f", expiring {key.expires_at:%Y-%m-%d}." if key.expires_at else ", never expiring.")
        )
        self.stderr.write("Store it now: it cannot be shown again.")
        self.stdout.write(issued.raw)
