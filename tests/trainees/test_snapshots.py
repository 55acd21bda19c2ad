"""Stored compliance snapshots stay equal to a fresh computation after every write.

Rules (tests.factories.SIMPLE_DEFINITION): client_contact needs 10 h (600 min) of countersigned
client_individual; therapy_sessions needs 4 sessions of self-reported personal_therapy.
Today is Monday 15 June 2026; the enrollment runs 2026-01-05..2027-01-03 (364 days), so 162
days have elapsed and 600 min x 162 // 364 = 267 min are expected by now.
"""

import contextlib
import copy
from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.engine import result_to_dict
from programs.models import ActivityCategory
from tests.factories import (
    SIMPLE_DEFINITION,
    CohortFactory,
    EnrollmentFactory,
    ProgramFactory,
    RequirementSetFactory,
    SessionFactory,
    TraineeFactory,
)
from tests.snapshots import settle_snapshots
from trainees.models import ComplianceSnapshot, Enrollment, LeaveOfAbsence, RequirementStatus
from trainees.selectors.compliance import enrollment_compliance
from trainees.services.compliance import compact_result
from trainees.services.countersign import session_countersign, session_reject
from trainees.services.enrollments import (
    ALREADY_ENROLLED,
    END_BEFORE_START,
    ENDED_BEFORE_START,
    LEAVE_END_BEFORE_START,
    LEAVE_OUTSIDE_ENROLLMENT,
    LEAVE_OVERLAPS,
    NO_REQUIREMENT_SET,
    NOT_OPEN,
    SAME_VERSION,
    WRONG_PROGRAM_COHORT,
    WRONG_PROGRAM_VERSION,
    enrollment_complete,
    enrollment_create,
    enrollment_leave_add,
    enrollment_move_requirement_set,
    enrollment_withdraw,
)
from trainees.services.session_rules import NO_ENROLLMENT_ON_DATE
from trainees.services.sessions import (
    session_log,
    session_restore,
    session_submit,
    session_update,
    session_withdraw,
)

TODAY = date(2026, 6, 15)
START = date(2026, 1, 5)
END = date(2027, 1, 3)

# The other program counts supervision (at most 2 h a week) and weekly therapy, not client work.
OTHER_DEFINITION = {
    **copy.deepcopy(SIMPLE_DEFINITION),
    "program": {
        "slug": "elsewhere-psy",
        "name": "Elsewhere Psychology",
        "time_zone": "UTC",
        "week_start": "monday",
    },
    "requirements": [
        {
            "key": "supervision",
            "name": "Supervision",
            "kind": "total",
            "unit": "hours",
            "minimum": 20,
            "counts": [
                {
                    "categories": ["supervision_individual"],
                    "steps": [{"cap_per_period": {"period": "week", "amount": 2}}],
                }
            ],
            "verified_only": True,
            "advisory": False,
        },
        {
            "key": "weekly_therapy",
            "name": "Weekly therapy",
            "kind": "cadence",
            "categories": ["personal_therapy"],
            "period": "week",
            "min_sessions": 1,
            "allowed_misses": 4,
            "verified_only": True,
            "advisory": False,
        },
    ],
}

pytestmark = pytest.mark.usefixtures("frozen_today")


def category(key: str) -> ActivityCategory:
    return ActivityCategory.objects.get(key=key)


def log(trainee, **overrides):
    values = {
        "trainee": trainee,
        "actor": trainee.user,
        "date": date(2026, 6, 1),
        "duration_minutes": 50,
        "category": category("client_individual"),
    }
    values.update(overrides)
    return session_log(**values)


def stored_credited(enrollment: Enrollment) -> dict[str, int]:
    """Credited per requirement, read from the snapshot and checked against its status rows,
    once the worker has run."""
    settle_snapshots()
    snapshot = ComplianceSnapshot.objects.get(enrollment=enrollment)
    from_result = {r["key"]: r["credited"] for r in snapshot.result["requirements"]}
    from_rows = dict(
        RequirementStatus.objects.filter(enrollment=enrollment).values_list("key", "credited")
    )
    assert from_rows == from_result
    return from_result


def assert_snapshot_is_fresh(enrollment: Enrollment) -> None:
    settle_snapshots()
    enrollment = Enrollment.objects.select_related("program", "requirement_set").get(
        pk=enrollment.pk
    )
    fresh = enrollment_compliance(enrollment=enrollment)
    snapshot = ComplianceSnapshot.objects.get(enrollment=enrollment)
    assert snapshot.result == compact_result(result_to_dict(fresh))
    assert (snapshot.status, snapshot.as_of, snapshot.requirement_set_id) == (
        fresh.status,
        fresh.as_of,
        enrollment.requirement_set_id,
    )
    rows = RequirementStatus.objects.filter(enrollment=enrollment).order_by("id")
    assert [
        (r.key, r.kind, r.unit, r.status, r.required, r.credited, r.expected_by_now, r.as_of)
        for r in rows
    ] == [
        (r.key, r.kind, r.unit, r.status, r.required, r.credited, r.expected_by_now, fresh.as_of)
        for r in fresh.requirements
    ]


@pytest.fixture
def second_enrollment(trainee, other_program) -> Enrollment:
    """`trainee` also enrolled elsewhere, a month later, under OTHER_DEFINITION."""
    RequirementSetFactory(program=other_program, version=1, definition=OTHER_DEFINITION)
    return enrollment_create(
        trainee=trainee,
        program=other_program,
        start_date=date(2026, 2, 2),
        expected_end_date=date(2027, 1, 31),
    )


def test_enrollment_create_stores_a_snapshot(program):
    # given a program with a requirement set and a new trainee
    requirement_set = RequirementSetFactory(program=program, version=1)
    newcomer = TraineeFactory()

    # when
    enrollment = enrollment_create(
        trainee=newcomer, program=program, start_date=START, expected_end_date=END
    )

    # then
    assert enrollment.requirement_set == requirement_set
    snapshot = ComplianceSnapshot.objects.get(enrollment=enrollment)
    assert (snapshot.as_of, snapshot.status, snapshot.requirement_set_id) == (
        TODAY,
        "behind",
        requirement_set.pk,
    )
    rows = RequirementStatus.objects.filter(enrollment=enrollment).order_by("id")
    assert [(r.key, r.status, r.credited, r.required, r.expected_by_now) for r in rows] == [
        ("client_contact", "behind", 0, 600, 267),
        ("therapy_sessions", "behind", 0, 4, 1),
    ]
    assert_snapshot_is_fresh(enrollment)


def test_a_new_enrollment_within_the_grace_period_is_not_started(program):
    RequirementSetFactory(program=program, version=1)

    enrollment = enrollment_create(
        trainee=TraineeFactory(),
        program=program,
        start_date=date(2026, 6, 1),
        expected_end_date=date(2027, 5, 31),
    )

    assert ComplianceSnapshot.objects.get(enrollment=enrollment).status == "not_started"


def test_each_session_service_updates_the_snapshot(trainee, supervisor, enrollment):
    # a draft is not credited
    client = log(trainee)
    assert stored_credited(enrollment) == {"client_contact": 0, "therapy_sessions": 0}

    # submitted client work awaits countersigning
    session_submit(session=client, actor=trainee.user)
    assert stored_credited(enrollment) == {"client_contact": 0, "therapy_sessions": 0}

    session_countersign(session=client, supervisor=supervisor)
    assert stored_credited(enrollment) == {"client_contact": 50, "therapy_sessions": 0}

    # self-reported therapy counts once submitted
    therapy = log(trainee, category=category("personal_therapy"), submit=True)
    assert stored_credited(enrollment) == {"client_contact": 50, "therapy_sessions": 1}

    session_withdraw(session=client, actor=trainee.user)
    assert stored_credited(enrollment) == {"client_contact": 0, "therapy_sessions": 1}

    session_restore(session=client, actor=trainee.user)
    assert stored_credited(enrollment) == {"client_contact": 50, "therapy_sessions": 1}

    session_withdraw(session=therapy, actor=trainee.user)
    assert stored_credited(enrollment) == {"client_contact": 50, "therapy_sessions": 0}

    # a rejected session, corrected and countersigned, counts with its corrected duration
    second = log(trainee, duration_minutes=60, submit=True)
    session_reject(session=second, supervisor=supervisor, reason="Check the duration.")
    session_update(session=second, actor=trainee.user, duration_minutes=90)
    session_submit(session=second, actor=trainee.user)
    assert stored_credited(enrollment) == {"client_contact": 50, "therapy_sessions": 0}
    session_countersign(session=second, supervisor=supervisor)
    assert stored_credited(enrollment) == {"client_contact": 140, "therapy_sessions": 0}
    assert_snapshot_is_fresh(enrollment)


