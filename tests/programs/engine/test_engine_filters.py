from datetime import date, time

import pytest

from programs.engine import Exclusion

CLIENT = "client_individual"
# The enrollment every test here uses; as_of is after its end unless a test says otherwise.
WINDOW = {"start": date(2025, 1, 6), "end": date(2025, 12, 28), "as_of": date(2026, 1, 31)}


def client_hours(**extra):
    return {
        "key": "client_contact",
        "name": "Direct client contact",
        "kind": "total",
        "unit": "hours",
        "minimum": 500,
        "counts": [{"categories": [CLIENT]}],
        **extra,
    }


LEAVE = (date(2025, 3, 1), date(2025, 3, 10))


@pytest.mark.parametrize(
    ("session", "facts", "reason"),
    [
        ({"withdrawn": True}, {}, "withdrawn"),
        ({"status": "draft"}, {}, "draft"),
        ({"status": "rejected"}, {}, "rejected"),
        ({"status": "submitted"}, {}, "awaiting_verification"),
        ({"day": date(2025, 7, 2)}, {"as_of": date(2025, 7, 1)}, "after_as_of"),
        ({"day": date(2025, 1, 5)}, {}, "outside_enrollment"),
        ({"day": date(2025, 12, 29)}, {}, "outside_enrollment"),
        ({"day": date(2025, 3, 1)}, {"leaves": [LEAVE]}, "during_leave"),
        ({"day": date(2025, 3, 5)}, {"leaves": [LEAVE]}, "during_leave"),
        ({"day": date(2025, 3, 10)}, {"leaves": [LEAVE]}, "during_leave"),
    ],
)
def test_excluded_sessions_carry_their_reason(
    run_requirement, make_session, session, facts, reason
):
    # given
    logged = make_session(**{"day": date(2025, 3, 5), "minutes": 50, **session})

    # when
    result = run_requirement(client_hours(), [logged], **{**WINDOW, **facts})

    # then
    assert result.explanation == ()
    assert result.credited == 0
    assert result.excluded == (Exclusion(logged.id, logged.date, CLIENT, 50, reason),)


@pytest.mark.parametrize(
    ("session", "facts", "reason"),
    [
        ({"withdrawn": True, "status": "draft"}, {}, "withdrawn"),
        ({"status": "draft", "day": date(2025, 7, 2)}, {"as_of": date(2025, 7, 1)}, "draft"),
        ({"status": "rejected", "day": date(2025, 1, 5)}, {}, "rejected"),
        (
            {"status": "submitted", "day": date(2025, 7, 2)},
            {"as_of": date(2025, 7, 1)},
            "awaiting_verification",
        ),
        ({"day": date(2025, 12, 29)}, {"as_of": date(2025, 12, 28)}, "after_as_of"),
        (
            {"day": date(2025, 1, 5)},
            {"leaves": [(date(2025, 1, 1), date(2025, 1, 10))]},
            "outside_enrollment",
        ),
    ],
)
def test_the_first_reason_in_spec_order_wins(run_requirement, make_session, session, facts, reason):
    logged = make_session(**{"day": date(2025, 3, 5), **session})

    result = run_requirement(client_hours(), [logged], **{**WINDOW, **facts})

    assert [e.reason for e in result.excluded] == [reason]


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2025, 1, 5), "outside_enrollment"),
        (date(2025, 1, 6), None),
        (date(2025, 12, 28), None),
        (date(2025, 12, 29), "outside_enrollment"),
    ],
)
def test_first_and_last_day_of_the_enrollment_count(run_requirement, make_session, day, reason):
    result = run_requirement(client_hours(), [make_session(day)], **WINDOW)

    assert [e.reason for e in result.excluded] == ([] if reason is None else [reason])
    assert result.credited == (60 if reason is None else 0)


def test_session_on_the_as_of_date_counts(run_requirement, make_session):
    result = run_requirement(
        client_hours(), [make_session(date(2025, 7, 1))], **{**WINDOW, "as_of": date(2025, 7, 1)}
    )

    assert result.credited == 60


@pytest.mark.parametrize(
    ("verification", "status", "credited"),
    [
        ("self_report", "submitted", 60),
        ("self_report", "verified", 60),
        ("self_report", "draft", 0),
        ("attestation", "submitted", 0),
        ("countersign", "submitted", 0),
    ],
)
def test_self_reported_categories_count_once_submitted(
    run_requirement, make_session, verification, status, credited
):
    # given the program's verification setting for the category
    options = {"categories": [{"key": CLIENT, "verification": verification}]}

    # when
    result = run_requirement(
        client_hours(), [make_session(status=status)], rule_options=options, **WINDOW
    )

    # then
    assert result.credited == credited


@pytest.mark.parametrize(
    ("status", "reason"),
    [("verified", None), ("submitted", None), ("draft", "draft"), ("rejected", "rejected")],
)
def test_verified_only_false_counts_submitted_sessions_only(
    run_requirement, make_session, status, reason
):
    result = run_requirement(
        client_hours(verified_only=False), [make_session(status=status)], **WINDOW
    )

    assert [e.reason for e in result.excluded] == ([] if reason is None else [reason])


def test_sessions_of_categories_the_rule_does_not_reference_are_not_listed(
    run_requirement, make_session
):
    sessions = [
        make_session(category="supervision_individual"),
        make_session(category="personal_therapy", status="draft"),
    ]

    result = run_requirement(client_hours(), sessions, **WINDOW)

    assert (result.explanation, result.excluded) == ((), ())


def test_sessions_are_taken_by_date_then_start_time_then_order_logged(
    run_requirement, make_session
):
    # given sessions logged out of order; a session without a start time sorts first in its day
    later_day = make_session(date(2025, 3, 4), id=1)
    afternoon = make_session(date(2025, 3, 3), start_time=time(15, 0), id=2)
    no_time = make_session(date(2025, 3, 3), id=3)
    morning_second = make_session(date(2025, 3, 3), start_time=time(9, 0), id=5)
    morning_first = make_session(date(2025, 3, 3), start_time=time(9, 0), id=4)

    # when
    result = run_requirement(
        client_hours(), [later_day, afternoon, no_time, morning_second, morning_first], **WINDOW
    )

    # then
    assert [c.session_id for c in result.explanation] == [3, 4, 5, 2, 1]


def test_excluded_sessions_are_listed_chronologically(run_requirement, make_session):
    sessions = [
        make_session(date(2025, 3, 9), status="draft", id=1),
        make_session(date(2025, 3, 2), withdrawn=True, id=2),
    ]

    result = run_requirement(client_hours(), sessions, **WINDOW)

    assert [(e.session_id, e.reason) for e in result.excluded] == [(2, "withdrawn"), (1, "draft")]


def test_a_session_setting_must_be_a_setting_key(make_session):
    # The session field is a slug; the engine refuses anything else rather than never matching.
    assert make_session(setting="site-x").setting == "site-x"
    with pytest.raises(ValueError, match="'site x' is not a setting key"):
        make_session(setting="site x")
