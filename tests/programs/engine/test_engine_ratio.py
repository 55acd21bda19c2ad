from datetime import date

import pytest

SUPERVISION = "supervision_individual"
CLIENT = "client_individual"


def supervision_ratio(per=5, **extra):
    return {
        "key": "supervision_ratio",
        "name": "One hour of supervision for every five hours of client contact",
        "kind": "ratio",
        "categories": [SUPERVISION, "supervision_group"],
        "per_categories": [CLIENT, "client_group"],
        "per": per,
        **extra,
    }


@pytest.mark.parametrize(
    ("supervision", "status"),
    [(120, "met"), (100, "met"), (99, "at_risk"), (75, "at_risk"), (74, "behind")],
)
def test_ratio_is_met_exactly_at_one_in_per(run_requirement, make_session, supervision, status):
    # given 500 client minutes, so 100 supervision minutes are required
    sessions = [
        make_session(date(2025, 3, 3), 250, CLIENT),
        make_session(date(2025, 3, 4), 250, "client_group"),
        make_session(date(2025, 3, 5), supervision, SUPERVISION),
    ]

    # when
    result = run_requirement(supervision_ratio(), sessions)

    # then
    assert (result.kind, result.unit) == ("ratio", "minutes")
    assert (result.required, result.credited, result.expected_by_now) == (100, supervision, 100)
    assert result.status == status


@pytest.mark.parametrize(
    ("per", "client", "required"),
    [(5, 500, 100), (5, 501, 101), (5, 4, 1), (2.5, 100, 40), (1.5, 100, 67)],
)
def test_required_minutes_are_rounded_up(run_requirement, make_session, per, client, required):
    result = run_requirement(
        supervision_ratio(per=per), [make_session(minutes=client, category=CLIENT)]
    )

    assert result.required == required


@pytest.mark.parametrize(
    ("client", "supervision", "status"),
    [
        (0, 0, "not_started"),  # nothing to supervise yet
        (60, 0, "behind"),
        (0, 60, "met"),
    ],
)
def test_ratio_without_one_side(run_requirement, make_session, client, supervision, status):
    sessions = [
        make_session(minutes=minutes, category=category)
        for minutes, category in ((client, CLIENT), (supervision, SUPERVISION))
        if minutes
    ]

    result = run_requirement(supervision_ratio(), sessions)

    assert result.status == status


def test_ratio_explains_both_sides_and_excludes_unverified(run_requirement, make_session):
    # given one verified client session, one awaiting verification, and supervision
    client = make_session(date(2025, 3, 3), 300, CLIENT)
    pending = make_session(date(2025, 3, 4), 300, CLIENT, status="submitted")
    supervision = make_session(date(2025, 3, 5), 60, SUPERVISION)

    # when
    result = run_requirement(supervision_ratio(), [supervision, pending, client])

    # then
    assert [(c.session_id, c.role, c.credited) for c in result.explanation] == [
        (client.id, "denominator", 300),
        (supervision.id, "numerator", 60),
    ]
    assert [(e.session_id, e.reason) for e in result.excluded] == [
        (pending.id, "awaiting_verification")
    ]
    assert (result.required, result.credited, result.status) == (60, 60, "met")
    assert result.projected_completion is None