def test_a_leave_excludes_its_sessions_and_pauses_the_pace(trainee, supervisor, enrollment):
    # given a countersigned session in March
    march = log(trainee, date=date(2026, 3, 10), submit=True)
    session_countersign(session=march, supervisor=supervisor)
    assert stored_credited(enrollment)["client_contact"] == 50

    # when March is a leave of absence
    leave = enrollment_leave_add(
        enrollment=enrollment, start_date=date(2026, 3, 1), end_date=date(2026, 3, 31)
    )

    # then its session is excluded and 31 fewer days are expected: 600 x 131 // 333
    assert (leave.start_date, leave.end_date) == (date(2026, 3, 1), date(2026, 3, 31))
    snapshot = ComplianceSnapshot.objects.get(enrollment=enrollment)
    client_contact = snapshot.result["requirements"][0]
    assert (client_contact["credited"], client_contact["expected_by_now"]) == (0, 236)
    assert client_contact["excluded_summary"] == {"during_leave": {"sessions": 1, "minutes": 50}}
    fresh = enrollment_compliance(enrollment=enrollment).requirements[0]
    assert [(e.session_id, e.reason, e.minutes) for e in fresh.excluded] == [
        (march.pk, "during_leave", 50)
    ]
    assert_snapshot_is_fresh(enrollment)


@pytest.mark.parametrize(
    ("start", "end", "errors"),
    [
        pytest.param(
            date(2026, 3, 31),
            date(2026, 3, 15),
            {"end_date": [LEAVE_END_BEFORE_START]},
            id="reversed",
        ),
        pytest.param(
            date(2026, 1, 1),
            date(2026, 1, 10),
            {"start_date": [LEAVE_OUTSIDE_ENROLLMENT]},
            id="early",
        ),
        pytest.param(
            date(2026, 12, 20),
            date(2027, 1, 4),
            {"start_date": [LEAVE_OUTSIDE_ENROLLMENT]},
            id="late",
        ),
        pytest.param(
            date(2026, 3, 31), date(2026, 4, 10), {"start_date": [LEAVE_OVERLAPS]}, id="overlap-end"
        ),
        pytest.param(
            date(2026, 2, 20),
            date(2026, 3, 1),
            {"start_date": [LEAVE_OVERLAPS]},
            id="overlap-start",
        ),
        pytest.param(
            date(2026, 3, 10), date(2026, 3, 12), {"start_date": [LEAVE_OVERLAPS]}, id="inside"
        ),
    ],
)
def test_leave_add_refuses_bad_leaves_and_changes_nothing(enrollment, start, end, errors):
    # given March already on leave
    enrollment_leave_add(
        enrollment=enrollment, start_date=date(2026, 3, 1), end_date=date(2026, 3, 31)
    )
    before = ComplianceSnapshot.objects.get(enrollment=enrollment).result

    with pytest.raises(ValidationError) as caught:
        enrollment_leave_add(enrollment=enrollment, start_date=start, end_date=end)

    assert caught.value.message_dict == errors
    assert list(LeaveOfAbsence.objects.values_list("start_date", "end_date")) == [
        (date(2026, 3, 1), date(2026, 3, 31))
    ]
    assert ComplianceSnapshot.objects.get(enrollment=enrollment).result == before


