"""Two actions at once, for the row-lock tests (transactional tests on PostgreSQL)."""

import threading

from django.db import connections


def race(first, second) -> dict[str, object]:
    """Run both at once (a barrier releases them together); each outcome is the action's result
    or the exception it raised. A test makes the first hold its locks a moment (a slowed service)
    so the second really waits on them."""
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def run(name, action):
        try:
            barrier.wait()
            outcomes[name] = action()
        except Exception as exc:
            outcomes[name] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=("first", first)),
        threading.Thread(target=run, args=("second", second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes
