"""Tests stand in for the worker that recomputes snapshots after a change to sessions.

Inside a test's transaction nothing commits, so the task a session service enqueues on commit
never runs; `settle_snapshots()` does what the worker (or the sweep, at worst a minute later)
does in production. Tests of the enqueue itself live in tests/trainees/test_snapshot_refresh.py.
"""

from datetime import timedelta

from trainees.services.compliance import pending_snapshots_sweep


def settle_snapshots() -> int:
    """Refresh every pending request now; returns how many trainees were refreshed."""
    return pending_snapshots_sweep(older_than=timedelta(0))