def test_adjacent_leaves_are_allowed(enrollment):
    enrollment_leave_add(
        enrollment=enrollment, start_date=date(2026, 3, 1), end_date=date(2026, 3, 31)
    )

    enrollment_leave_add(
        enrollment=enrollment, start_date=date(2026, 4, 1), end_date=date(2026, 4, 5)
    )

    assert LeaveOfAbsence.objects.filter(enrollment=enrollment).count() == 2
    assert_snapshot_is_fresh(enrollment)


CATEGORY_KEYS = ("client_individual", "personal_therapy", "supervision_individual")
SESSION_ACTIONS = ("submit", "countersign", "reject", "withdraw", "restore", "update")

steps_strategy = st.lists(
    st.one_of(
        st.tuples(
            st.just("log"),
            st.integers(min_value=0, max_value=161),  # days after 2026-01-05, up to today
            st.integers(min_value=1, max_value=720),
            st.sampled_from(CATEGORY_KEYS),
            st.booleans(),
        ),
        st.tuples(st.sampled_from(SESSION_ACTIONS), st.integers(min_value=0, max_value=50)),
    ),
    min_size=1,
    max_size=12,
)


def apply_step(step, trainee, supervisor) -> None:
    """One service call; a call the session's state does not allow is refused, which is fine."""
    if step[0] == "log":
        _, offset, minutes, key, submit = step
        day = date.fromordinal(START.toordinal() + offset)
        log(trainee, date=day, duration_minutes=minutes, category=category(key), submit=submit)
        return
    action, index = step
    sessions = list(trainee.sessions.order_by("pk"))
    if not sessions:
        return
    session = sessions[index % len(sessions)]
    calls = {
        "submit": lambda: session_submit(session=session, actor=trainee.user),
        "countersign": lambda: session_countersign(session=session, supervisor=supervisor),
        "reject": lambda: session_reject(session=session, supervisor=supervisor, reason="Redo."),
        "withdraw": lambda: session_withdraw(session=session, actor=trainee.user),
        "restore": lambda: session_restore(session=session, actor=trainee.user),
        "update": lambda: session_update(
            session=session, actor=trainee.user, duration_minutes=1 + (index * 37) % 720
        ),
    }
    with contextlib.suppress(ValidationError):
        calls[action]()


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=steps_strategy)
def test_stored_snapshots_always_equal_a_fresh_computation(
    trainee, supervisor, enrollment, second_enrollment, steps
):
    # Examples share the test's database transaction, so sessions pile up across examples: the
    # invariant must hold whatever came before.
    for step in steps:
        apply_step(step, trainee, supervisor)
        assert_snapshot_is_fresh(enrollment)
        assert_snapshot_is_fresh(second_enrollment)


def test_refresh_snapshots_recomputes_every_enrollment(trainee, other_trainee, enrollment):
    # given enrollments made without services, so without snapshots, and a verified session
    SessionFactory(
        trainee=trainee,
        status="verified",
        verified_by=trainee.user,
        verified_at="2026-06-02T10:00:00Z",
        duration_minutes=75,
    )
    assert ComplianceSnapshot.objects.count() == 0
    out = StringIO()

    call_command("refresh_snapshots", stdout=out)

    assert out.getvalue() == "Refreshed 2 snapshot(s).\n"
    assert stored_credited(enrollment) == {"client_contact": 75, "therapy_sessions": 0}
    for each in Enrollment.objects.all():
        assert_snapshot_is_fresh(each)


def test_refresh_snapshots_moves_as_of_to_the_new_today(enrollment, frozen_today):
    call_command("refresh_snapshots", stdout=StringIO())
    frozen_today.move_to("2026-07-01 12:00:00+00:00")

    call_command("refresh_snapshots", stdout=StringIO())

    snapshot = ComplianceSnapshot.objects.get(enrollment=enrollment)
    assert snapshot.as_of == date(2026, 7, 1)
    # 600 x 178 // 364 = 293
    assert snapshot.result["requirements"][0]["expected_by_now"] == 293
    assert_snapshot_is_fresh(enrollment)


