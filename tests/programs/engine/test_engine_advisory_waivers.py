"""Advisory rules warn without failing; waivers waive or adjust one requirement, visibly."""

from datetime import date, timedelta

import pytest

from programs.engine import Waiver, WaiverNote, evaluate, waiver_problem

CLIENT = "client_individual"
ENDED = {"start": date(2025, 1, 6), "end": date(2025, 3, 30), "as_of": date(2025, 4, 30)}

CLIENT_HOURS = {
    "key": "client_contact",
    "name": "Client contact",
    "kind": "total",
    "unit": "hours",
    "minimum": 10,
    "counts": [{"categories": [CLIENT]}],
}
WEEKLY_THERAPY = {
    "key": "weekly_therapy",
    "name": "Personal therapy, normally weekly",
    "kind": "cadence",
    "categories": ["personal_therapy"],
    "period": "week",
    "min_sessions": 1,
}


def ten_hours(make_session):
    return [make_session(date(2025, 3, 3), 600, CLIENT)]


@pytest.mark.parametrize(("advisory", "overall"), [(False, "behind"), (True, "met")])
def test_a_missed_advisory_rule_is_reported_but_not_counted(
    make_facts, make_rules, make_session, advisory, overall
):
    rules = make_rules(CLIENT_HOURS, {**WEEKLY_THERAPY, "advisory": advisory})

    result = evaluate(make_facts(ten_hours(make_session), **ENDED), rules)

    total, weekly = result.requirements
    assert (total.status, weekly.status, weekly.advisory) == ("met", "behind", advisory)
    assert result.status == overall


def test_a_waived_requirement_is_met_and_says_why(make_facts, make_rules):
    waiver = Waiver("client_contact", "Credit transferred from a previous programme")

    result = evaluate(make_facts([], **ENDED, waivers=(waiver,)), make_rules(CLIENT_HOURS))

    [total] = result.requirements
    assert (total.status, total.required, total.credited) == ("met", 600, 0)
    assert total.waiver == WaiverNote("Credit transferred from a previous programme", 600, True)
    assert result.status == "met"


@pytest.mark.parametrize(("minimum", "status"), [(600, "met"), (601, "behind")])
def test_an_adjusted_minimum_is_computed_again(
    make_facts, make_rules, make_session, minimum, status
):
    waiver = Waiver("client_contact", "Part-time route agreed", minimum=minimum)
    rules = make_rules({**CLIENT_HOURS, "minimum": 20})

    result = evaluate(make_facts(ten_hours(make_session), **ENDED, waivers=(waiver,)), rules)

    [total] = result.requirements
    assert (total.required, total.credited, total.status) == (minimum, 600, status)
    assert total.waiver == WaiverNote("Part-time route agreed", 1200, False)


def test_an_adjusted_cadence_needs_that_many_satisfied_periods(
    make_facts, make_rules, make_session
):
    # given 12 weeks, therapy in all but the weeks of 27 January and 3 February, and a waiver
    # asking for 10 weeks instead of all 12
    weeks = [0, 1, 2, 5, 6, 7, 8, 9, 10, 11]
    sessions = [
        make_session(date(2025, 1, 6) + timedelta(weeks=week), 50, "personal_therapy")
        for week in weeks
    ]
    waiver = Waiver("weekly_therapy", "Illness in January", minimum=10)

    result = evaluate(make_facts(sessions, **ENDED, waivers=(waiver,)), make_rules(WEEKLY_THERAPY))

    [weekly] = result.requirements
    assert (weekly.required, weekly.credited, weekly.periods_missed, weekly.status) == (
        10,
        10,
        2,
        "met",
    )
    assert weekly.waiver == WaiverNote("Illness in January", 12, False)


def test_a_share_of_the_required_amount_follows_an_adjusted_minimum(
    make_facts, make_rules, make_session
):
    share = {
        "key": "individual_share",
        "name": "Half of the required hours individually",
        "kind": "share",
        "requirement": "client_contact",
        "categories": [CLIENT],
        "at_least": 0.5,
        "of": "required",
    }
    waiver = Waiver("client_contact", "Reduced", minimum=600)

    result = evaluate(
        make_facts([], **ENDED, waivers=(waiver,)),
        make_rules({**CLIENT_HOURS, "minimum": 20}, share),
    )

    assert result.requirements[1].required == 300


def test_waivers_of_requirements_not_in_the_set_are_ignored(make_facts, make_rules, make_session):
    waiver = Waiver("retired_rule", "From the previous version")

    result = evaluate(
        make_facts(ten_hours(make_session), **ENDED, waivers=(waiver,)), make_rules(CLIENT_HOURS)
    )

    assert result.requirements[0].waiver is None


RATIO = {
    "key": "supervision_ratio",
    "name": "Supervision ratio",
    "kind": "ratio",
    "categories": ["supervision_individual"],
    "per_categories": [CLIENT],
    "per": 5,
}


def test_a_ratio_can_be_waived_but_not_adjusted(make_facts, make_rules):
    rules = make_rules(RATIO)
    adjust = Waiver("supervision_ratio", "Agreed", minimum=10)

    assert waiver_problem(rules.rules[0], Waiver("supervision_ratio", "Agreed")) is None
    assert waiver_problem(rules.rules[0], adjust) == (
        "requirement 'supervision_ratio' (ratio) can be waived but its minimum cannot be adjusted"
    )
    with pytest.raises(ValueError, match="can be waived but its minimum cannot be adjusted"):
        evaluate(make_facts([], **ENDED, waivers=(adjust,)), rules)


@pytest.mark.parametrize(
    ("waivers", "message"),
    [
        ((Waiver("a", "x"), Waiver("a", "y")), "enrollment 1: two waivers for one requirement"),
    ],
)
def test_two_waivers_for_one_requirement_are_refused(make_facts, waivers, message):
    with pytest.raises(ValueError, match=message):
        make_facts([], **ENDED, waivers=waivers)


def test_a_waiver_needs_a_reason():
    with pytest.raises(ValueError, match="a reason is required"):
        Waiver("client_contact", "  ")
