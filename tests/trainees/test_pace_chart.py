from datetime import date

from programs.engine import Contribution, RequirementResult
from trainees.selectors.pace_chart import pace_chart


def _result(contributions, *, kind="total", required=600):
    return RequirementResult(
        key="client_contact",
        name="Client contact",
        kind=kind,
        unit="minutes",
        required=required,
        credited=sum(c.credited for c in contributions),
        capped_off=0,
        expected_by_now=0,
        status="on_track",
        advisory=False,
        projected_completion=None,
        excluded=(),
        explanation=tuple(contributions),
    )


def _credit(day, minutes, category="client_individual"):
    return Contribution(
        session_id=1, date=day, category=category, input=minutes, credited=minutes, steps=()
    )


def test_weekly_points_accumulate_credit_and_follow_a_leave_aware_pace():
    # given a 4-week enrollment (28 days) with week 3 on leave, and 600 minutes required
    result = _result([_credit(date(2026, 1, 6), 60), _credit(date(2026, 1, 13), 90)])

    chart = pace_chart(
        result,
        start=date(2026, 1, 5),
        end=date(2026, 2, 1),
        as_of=date(2026, 1, 25),
        leaves=((date(2026, 1, 19), date(2026, 1, 25)),),
        private_categories=set(),
    )

    # then: 21 active days; after week 1, 7/21 of 600 = 200; weeks 2 and 3 (leave) 400, 400
    assert chart is not None
    assert [(p.week_end, p.credited, p.expected) for p in chart.points] == [
        (date(2026, 1, 11), 60, 200),
        (date(2026, 1, 18), 150, 400),
        (date(2026, 1, 25), 150, 400),
    ]
    assert chart.credited_path.count(",") == 3


def test_no_chart_when_credit_comes_from_a_private_category():
    result = _result([_credit(date(2026, 1, 6), 50, category="personal_therapy")])

    chart = pace_chart(
        result,
        start=date(2026, 1, 5),
        end=date(2026, 2, 1),
        as_of=date(2026, 1, 25),
        leaves=(),
        private_categories={"personal_therapy"},
    )

    assert chart is None


def test_no_chart_for_kinds_without_a_pace():
    chart = pace_chart(
        _result([], kind="ratio"),
        start=date(2026, 1, 5),
        end=date(2026, 2, 1),
        as_of=date(2026, 1, 25),
        leaves=(),
        private_categories=set(),
    )
    assert chart is None
