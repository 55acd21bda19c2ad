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


def test_a_ratio_may_weight_group_supervision_before_comparing(run_requirement, make_session):
    # BACP's "one hour of supervision for every eight hours of client work", with group time
    # as the trainee's share (half in a group of four or fewer), as the BACP course preset
    # reads it: 100 h of client work need 12.5 h (750 min); 10 h individual and 8 h in a group of
    # four (4 h) make 14 h. Before issue 18 a ratio could not weight, so the preset left group
    # time out and found 600 of 750 minutes.
    rule = {
        "key": "supervision_ratio",
        "name": "One hour of supervision for every eight hours of client work",
        "kind": "ratio",
        "counts": [
            {"categories": [SUPERVISION]},
            {
                "categories": ["supervision_group"],
                "steps": [{"group_credit": {"divide_above": 4, "at_or_below": 0.5}}],
            },
        ],
        "per_categories": [CLIENT],
        "per": 8,
    }
    sessions = [
        *(make_session(date(2025, 3, day), 600, CLIENT) for day in range(3, 13)),
        make_session(date(2025, 3, 14), 600, SUPERVISION),
        make_session(date(2025, 3, 15), 480, "supervision_group", group_size=4),
    ]

    result = run_requirement(rule, sessions)

    assert (result.required, result.credited, result.status) == (750, 840, "met")
    [group] = [c for c in result.explanation if c.category == "supervision_group"]
    assert (group.role, group.input, group.credited, group.steps[0].note) == (
        "numerator",
        480,
        240,
        "group of 4: x 1/2",
    )
    assert [c.role for c in result.explanation][:2] == ["denominator", "denominator"]
