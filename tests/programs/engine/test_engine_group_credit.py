"""Group credit, scale and hour equivalents: conversions, with exact rounding and boundaries."""

from datetime import date

import pytest

from programs.engine import Exclusion, RuleDefinitionError, StepEffect

GROUP = "supervision_group"
DAYS = [date(2025, 3, day) for day in (3, 4, 5, 6, 7)]


def supervision(steps=None, where=None, unit="hours", minimum=100):
    entry = {"categories": [GROUP]}
    if steps is not None:
        entry["steps"] = steps
    if where is not None:
        entry["where"] = where
    return {
        "key": "supervision",
        "name": "Supervision",
        "kind": "total",
        "unit": unit,
        "minimum": minimum,
        "counts": [entry],
    }


BACP = [{"group_credit": {"divide_above": 4, "at_or_below": 0.5}}]


@pytest.mark.parametrize(
    ("group_size", "credited", "note"),
    [
        (None, 60, "individual"),
        (1, 60, "individual"),
        (2, 30, "group of 2: x 1/2"),
        (4, 30, "group of 4: x 1/2"),  # at the threshold: half
        (5, 12, "group of 5: divided by 5"),  # above it: divided
        (8, 7, "group of 8: divided by 8"),  # 7.5 floors to 7
    ],
)
def test_group_credit_halves_small_groups_and_divides_larger_ones(
    run_requirement, make_session, group_size, credited, note
):
    session = make_session(minutes=60, category=GROUP, group_size=group_size)

    result = run_requirement(supervision(steps=BACP), [session])

    assert result.credited == credited
    assert result.explanation[0].steps == (StepEffect("group_credit", 60, credited, 0, note),)
    # a conversion changes the unit, it removes nothing
    assert result.capped_off == 0


def test_fractions_of_a_minute_carry_to_the_next_session_so_the_total_is_exact(
    run_requirement, make_session
):
    # given three 100-minute groups of 6: 16 2/3 minutes each, 50 exactly in all
    sessions = [make_session(DAYS[i], 100, GROUP, group_size=6) for i in range(3)]

    result = run_requirement(supervision(steps=BACP), sessions)

    assert [c.credited for c in result.explanation] == [16, 17, 17]
    assert result.credited == 50


def test_scale_makes_two_hours_of_group_one_unit_and_carries_half_minutes(
    run_requirement, make_session
):
    sessions = [
        make_session(DAYS[0], 45, GROUP),
        make_session(DAYS[1], 45, GROUP),
        make_session(DAYS[2], 120, GROUP),
    ]

    result = run_requirement(supervision(steps=[{"scale": 0.5}]), sessions)

    assert [c.credited for c in result.explanation] == [22, 23, 60]
    assert result.credited == 105
    assert result.explanation[0].steps == (StepEffect("scale", 45, 22, 0, "x 1/2"),)


@pytest.mark.parametrize(
    ("group_size", "reason"),
    [(None, None), (8, None), (9, "group_too_large")],
)
def test_a_group_larger_than_the_limit_is_excluded(
    run_requirement, make_session, group_size, reason
):
    session = make_session(minutes=120, category=GROUP, group_size=group_size)

    result = run_requirement(supervision(where={"max_group_size": 8}), [session])

    if reason is None:
        assert (result.credited, result.excluded) == (120, ())
    else:
        assert result.explanation == ()
        assert result.excluded == (Exclusion(session.id, session.date, GROUP, 120, reason),)


@pytest.mark.parametrize(("minutes", "credited"), [(29, 0), (30, 30), (31, 31)])
def test_sessions_shorter_than_the_minimum_segment_are_excluded(
    run_requirement, make_session, minutes, credited
):
    session = make_session(minutes=minutes, category=GROUP)

    result = run_requirement(supervision(where={"min_session_minutes": 30}), [session])

    assert result.credited == credited
    assert [e.reason for e in result.excluded] == ([] if credited else ["too_short"])


@pytest.mark.parametrize(
    ("step", "minutes", "credited"),
    [
        # an analytic hour: each whole 50 minutes is an hour, the rest is lost
        ({"minutes": 50}, 49, 0),
        ({"minutes": 50}, 50, 60),
        ({"minutes": 50}, 55, 60),
        ({"minutes": 50}, 99, 60),
        ({"minutes": 50}, 100, 120),
        # a practicum hour: 45 to 50 minutes is an hour
        ({"minutes": 50, "round_up_from": 45}, 44, 0),
        ({"minutes": 50, "round_up_from": 45}, 45, 60),
        ({"minutes": 50, "round_up_from": 45}, 50, 60),
        ({"minutes": 50, "round_up_from": 45}, 94, 60),
        ({"minutes": 50, "round_up_from": 45}, 95, 120),
    ],
)
def test_hour_equivalents(run_requirement, make_session, step, minutes, credited):
    session = make_session(minutes=minutes, category=GROUP)

    result = run_requirement(supervision(steps=[{"hour_equivalent": step}]), [session])

    assert result.credited == credited
    [effect] = result.explanation[0].steps
    assert (effect.step, effect.before, effect.after, effect.capped_off) == (
        "hour_equivalent",
        minutes,
        credited,
        0,
    )
    assert effect.note == f"{credited // 60} h of 50 min"


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (
            BACP,
            "requirement 'supervision': counts[0].steps[0].group_credit: needs unit hours "
            "(it works on minutes)",
        ),
        (
            [{"hour_equivalent": {"minutes": 50, "round_up_from": 51}}],
            "requirement 'supervision': counts[0].steps[0].hour_equivalent: needs unit hours "
            "(it works on minutes)",
        ),
    ],
)
def test_conversions_need_minutes(make_rules, steps, message):
    with pytest.raises(RuleDefinitionError) as error:
        make_rules(supervision(steps=steps, unit="sessions"))

    assert str(error.value) == message


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (
            {"hour_equivalent": {"minutes": 50, "round_up_from": 51}},
            "hour_equivalent.round_up_from: must not exceed minutes (50), got 51",
        ),
        (
            {"group_credit": {"divide_above": 4, "at_or_below": 1.5}},
            "group_credit.at_or_below: must be more than 0 and at most 1, got 1.5",
        ),
        ({"scale": 0}, "scale: must be positive, got 0"),
    ],
)
def test_conversion_parameters_are_checked(make_rules, step, message):
    with pytest.raises(RuleDefinitionError) as error:
        make_rules(supervision(steps=[step]))

    assert str(error.value) == f"requirement 'supervision': counts[0].steps[0].{message}"