def test_refresh_snapshots_for_one_program(enrollment, other_program):
    elsewhere = EnrollmentFactory(program=other_program)
    out = StringIO()

    call_command("refresh_snapshots", "--program", other_program.slug, stdout=out)

    assert out.getvalue() == "Refreshed 1 snapshot(s).\n"
    assert list(ComplianceSnapshot.objects.values_list("enrollment_id", flat=True)) == [
        elsewhere.pk
    ]


def test_moving_to_another_version_recomputes_against_it(trainee, supervisor, enrollment):
    # given 50 countersigned minutes against 10 h, and a version 2 asking 20 h
    session = log(trainee, submit=True)
    session_countersign(session=session, supervisor=supervisor)
    stricter = copy.deepcopy(SIMPLE_DEFINITION)
    stricter["requirements"][0]["minimum"] = 20
    v2 = RequirementSetFactory(
        program=enrollment.program,
        version=enrollment.requirement_set.version + 1,
        definition=stricter,
    )

    # when
    moved = enrollment_move_requirement_set(enrollment=enrollment, requirement_set=v2)

    # then
    enrollment.refresh_from_db()
    assert enrollment.requirement_set == moved.requirement_set == v2
    assert enrollment.history.first().history_change_reason == f"moved to version {v2.version}"
    snapshot = ComplianceSnapshot.objects.get(enrollment=enrollment)
    assert snapshot.requirement_set_id == v2.pk
    assert snapshot.result["requirements"][0]["required"] == 1200
    assert (
        RequirementStatus.objects.get(enrollment=enrollment, key="client_contact").required == 1200
    )
    assert_snapshot_is_fresh(enrollment)


def test_moving_to_the_same_or_a_foreign_version_is_refused(enrollment, other_program):
    foreign = RequirementSetFactory(program=other_program, version=1)
    current = enrollment.requirement_set

    with pytest.raises(ValidationError) as same:
        enrollment_move_requirement_set(enrollment=enrollment, requirement_set=current)
    with pytest.raises(ValidationError) as elsewhere:
        enrollment_move_requirement_set(enrollment=enrollment, requirement_set=foreign)

    assert same.value.message_dict == {"requirement_set": [SAME_VERSION]}
    assert elsewhere.value.message_dict == {"requirement_set": [WRONG_PROGRAM_VERSION]}
    enrollment.refresh_from_db()
    assert enrollment.requirement_set == current


def test_completing_ends_the_enrollment_and_judges_it_at_its_end(trainee, supervisor, enrollment):
    session = log(trainee, submit=True)
    session_countersign(session=session, supervisor=supervisor)

    enrollment_complete(enrollment=enrollment, on=date(2026, 6, 1))

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.ended_on) == (
        Enrollment.Status.COMPLETED,
        date(2026, 6, 1),
    )
    assert enrollment.history.first().history_change_reason == "completed"
    rows = RequirementStatus.objects.filter(enrollment=enrollment).order_by("id")
    # Ended without meeting the minimums: behind, and everything was due (600 x 148 // 148).
    assert [(r.key, r.status, r.credited, r.expected_by_now) for r in rows] == [
        ("client_contact", "behind", 50, 600),
        ("therapy_sessions", "behind", 0, 4),
    ]
    assert_snapshot_is_fresh(enrollment)


def test_withdrawing_ends_the_enrollment_with_the_reason(enrollment):
    enrollment_withdraw(enrollment=enrollment, on=date(2026, 6, 10), reason="moved abroad")

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.ended_on) == (
        Enrollment.Status.WITHDRAWN,
        date(2026, 6, 10),
    )
    assert enrollment.history.first().history_change_reason == "withdrawn: moved abroad"
    assert ComplianceSnapshot.objects.get(enrollment=enrollment).status == "behind"
    assert_snapshot_is_fresh(enrollment)


