from datetime import date, time, timedelta

import pytest

from programs.engine import Contribution, StepEffect

CLIENT = "client_individual"
GROUP = "client_group"


def client_hours(minimum=500, steps=None, unit="hours", **extra):
    entry = {"categories": [CLIENT]}
    if steps is not None:
        entry["steps"] = steps
    return {
        "key": "client_contact",
        "name": "Direct client contact",
        "kind": "total",
        "unit": unit,
        "minimum": minimum,
        "counts": [entry],
        **extra,
    }


WEEKLY_5H = [{"cap_per_period": {"period": "week", "amount": 5}}]


@pytest.mark.parametrize(
    ("minutes", "credited", "capped_off"),
    [(299, 299, 0), (300, 300, 0), (301, 300, 1)],
)
def test_weekly_cap_credits_up_to_the_cap_and_reports_the_rest(
    run_requirement, make_session, minutes, credited, capped_off
):
    # given a 5 h weekly cap and one session this week
    session = make_session(minutes=minutes)

    # when
    result = run_requirement(client_hours(steps=WEEKLY_5H), [session])

    # then
    assert (result.credited, result.capped_off) == (credited, capped_off)
    assert result.explanation == (
        Contribution(
            session_id=session.id,
            date=session.date,
            category=CLIENT,
            input=minutes,
            credited=credited,
            steps=(StepEffect("cap_per_period:week", minutes, credited, capped_off),),
        ),
    )


def test_session_crossing_the_weekly_cap_counts_partly_and_the_next_week_starts_afresh(
    run_requirement, make_session
):
    # given three sessions in the week of Monday 3 March and one the next Monday
    sessions = [
        make_session(date(2025, 3, 3), 200),
        make_session(date(2025, 3, 5), 200),
        make_session(date(2025, 3, 7), 60),
        make_session(date(2025, 3, 10), 200),
    ]

    # when
    result = run_requirement(client_hours(steps=WEEKLY_5H), sessions)

    # then
    assert [c.credited for c in result.explanation] == [200, 100, 0, 200]
    assert (result.credited, result.capped_off) == (500, 160)


def test_sessions_on_one_day_are_capped_in_start_time_order(run_requirement, make_session):
    # given the afternoon session was logged first
    afternoon = make_session(date(2025, 3, 3), 240, start_time=time(15, 0))
    morning = make_session(date(2025, 3, 3), 240, start_time=time(9, 0))

    # when
    result = run_requirement(client_hours(steps=WEEKLY_5H), [afternoon, morning])

    # then the morning session is credited in full and the afternoon one partly
    assert [(c.session_id, c.credited) for c in result.explanation] == [
        (morning.id, 240),
        (afternoon.id, 60),
    ]


@pytest.mark.parametrize(("period", "credited"), [("week", 60), ("month", 120)])
def test_period_cap_resets_with_its_own_period(run_requirement, make_session, period, credited):
    # given Friday 31 January and Saturday 1 February: same week, different months
    sessions = [make_session(date(2025, 1, 31), 60), make_session(date(2025, 2, 1), 60)]
    steps = [{"cap_per_period": {"period": period, "amount": 1}}]

    # when
    result = run_requirement(client_hours(steps=steps), sessions)

    # then
    assert (result.credited, result.capped_off) == (credited, 120 - credited)


def test_total_cap_stops_crediting_once_reached(run_requirement, make_session):
    sessions = [make_session(date(2025, 3, day), 60) for day in (3, 4, 5)]

    result = run_requirement(client_hours(steps=[{"cap": 2}]), sessions)

    assert [c.credited for c in result.explanation] == [60, 60, 0]
    assert (result.credited, result.capped_off) == (120, 60)


