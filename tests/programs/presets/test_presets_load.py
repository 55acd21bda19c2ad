"""Every preset loads with `load_program --dry-run`, cites its source, round-trips through
export, and has hand-computed scenarios."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from programs.definitions.export import requirement_set_to_yaml
from programs.definitions.program_file import parse_program_text
from programs.models import Program
from tests.programs.presets.conftest import PRESETS, VOCABULARY, read_preset

NAMES = sorted(path.stem for path in PRESETS.glob("*.yaml"))
TESTS = Path(__file__).parent


def test_there_are_at_least_ten_presets():
    assert len(NAMES) >= 10


@pytest.mark.parametrize("name", NAMES)
def test_preset_loads_with_a_dry_run(db, name):
    out = io.StringIO()

    call_command("load_program", str(PRESETS / f"{name}.yaml"), "--dry-run", stdout=out)

    assert out.getvalue().startswith(f"[dry run] would load new program {name}: ")
    assert not Program.objects.filter(slug=name).exists()


@pytest.mark.parametrize("name", NAMES)
def test_preset_round_trips_through_export(db, name):
    call_command("load_program", str(PRESETS / f"{name}.yaml"), stdout=io.StringIO())
    requirement_set = Program.objects.get(slug=name).requirement_sets.get()

    exported = parse_program_text(
        requirement_set_to_yaml(requirement_set), source="export.yaml", vocabulary=VOCABULARY
    )

    assert exported.canonical == read_preset(name).canonical


@pytest.mark.parametrize("name", NAMES)
def test_preset_cites_its_source_and_has_scenarios(name):
    header = (PRESETS / f"{name}.yaml").read_text().split("\nformat: 1")[0]

    assert "# Source: " in header
    assert "Interpretations we chose:" in header
    assert (TESTS / f"test_{name.replace('-', '_')}.py").exists()
