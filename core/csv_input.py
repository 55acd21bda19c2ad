"""Reading an uploaded CSV of people (a roster of trainees, a list of staff to invite) the same
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


def csv_rows(
    *, text: str, source: str, columns: tuple[str, ...], bad_header: str
) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """The file's non-blank rows after its header, as (line, stripped cells by column), and the
    rows refused for their shape. Raises InputFileError for a wrong header or unreadable CSV."""
    reader = csv.reader(io.StringIO(text))
    records: list[tuple[int, list[str]]] = []
    try:
        previous_end = 0
        for values in reader:
            # The line the row starts on: a quoted line break makes a row span several lines.
            records.append((previous_end + 1, values))
            previous_end = reader.line_num
    except csv.Error as exc:
        # A bare carriage return, a field over the csv module's limit: the reader has just read
        # the line it could not parse.
        message = f"not valid CSV: {exc}"
        raise InputFileError([Problem(source, reader.line_num or None, "", message)]) from None
    if not records or tuple(h.strip() for h in records[0][1]) != columns:
        raise InputFileError([Problem(source, 1, "", bad_header)])
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    for line, values in records[1:]:
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(columns):
            # An unquoted comma in a name shifts every later cell; refuse, never guess.
            message = WRONG_COUNT.format(found=len(values), expected=len(columns))
            problems.append(Problem(source, line, "", message))
            continue
        rows.append((line, dict(zip(columns, (v.strip() for v in values), strict=True))))
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