def test_an_ended_enrollment_cannot_be_ended_again(enrollment):
    enrollment_complete(enrollment=enrollment, on=date(2026, 6, 1))

    with pytest.raises(ValidationError) as caught:
        enrollment_withdraw(enrollment=enrollment, on=date(2026, 6, 10))

    assert caught.value.messages == [NOT_OPEN]
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.ended_on) == (
        Enrollment.Status.COMPLETED,
        date(2026, 6, 1),
    )


def test_an_enrollment_cannot_end_before_it_started(enrollment):
    with pytest.raises(ValidationError) as caught:
        enrollment_complete(enrollment=enrollment, on=date(2026, 1, 4))

    assert caught.value.message_dict == {"ended_on": [ENDED_BEFORE_START]}
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.ended_on) == (Enrollment.Status.ACTIVE, None)


def test_no_sessions_after_the_enrollment_ended(trainee, enrollment):
    enrollment_complete(enrollment=enrollment, on=date(2026, 6, 1))

    with pytest.raises(ValidationError) as caught:
        log(trainee, date=date(2026, 6, 2))

    assert caught.value.message_dict == {"date": [NO_ENROLLMENT_ON_DATE]}


def test_one_session_counts_under_each_enrollments_own_rules(
    trainee, supervisor, enrollment, second_enrollment
):
    # when the trainee logs client work and supervision once each, both countersigned
    for key in ("client_individual", "supervision_individual"):
        session = log(trainee, date=date(2026, 6, 3), duration_minutes=150, category=category(key))
        session_submit(session=session, actor=trainee.user)
        session_countersign(session=session, supervisor=supervisor)

    # then each program credits only what its rules count (the other one caps supervision at 2 h)
    assert stored_credited(enrollment) == {"client_contact": 150, "therapy_sessions": 0}
    assert stored_credited(second_enrollment) == {"supervision": 120, "weekly_therapy": 0}
    other = ComplianceSnapshot.objects.get(enrollment=second_enrollment).result
    assert other["requirements"][0]["capped_off"] == 30
    assert trainee.sessions.count() == 2
    assert_snapshot_is_fresh(enrollment)
    assert_snapshot_is_fresh(second_enrollment)


def test_enrollment_create_needs_a_requirement_set(program):
    with pytest.raises(ValidationError) as caught:
        enrollment_create(
            trainee=TraineeFactory(), program=program, start_date=START, expected_end_date=END
        )

    assert caught.value.messages == [NO_REQUIREMENT_SET]
    assert Enrollment.objects.count() == 0


@pytest.mark.parametrize(
    ("options", "errors"),
    [
        pytest.param(
            {"expected_end_date": START},
            {"expected_end_date": [END_BEFORE_START]},
            id="end-is-start",
        ),
        pytest.param(
            {"requirement_set": "foreign"},
            {"requirement_set": [WRONG_PROGRAM_VERSION]},
            id="foreign-set",
        ),
        pytest.param(
            {"cohort": "foreign"}, {"cohort": [WRONG_PROGRAM_COHORT]}, id="foreign-cohort"
        ),
    ],
)
def test_enrollment_create_refuses_inconsistent_input(program, other_program, options, errors):
    RequirementSetFactory(program=program, version=1)
    if options.get("requirement_set") == "foreign":
        options["requirement_set"] = RequirementSetFactory(program=other_program, version=1)
    if options.get("cohort") == "foreign":
        options["cohort"] = CohortFactory(program=other_program)
    values = {
        "trainee": TraineeFactory(),
        "program": program,
        "start_date": START,
        "expected_end_date": END,
    }

    with pytest.raises(ValidationError) as caught:
        enrollment_create(**{**values, **options})

    assert caught.value.message_dict == errors
    assert Enrollment.objects.count() == 0


def test_a_trainee_has_one_open_enrollment_per_program(trainee, program, enrollment):
    with pytest.raises(ValidationError) as caught:
        enrollment_create(trainee=trainee, program=program, start_date=START, expected_end_date=END)

    assert caught.value.messages == [ALREADY_ENROLLED]
    assert list(Enrollment.objects.filter(trainee=trainee)) == [enrollment]


