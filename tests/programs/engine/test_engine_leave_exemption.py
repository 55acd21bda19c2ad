"""Leave exemption policies (issue 18, item 3): the program file states when leave exempts a
cadence's period, as a default and per rule; half the period stays the default."""

from datetime import date

import pytest

from programs.engine import evaluate, parse_requirement_set
from tests.programs.engine.conftest import program_document

SUPERVISION = "supervision_individual"
# 22 TAC §681.92(e): "a minimum of four (4) hours per month of supervision ... unless an extended
# leave of one month or more is approved in writing by the Council approved supervisor".
TEXAS = {"share": 0.5, "leaves_of_at_least": {"months": 1}}
FIRST_HALF = {"start": date(2025, 1, 1), "end": date(2025, 6, 30), "as_of": date(2025, 7, 15)}


def monthly_supervision(**extra):
    return {
        "key": "monthly_supervision",
        "name": "Four hours of supervision a month",
        "kind": "cadence",
        "categories": [SUPERVISION],
        "period": "month",
        "min_hours": 4,
        **extra,
    }


def supervised_except_march(make_session):
    return [make_session(date(2025, month, 20), 240, SUPERVISION) for month in (1, 2, 4, 5, 6)]


def run(make_facts, make_session, rule, leave, default=None):
    document = program_document(rule)
    if default is not None:
        document["leave_exemption"] = default
    facts = make_facts(supervised_except_march(make_session), leaves=[leave], **FIRST_HALF)
    [result] = evaluate(facts, parse_requirement_set(document)).requirements
    return result


def test_a_sixteen_day_leave_exempts_a_month_under_the_default_half(make_facts, make_session):
    # 1 to 16 March 2025: 16 of 31 days, at least half
    result = run(
        make_facts, make_session, monthly_supervision(), (date(2025, 3, 1), date(2025, 3, 16))
    )

    march = result.periods[2]
    assert (march.exempt, march.note) == (
        True,
        "16 of 31 days on leave: exempt (exempt when leave covers at least half of its days)",
    )
    assert (result.required, result.credited, result.periods_missed, result.status) == (
        5,
        5,
        0,
        "met",
    )


def test_under_texas_policy_a_sixteen_day_leave_does_not_exempt_the_month(make_facts, make_session):
    # The same leave is not "an extended leave of one month or more": March still needs its
    # 4 hours and, with none logged, is missed (today's main exempted it and reported "met").
    rule = monthly_supervision(leave_exemption=TEXAS)

    result = run(make_facts, make_session, rule, (date(2025, 3, 1), date(2025, 3, 16)))

    march = result.periods[2]
    assert (march.exempt, march.satisfied, march.note) == (
        False,
        False,
        "16 of 31 days on leave, 0 in leaves of at least 1 month: not exempt (exempt when "
        "leaves of at least 1 month cover at least half of its days)",
    )
    assert (result.required, result.credited, result.periods_missed, result.status) == (
        6,
        5,
        1,
        "behind",
    )


@pytest.mark.parametrize(
    ("leave", "exempt_months"),
    [
        # the whole of March: a leave of one month, covering all of March
        ((date(2025, 3, 1), date(2025, 3, 31)), [3]),
        # 10 March to 9 April is one month: 22 of 31 March days, 9 of 30 April days
        ((date(2025, 3, 10), date(2025, 4, 9)), [3]),
        # 10 March to 8 April is a day short of a month: nothing is exempt
        ((date(2025, 3, 10), date(2025, 4, 8)), []),
    ],
)
def test_under_texas_policy_a_leave_of_a_month_exempts_the_months_it_mostly_covers(
    make_facts, make_session, leave, exempt_months
):
    result = run(make_facts, make_session, monthly_supervision(leave_exemption=TEXAS), leave)

    assert [p.start.month for p in result.periods if p.exempt] == exempt_months


def test_the_program_default_applies_unless_the_rule_states_its_own(make_facts, make_session):
    leave = (date(2025, 3, 1), date(2025, 3, 16))
    whole_month = {"share": 1}

    by_default = run(make_facts, make_session, monthly_supervision(), leave, default=whole_month)
    overridden = run(
        make_facts,
        make_session,
        monthly_supervision(leave_exemption={"days": 14}),
        leave,
        default=whole_month,
    )

    assert by_default.periods[2].exempt is False
    assert by_default.periods[2].note.endswith("(exempt when leave covers all of its days)")
    assert overridden.periods[2].exempt is True
    assert overridden.periods[2].note.endswith("(exempt when leave covers at least 14 of its days)")


def test_a_period_met_despite_the_leave_counts_as_met(make_facts, make_session):
    # given four of six months must be met and February, met, is half on leave: it is not
    # taken out of the months met (a leave never turns a met period into one that does not
    # count)
    rule = monthly_supervision(min_periods=4)
    sessions = [make_session(date(2025, month, 20), 240, SUPERVISION) for month in (1, 2, 4, 5)]
    facts = make_facts(sessions, leaves=[(date(2025, 2, 1), date(2025, 2, 14))], **FIRST_HALF)

    [result] = evaluate(facts, parse_requirement_set(program_document(rule))).requirements

    february = result.periods[1]
    assert (february.satisfied, february.exempt) == (True, False)
    assert (result.credited, result.status) == (4, "met")