def test_steps_apply_in_order_and_each_reports_what_it_removed(run_requirement, make_session):
    # given a 2 h weekly cap, then a 3 h total cap
    steps = [{"cap_per_period": {"period": "week", "amount": 2}}, {"cap": 3}]
    sessions = [
        make_session(date(2025, 3, 3), 180),
        make_session(date(2025, 3, 10), 180),
        make_session(date(2025, 3, 17), 60),
    ]

    # when
    result = run_requirement(client_hours(steps=steps), sessions)

    # then
    assert [c.steps for c in result.explanation] == [
        (StepEffect("cap_per_period:week", 180, 120, 60), StepEffect("cap", 120, 120, 0)),
        (StepEffect("cap_per_period:week", 180, 120, 60), StepEffect("cap", 120, 60, 60)),
        (StepEffect("cap_per_period:week", 60, 60, 0), StepEffect("cap", 60, 0, 60)),
    ]
    assert (result.credited, result.capped_off) == (180, 240)


def test_multiplier_counts_input_up_to_its_cap_three_times(run_requirement, make_session):
    # given personal therapy counts triple up to 100 h received, and 120 h were received
    first_day = date(2025, 3, 3)
    sessions = [
        make_session(first_day + timedelta(days=n), 480, "personal_therapy") for n in range(15)
    ]
    requirement = {
        "key": "personal_therapy_hours",
        "name": "Personal therapy",
        "kind": "total",
        "unit": "hours",
        "minimum": 300,
        "counts": [
            {
                "categories": ["personal_therapy"],
                "steps": [{"multiply": {"factor": 3, "input_cap": 100}}],
            }
        ],
    }

    # when
    result = run_requirement(requirement, sessions)

    # then 300 h are credited, 20 h of input are capped off
    assert (result.required, result.credited, result.capped_off) == (300 * 60, 300 * 60, 20 * 60)
    assert [c.steps[0] for c in result.explanation[11:]] == [
        StepEffect("multiply", 480, 1440, 0),
        StepEffect("multiply", 480, 720, 240),
        StepEffect("multiply", 480, 0, 480),
        StepEffect("multiply", 480, 0, 480),
    ]
    assert result.status == "met"
    assert result.projected_completion == date(2025, 3, 15)


def test_multiplier_without_input_cap_multiplies_everything(run_requirement, make_session):
    steps = [{"multiply": {"factor": 2}}]

    result = run_requirement(client_hours(steps=steps), [make_session(minutes=90)])

    assert (result.credited, result.capped_off) == (180, 0)
    assert result.explanation[0].steps == (StepEffect("multiply", 90, 180, 0),)


def test_sessions_unit_counts_each_session_once_and_caps_in_sessions(run_requirement, make_session):
    # given at most 2 sessions a week count
    sessions = [make_session(date(2025, 3, day), 50) for day in (3, 4, 5)]
    steps = [{"cap_per_period": {"period": "week", "amount": 2}}]

    # when
    result = run_requirement(client_hours(minimum=10, unit="sessions", steps=steps), sessions)

    # then
    assert (result.unit, result.required, result.credited, result.capped_off) == (
        "sessions",
        10,
        2,
        1,
    )
    assert [(c.input, c.credited) for c in result.explanation] == [(1, 1), (1, 1), (1, 0)]


def test_hours_unit_reports_minutes(run_requirement, make_session):
    result = run_requirement(client_hours(minimum=0.75), [make_session(minutes=45)])

    assert (result.kind, result.unit, result.required, result.credited) == (
        "total",
        "minutes",
        45,
        45,
    )
    assert result.status == "met"


def test_each_counts_entry_has_its_own_steps(run_requirement, make_session):
    # given group contact is capped at 1 h a week and individual contact is not
    requirement = {
        "key": "client_contact",
        "name": "Direct client contact",
        "kind": "total",
        "unit": "hours",
        "minimum": 500,
        "counts": [
            {"categories": [CLIENT]},
            {"categories": [GROUP], "steps": [{"cap_per_period": {"period": "week", "amount": 1}}]},
        ],
    }
    group = make_session(date(2025, 3, 3), 120, GROUP)
    individual = make_session(date(2025, 3, 4), 120, CLIENT)

    # when
    result = run_requirement(requirement, [individual, group])

    # then
    assert [(c.session_id, c.credited) for c in result.explanation] == [
        (group.id, 60),
        (individual.id, 120),
    ]
    assert (result.credited, result.capped_off) == (180, 60)