def test_a_trainee_may_re_enroll_after_withdrawing(trainee, program, enrollment):
    enrollment_withdraw(enrollment=enrollment, on=date(2026, 3, 1))

    again = enrollment_create(
        trainee=trainee,
        program=program,
        start_date=date(2026, 6, 1),
        expected_end_date=date(2027, 5, 31),
    )

    assert Enrollment.objects.filter(trainee=trainee, program=program).count() == 2
    assert again.status == Enrollment.Status.ACTIVE
    assert_snapshot_is_fresh(again)


def test_a_snapshot_keeps_figures_and_sums_exclusions_but_not_the_per_session_explanation():
    stored = compact_result(
        {
            "enrollment_id": 1,
            "as_of": "2026-06-15",
            "status": "on_track",
            "requirements": [
                {
                    "key": "client_contact",
                    "credited": 50,
                    "explanation": [{"session_id": 1, "credited": 50}],
                    "excluded": [
                        {"session_id": 2, "reason": "draft", "minutes": 30},
                        {"session_id": 3, "reason": "draft", "minutes": 45},
                        {"session_id": 4, "reason": "during_leave", "minutes": 60},
                    ],
                }
            ],
        }
    )
    assert stored["requirements"] == [
        {
            "key": "client_contact",
            "credited": 50,
            "explanation": [],
            "excluded": [],
            "excluded_summary": {
                "draft": {"sessions": 2, "minutes": 75},
                "during_leave": {"sessions": 1, "minutes": 60},
            },
        }
    ]


@pytest.mark.django_db(transaction=True)
def test_refreshing_in_several_processes_gives_the_same_snapshots_as_one(frozen_today):
    from django.db import connection

    from trainees.services import compliance as service

    if connection.vendor != "postgresql":
        pytest.skip("forked workers need a server database (CI runs this on PostgreSQL)")
    # given more enrollments than one batch, so the work is really split

    program = ProgramFactory()
    for _ in range(7):
        EnrollmentFactory(program=program)
    original = service.SNAPSHOT_BATCH_SIZE
    service.SNAPSHOT_BATCH_SIZE = 2
    try:
        assert service.snapshots_refresh_all(workers=1) == 7
        single = dict(ComplianceSnapshot.objects.values_list("enrollment_id", "result"))
        ComplianceSnapshot.objects.all().delete()

        # when
        assert service.snapshots_refresh_all(workers=2) == 7
    finally:
        service.SNAPSHOT_BATCH_SIZE = original

    # then
    assert dict(ComplianceSnapshot.objects.values_list("enrollment_id", "result")) == single


def test_a_requirement_remembers_since_when_it_has_had_its_status(trainee, supervisor, enrollment):
    import time_machine

    from trainees.services.compliance import trainee_snapshots_refresh

    # given a trainee with nothing credited: behind once the grace period is over
    with time_machine.travel("2026-03-02 12:00:00+00:00", tick=False):
        trainee_snapshots_refresh(trainee_id=trainee.pk)
    row = RequirementStatus.objects.get(enrollment=enrollment, key="client_contact")
    assert (row.status, row.status_since) == ("behind", date(2026, 3, 2))

    # when the next refresh finds the same status, the date stays
    with time_machine.travel("2026-03-09 12:00:00+00:00", tick=False):
        trainee_snapshots_refresh(trainee_id=trainee.pk)
    row = RequirementStatus.objects.get(enrollment=enrollment, key="client_contact")
    assert (row.status, row.status_since) == ("behind", date(2026, 3, 2))

    # and a change of status starts a new run
    with time_machine.travel("2026-03-10 12:00:00+00:00", tick=False):
        session = log(trainee, date=date(2026, 3, 9), duration_minutes=600, submit=True)
        session_countersign(session=session, supervisor=supervisor)
        settle_snapshots()
    row = RequirementStatus.objects.get(enrollment=enrollment, key="client_contact")
    assert (row.status, row.status_since) == ("met", date(2026, 3, 10))
