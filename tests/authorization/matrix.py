"""Reading matrix.csv into cells. No Django here, so that counting the cells needs no database:

.venv/bin/python -m tests.authorization.matrix
"""

import csv
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
MATRIX_CSV = HERE / "matrix.csv"
EXCLUDED_CSV = HERE / "excluded.csv"
COLUMNS = ["route", "method", "persona", "ours", "theirs", "xfail"]
NOT_APPLICABLE = "-"


@dataclass(frozen=True)
class Expected:
    """One expectation: a status, a redirect to a sign-in page, or a list's contents."""

    status: int
    redirect: str | None = None  # "login", "admin-login" or "other" when status is 302
    seen: frozenset[str] | None = None  # what a list shows, when the cell is a list
    noop: bool = False  # a redirect back after doing nothing (an empty form of an action page)

    @classmethod
    def parse(cls, text: str) -> "Expected":
        if text == "login":
            return cls(302, "login")
        if text == "admin-login":
            return cls(302, "admin-login")
        if text == "302":
            return cls(302, "other")
        if text == "noop":
            return cls(302, "other", noop=True)
        if text.startswith("seen:"):
            items = text.removeprefix("seen:")
            return cls(200, seen=frozenset(items.split("|")) if items else frozenset())
        status = int(text)
        if not 100 <= status < 600 or status == 302:
            raise ValueError(text)
        return cls(status)

    @property
    def refused(self) -> bool:
        return self.status >= 400 or self.redirect in ("login", "admin-login")

    @property
    def changes_nothing(self) -> bool:
        """Refused, a form re-rendered with its errors, or a redirect after nothing to do."""
        return self.refused or self.status == 200 or self.noop


@dataclass(frozen=True)
class Cell:
    route: str  # namespaced URL name, e.g. "api:session-detail"
    method: str
    persona: str
    target: str | None  # "ours", "theirs", or None for an operation without an object
    expected: Expected
    text: str  # the expectation as written, for the test id
    xfail: str  # why this cell is known to be wrong in the code ("" when it is not)

    @property
    def id(self) -> str:
        return " ".join(p for p in (self.route, self.method, self.persona, self.target) if p)


@dataclass(frozen=True)
class Row:
    route: str
    method: str
    persona: str
    ours: str
    theirs: str
    xfail: str


def rows(path: Path = MATRIX_CSV) -> list[Row]:
    """The data rows; lines starting with # are comments."""
    with path.open(newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    reader = csv.DictReader(lines)
    assert reader.fieldnames == COLUMNS, f"{path.name} columns must be {COLUMNS}"
    found = [Row(**{k: (v or "").strip() for k, v in record.items()}) for record in reader]
    keys = Counter((r.route, r.method, r.persona) for r in found)
    duplicates = [key for key, n in keys.items() if n > 1]
    assert not duplicates, f"{path.name} lists these more than once: {duplicates}"
    return found


def cells(path: Path = MATRIX_CSV) -> list[Cell]:
    found = []
    for row in rows(path):
        reasons = _xfail_reasons(row.xfail)
        for target, text in (("ours", row.ours), ("theirs", row.theirs)):
            if text == NOT_APPLICABLE:
                continue
            # An operation without an object has its one cell in the "ours" column.
            name = target if row.theirs != NOT_APPLICABLE else None
            found.append(
                Cell(
                    row.route,
                    row.method,
                    row.persona,
                    name,
                    Expected.parse(text),
                    text,
                    reasons.get(target, ""),
                )
            )
    return found


def _xfail_reasons(text: str) -> dict[str, str]:
    """`ours: why` / `theirs: why` / `both: why`, several separated by ` ; `."""
    reasons: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(" ; "))):
        target, _, reason = part.partition(":")
        assert target in ("ours", "theirs", "both") and reason.strip(), f"bad xfail: {part}"
        for name in ("ours", "theirs") if target == "both" else (target,):
            reasons[name] = reason.strip()
    return reasons


def excluded(path: Path = EXCLUDED_CSV) -> dict[str, str]:
    """Route names (or `namespace:*`) the matrix leaves out on purpose, with the reason."""
    with path.open(newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    reader = csv.DictReader(lines)
    assert reader.fieldnames == ["route", "reason"], f"{path.name} columns must be route,reason"
    return {record["route"].strip(): record["reason"].strip() for record in reader}


def summary() -> str:
    found = cells()
    api = sum(c.route.startswith("api:") for c in found)
    known = sum(bool(c.xfail) for c in found)
    return (
        f"Authorization matrix: {len(found)} cells ({api} API, {len(found) - api} pages), "
        f"{known} marked xfail"
    )


if __name__ == "__main__":
    sys.stdout.write(summary() + "\n")
