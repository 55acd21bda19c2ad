"""Every statement of the trainees room written by hand, each with the reason it is not the ORM.

STYLE 15: hand-written SQL is allowed where a measurement shows it pays (or where the ORM cannot
say it at all); it lives here, in named functions, and tests/trainees/test_sql.py holds each one
equal to its plain ORM version. The three on the logging path were measured with `make bench`
(figure 5): logging a session went from 10 statements and 8.7 ms to 6 statements and about
half the Python time, and the ORM spent several times each statement's own database cost
compiling it. All of them also run on SQLite (`make run`).
"""

from datetime import date, datetime

from django.db import connection

from programs.models import ProgramCategory
from trainees.models import Enrollment, SnapshotRefreshRequest, Trainee

# Arbitrary: the first key of the advisory locks that serialise refreshes of one enrollment.
REFRESH_LOCK_NAMESPACE = 7301

_TRAINEE_OF_USER = (
    f"SELECT id, user_id, external_id FROM {Trainee._meta.db_table} WHERE user_id = %s"
)

_COVERING_ENROLLMENTS_USE = f"""
    SELECT EXISTS (
        SELECT 1 FROM {ProgramCategory._meta.db_table} pc
        WHERE pc.program_id = e.program_id AND pc.category_id = %s
    )
    FROM {Enrollment._meta.db_table} e
    WHERE e.trainee_id = %s AND e.start_date <= %s
      AND (e.ended_on >= %s OR (e.ended_on IS NULL AND e.expected_end_date >= %s))
"""

_MOVE_REFRESH_REQUEST = (
    f"UPDATE {SnapshotRefreshRequest._meta.db_table} SET requested_at = %s WHERE trainee_id = %s"
)


def trainee_of_user_locked(user_id: int) -> Trainee | None:
    """The person's trainee row, found and locked (FOR UPDATE) in one statement, with `created_at`
    left deferred; None for someone who is not a trainee.

    The first statement of every session logged over the API: the ORM spent twice as long
    building it as PostgreSQL takes to run it, and the plain version is two statements (find,
    then lock).
    """
    sql = _TRAINEE_OF_USER
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    return Trainee.from_db(connection.alias, ["id", "user_id", "external_id"], row)


def covering_enrollments_use(*, trainee_id: int, on: date, category_id: int | None) -> list[bool]:
    """For each of the trainee's enrollments covering the date, whether its program uses the
    category (an empty list: no enrollment covers the date).

    Every logged or edited session runs this; written out it costs a tenth of the Python time
    the equivalent ORM query (an Exists annotation under an OR of Q objects) spends compiling.
    """
    with connection.cursor() as cursor:
        cursor.execute(_COVERING_ENROLLMENTS_USE, [category_id, trainee_id, on, on, on])
        return [bool(uses) for (uses,) in cursor.fetchall()]


def refresh_request_move(*, trainee_id: int, now: datetime) -> bool:
    """Move the trainee's pending snapshot refresh to `now`; False when none is pending.

    Every logged session runs this, and the ORM's update() spent several times the statement's
    own cost compiling it.
    """
    with connection.cursor() as cursor:
        cursor.execute(_MOVE_REFRESH_REQUEST, [now, trainee_id])
        return bool(cursor.rowcount)


def enrollments_refresh_lock(enrollment_ids: list[int]) -> None:
    """Serialise refreshes of the same enrollments until the transaction ends (PostgreSQL).

    Not for speed: the ORM has no advisory locks. A worker and a page may refresh one trainee at
    once, and their delete-and-insert of requirement rows must not interleave; advisory locks
    block no writer of sessions, and are taken in id order so overlapping batches cannot
    deadlock. SQLite serialises every write transaction anyway.
    """
    if connection.vendor != "postgresql" or not enrollment_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, id))"
            " FROM (SELECT unnest(%s::integer[]) AS id ORDER BY 1) AS ids",
            [REFRESH_LOCK_NAMESPACE, sorted(set(enrollment_ids))],
        )
