"""Counting the generated cases of the fuzz tests, so SECURITY.md can quote "K cases, 0 server
errors" from a run. The conftest of each directory with fuzz tests imports the fixture and the
hook; the hook prints once, however many conftests registered it."""

from collections import Counter

import pytest

FUZZ_CASES = pytest.StashKey[Counter[str]]()
PRINTED = pytest.StashKey[bool]()


@pytest.fixture
def fuzz_cases(request) -> Counter[str]:
    """Generated cases run, by edge (e.g. "program file: upload page")."""
    return request.config.stash.setdefault(FUZZ_CASES, Counter())


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    cases = config.stash.get(FUZZ_CASES, None)
    if not cases or config.stash.get(PRINTED, False):
        return
    config.stash[PRINTED] = True
    # A CSV case is a file; the rows inside the files are counted apart, not added to the total.
    files = {edge: count for edge, count in cases.items() if not edge.endswith(" rows")}
    rows = {edge: count for edge, count in cases.items() if edge.endswith(" rows")}
    by_edge = ", ".join(f"{edge} {count}" for edge, count in sorted(files.items()))
    line = f"fuzz: {sum(files.values())} generated cases ({by_edge})"
    if rows:
        line += "; rows in the CSV files: " + ", ".join(
            f"{edge} {count}" for edge, count in sorted(rows.items())
        )
    terminalreporter.write_line(line)
