from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from programs.definitions.export import requirement_set_to_yaml
from programs.models import RequirementSet


class Command(BaseCommand):
    help = "Write a program's requirement set (latest, or --version N) back as a program file."

    def add_base_argument(self, parser: CommandParser, *args: Any, **kwargs: Any) -> None:
        # Django gives every command a --version (its own version); ours selects a requirement
        # set, and argparse refuses two options with one name, so the built-in one is dropped.
        if "--version" in args:
            return
        super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument(
            "--version",
            type=int,
            dest="set_version",
            help="Requirement-set version (default: latest).",
        )
        parser.add_argument(
            "--output", type=Path, help="Write to this file instead of standard output."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        versions = RequirementSet.objects.filter(program__slug=options["slug"]).select_related(
            "program"
        )
        if options["set_version"] is not None:
            versions = versions.filter(version=options["set_version"])
        requirement_set = versions.order_by("-version").first()
        if requirement_set is None:
            raise CommandError(f"No program {options['slug']!r} (or no such version) found.")
        text = requirement_set_to_yaml(requirement_set)
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")
