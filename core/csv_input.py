"""Reading an uploaded CSV (a roster of trainees, staff to invite, historical sessions) the same
way everywhere: every problem is reported with the line its row starts on and the column, and
nothing a database would refuse (NUL, over-long text) gets as far as a query.
"""

import csv
import io
from collections.abc import Mapping

from django.core.exceptions import ValidationError

from core.problems import InputFileError, Problem

WRONG_COUNT = "{found} values for {expected} columns"
NUL = "contains a NUL character"
TOO_LONG = "longer than {limit} characters"


def _records(text: str, source: str) -> list[tuple[int, list[str]]]:
    """Every non-empty record with the line it starts on (a quoted line break makes a record
    span several lines). Raises InputFileError for text the csv module cannot read."""
    reader = csv.reader(io.StringIO(text))
    records: list[tuple[int, list[str]]] = []
    try:
        previous_end = 0
        for values in reader:
            if values:
                records.append((previous_end + 1, values))
            previous_end = reader.line_num
    except csv.Error as exc:
        # A bare carriage return, a field over the csv module's limit: the reader has just read
        # the line it could not parse.
        message = f"not valid CSV: {exc}"
        raise InputFileError([Problem(source, reader.line_num or None, "", message)]) from None
    return records


def csv_rows(
    *,
    text: str,
    source: str,
    columns: tuple[str, ...],
    bad_header: str | None = None,
    optional: tuple[str, ...] = (),
) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """The file's non-blank rows after its header, as (line, stripped cells by column), and the
    rows refused for their shape (a wrong number of values).

    With `bad_header`, the header must be exactly `columns`, in order (a fixed layout such as a
    roster); without, `columns` must all be present and the rest be among `optional`, in any
    order. Raises InputFileError for a wrong header or unreadable CSV."""
    records = _records(text, source)
    header = [h.strip() for h in records[0][1]] if records else []
    if bad_header is not None:
        if tuple(header) != columns:
            raise InputFileError([Problem(source, 1, "", bad_header)])
    else:
        missing = [c for c in columns if c not in header]
        unknown = [c for c in header if c not in columns + optional]
        wrong = [f"missing column(s): {', '.join(missing)}"] if missing else []
        wrong += [f"unknown column(s): {', '.join(unknown)}"] if unknown else []
        if wrong:
            raise InputFileError([Problem(source, 1, "", message) for message in wrong])
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    for line, values in records[1:]:
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            # An unquoted comma in a name shifts every later cell; refuse, never guess.
            message = WRONG_COUNT.format(found=len(values), expected=len(header))
            problems.append(Problem(source, line, "", message))
            continue
        rows.append((line, dict(zip(header, (v.strip() for v in values), strict=True))))
    return rows, problems


def cell_problems(
    *, source: str, line: int, cells: Mapping[str, str], limits: Mapping[str, int | None]
) -> list[Problem]:
    """NUL characters and text longer than its column: PostgreSQL would refuse either with a
    database error (a 500), so such a row is refused here and not checked further."""
    found: list[Problem] = []
    for field, value in cells.items():
        limit = limits.get(field)
        if "\x00" in value:
            found.append(Problem(source, line, field, NUL))
        elif limit is not None and len(value) > limit:
            found.append(Problem(source, line, field, TOO_LONG.format(limit=limit)))
    return found


def row_problems(
    *, source: str, line: int, error: ValidationError, column_of: Mapping[str, str] | None = None
) -> list[Problem]:
    """A service's refusal of one row, as problems named by the file's columns."""
    names = {"__all__": "", **(column_of or {})}
    if hasattr(error, "error_dict"):
        return [
            Problem(source, line, names.get(field, field), message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [Problem(source, line, "", message) for message in error.messages]