# A 100-day enrollment: 1 January to 10 April 2025.
HUNDRED_DAYS = {"start": date(2025, 1, 1), "end": date(2025, 4, 10)}


@pytest.mark.parametrize(
    ("leaves", "as_of", "expected"),
    [
        ([], date(2025, 2, 9), 2400),  # 40 of 100 days
        ([(date(2025, 1, 11), date(2025, 1, 30))], date(2025, 2, 9), 1500),  # 20 of 80 active days
        ([], date(2024, 12, 31), 0),  # not started yet
        ([], date(2025, 1, 1), 60),  # the first day counts as elapsed
        ([], date(2025, 5, 1), 6000),  # ended
        ([(date(2025, 1, 1), date(2025, 4, 10))], date(2025, 2, 9), 6000),  # all leave
    ],
)
def test_expected_by_now_paces_the_minimum_over_active_days(
    run_requirement, leaves, as_of, expected
):
    result = run_requirement(client_hours(minimum=100), leaves=leaves, as_of=as_of, **HUNDRED_DAYS)

    assert result.expected_by_now == expected


def test_expected_by_now_rounds_down(run_requirement):
    # 60 minutes x 1 of 7 days = 8.57
    result = run_requirement(
        client_hours(minimum=1),
        start=date(2025, 1, 1),
        end=date(2025, 1, 7),
        as_of=date(2025, 1, 1),
    )

    assert result.expected_by_now == 8


# Ten active days elapsed by 10 January.
PACE = {"start": date(2025, 1, 1), "end": date(2025, 12, 31), "as_of": date(2025, 1, 10)}


@pytest.mark.parametrize(
    ("minutes", "leaves", "projected"),
    [
        (600, [], date(2025, 1, 20)),  # 60 min a day, 600 to go: 10 more days
        (600, [(date(2025, 1, 15), date(2025, 1, 17))], date(2025, 1, 23)),  # leave days skipped
        (600, [(date(2025, 1, 2), date(2025, 1, 6))], date(2025, 1, 15)),  # 120 min a day
        (700, [], date(2025, 1, 18)),  # 500 to go at 70 a day: 7.1, rounded up to 8
    ],
)
def test_projected_completion_extends_the_pace_so_far(
    run_requirement, make_session, minutes, leaves, projected
):
    session = make_session(date(2025, 1, 8), minutes)

    result = run_requirement(client_hours(minimum=20), [session], leaves=leaves, **PACE)

    assert result.projected_completion == projected


def test_projected_completion_may_fall_after_the_end(run_requirement, make_session):
    pace = {**PACE, "end": date(2025, 1, 15)}

    result = run_requirement(
        client_hours(minimum=20), [make_session(date(2025, 1, 8), 600)], **pace
    )

    assert result.projected_completion == date(2025, 1, 20)


def test_projected_completion_is_the_day_the_minimum_was_crossed(run_requirement, make_session):
    sessions = [make_session(date(2025, 1, day), 600) for day in (3, 5, 7)]

    result = run_requirement(client_hours(minimum=20), sessions, **PACE)

    assert result.projected_completion == date(2025, 1, 5)


def test_projected_completion_is_unknown_without_credit(run_requirement, make_session):
    result = run_requirement(
        client_hours(minimum=20), [make_session(date(2025, 1, 8), status="draft")], **PACE
    )

    assert result.projected_completion is None


def test_projected_completion_beyond_the_calendar_is_unknown(run_requirement, make_session):
    result = run_requirement(
        client_hours(minimum=100_000_000), [make_session(date(2025, 1, 8), 1)], **PACE
    )

    assert result.projected_completion is None
