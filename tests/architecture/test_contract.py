"""The architecture contract in pyproject.toml (`lint-imports`, part of `make lint`) holds, and
breaks when someone adds a forbidden import: each case copies the project's source to a scratch
folder, adds one offending line, and runs the linter there."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROOMS = [
    "config", "api", "staff", "logbook", "data_rights", "confirmations", "reminders", "webhooks",
    "trainees", "programs", "accounts", "core",
]  # fmt: skip
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("source")
    for room in ROOMS:
        shutil.copytree(
            ROOT / room,
            copy / room,
            ignore=shutil.ignore_patterns(
                "*.pyc", "__pycache__", "templates", "static", "presets", "demo"
            ),
        )
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def lint(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=folder,
        env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_project_keeps_its_contract(source):
    result = lint(source)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken", "reported"),
    [
        # programs (the rules) may not import trainees (the domain above it)
        (
            "programs/selectors.py",
            "import trainees.models",
            "Rooms by domain",
            "programs.selectors -> trainees.models",
        ),
        # a feature may not import its sibling feature
        (
            "reminders/due.py",
            "import confirmations.models",
            "Rooms by domain",
            "reminders.due -> confirmations.models",
        ),
        # a surface may not import another surface
        (
            "staff/views/home.py",
            "import logbook.views.dashboard",
            "Rooms by domain",
            "staff.views.home -> logbook.views.dashboard",
        ),
        # nothing imports the API
        (
            "trainees/services/sessions.py",
            "import api.v1.sessions",
            "Rooms by domain",
            "trainees.services.sessions -> api.v1.sessions",
        ),
        # the engine imports nothing of Django
        (
            "programs/engine/facts.py",
            "import django.db",
            "The compliance engine is pure",
            "programs.engine.facts -> django",
        ),
        # a circle inside a room: services import selectors, so a selector importing a service
        (
            "trainees/selectors/privacy.py",
            "import trainees.services.sessions",
            "No import circle inside a room",
            "- .selectors -> .services (1 import)",
        ),
    ],
)
def test_a_forbidden_import_breaks_the_contract(source, tmp_path, module, line, broken, reported):
    folder = tmp_path / "project"
    shutil.copytree(source, folder)
    path = folder / module
    path.write_text(path.read_text() + f"\n{line}\n")

    result = lint(folder)

    assert result.returncode == 1, result.stdout
    assert "Contracts: 2 kept, 1 broken." in result.stdout
    report = result.stdout.split("Broken contracts")[1].lstrip("-\n")
    assert report.startswith(broken)
    assert reported in report
