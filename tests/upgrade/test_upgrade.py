"""Upgrading across the layout change (models moved to their rooms) keeps every row and every
compliance result.

The dump `pre_layout_demo.json.gz` was made by the code before the change (commit 7ff3533): a
seeded demo of 16 trainees and 2,314 sessions (`seed_demo --trainees 16 --years 2 --seed 7
--today 2026-11-20 --history-weeks 3`), plus rows of every model that moved, added through that
code's own services (`pre_layout_extra_rows.py.txt`: invitations, failed sign-ins, reminder
preferences, sign-in policy changes, confirmed and declined e-mailed confirmations with their
history), then every snapshot refreshed.

Each side runs in a process of its own on a scratch database (tests/upgrade/check.py): one loads
the dump into the old migrations' models and migrates forward; the other loads it into today's
models directly. Both must agree on every count, every moved table's rows, the content types
(relabelled, same ids), the stored snapshots, and every enrollment's compliance computed now.
"""

import gzip
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.upgrade.check import FIXTURE, MOVED

ROOT = Path(__file__).resolve().parents[2]


def side(name: str, folder: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.upgrade.check", name],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": f"sqlite:///{folder / f'{name}.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
        },
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory) -> dict:
    return side("upgrade", tmp_path_factory.mktemp("upgrade"))


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> dict:
    return side("fresh", tmp_path_factory.mktemp("fresh"))


@pytest.fixture(scope="module")
def dump() -> list[dict]:
    with gzip.open(FIXTURE, "rt") as file:
        return json.load(file)


def test_every_row_of_the_dump_is_there_after_the_upgrade(upgraded, dump):
    expected = Counter(MOVED.get(row["model"], row["model"]) for row in dump)

    found = {label: count for label, count in upgraded["counts"].items() if count}

    assert found == dict(expected)
    # the moved models' rows are really there, not only counted
    assert {label: found[label] for label in MOVED.values()} == {
        "accounts.invitation": 2,
        "accounts.loginattempt": 2,
        "reminders.notificationpreference": 3,
        "confirmations.externalconfirmationrequest": 6,
        "confirmations.externalconfirmationitem": 6,
        "confirmations.historicalexternalconfirmationrequest": 12,
        "programs.twofactorpolicychange": 2,
    }


def test_the_upgraded_database_holds_what_a_fresh_one_does(upgraded, fresh):
    assert upgraded["counts"] == fresh["counts"]
    assert upgraded["digests"] == fresh["digests"]
    assert upgraded["stored"] == fresh["stored"]


def test_content_types_follow_the_moved_models_keeping_their_ids(upgraded, fresh):
    # Permissions and admin log entries point at these ids.
    assert upgraded["content_types"] == fresh["content_types"]
    assert sorted(upgraded["content_types"]) == sorted(MOVED.values())


def test_stored_snapshots_are_the_dumps_and_compliance_is_unchanged(upgraded, fresh, dump):
    stored_in_dump = {
        str(row["fields"]["enrollment"]): row["fields"]["result"]
        for row in dump
        if row["model"] == "trainees.compliancesnapshot"
    }

    assert {k: v["result"] for k, v in upgraded["stored"].items()} == stored_in_dump
    assert len(upgraded["computed"]) == 16
    assert upgraded["computed"] == fresh["computed"]
