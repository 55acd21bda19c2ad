"""Conditional credit (`only_if`): minutes count only in periods where a condition also holds."""

from datetime import date

import pytest

from programs.engine import Contribution, Exclusion, StepEffect

CLIENT = "client_individual"
SUPERVISION = "supervision_individual"
MONDAY = date(2025, 3, 3)  # weeks: 3-9, 10-16, 17-23 March


def client_hours(only_if, *more_steps, minimum=500):
    return {
        "key": "client_contact",
        "name": "Client contact",
        "kind": "total",
        "unit": "hours",
        "minimum": minimum,
        "counts": [{"categories": [CLIENT], "steps": [{"only_if": only_if}, *more_steps]}],
    }


WEEK_WITH_AN_HOUR = {"period": "week", "categories": [SUPERVISION], "min_hours": 1}


@pytest.mark.parametrize(("supervision_minutes", "credited"), [(59, 0), (60, 120), (90, 120)])
def test_client_hours_count_only_in_weeks_with_enough_supervision(
    run_requirement, make_session, supervision_minutes, credited
):
    # given client work on Monday and supervision on Friday of the same week
    client = make_session(MONDAY, 120, CLIENT)
    supervision = make_session(date(2025, 3, 7), supervision_minutes, SUPERVISION)

    result = run_requirement(client_hours(WEEK_WITH_AN_HOUR), [client, supervision])

    assert result.credited == credited
    assert result.capped_off == 120 - credited


def test_the_explanation_names_the_week_and_lists_the_condition_sessions(
    run_requirement, make_session
):
    # given supervision in the first week only
    first = make_session(MONDAY, 60, CLIENT)
    supervision = make_session(date(2025, 3, 4), 60, SUPERVISION)
    second = make_session(date(2025, 3, 10), 60, CLIENT)

    result = run_requirement(client_hours(WEEK_WITH_AN_HOUR), [first, supervision, second])

    assert result.explanation == (
        Contribution(
            first.id, first.date, CLIENT, 60, 60, (StepEffect("only_if:week", 60, 60, 0),)
        ),
        Contribution(supervision.id, supervision.date, SUPERVISION, 60, 0, role="condition"),
        Contribution(
            second.id,
            second.date,
            CLIENT,
            60,
            0,
            (
                StepEffect(
                    "only_if:week",
                    60,
                    0,
                    60,
                    "week of 2025-03-10: condition not met "
                    "(0 min, 0 sessions of supervision_individual)",
                ),
            ),
        ),
    )


def test_supervision_that_does_not_count_does_not_satisfy_the_condition(
    run_requirement, make_session
):
    # given the only supervision of the week is still a draft
    client = make_session(MONDAY, 60, CLIENT)
    draft = make_session(date(2025, 3, 4), 60, SUPERVISION, status="draft")

    result = run_requirement(client_hours(WEEK_WITH_AN_HOUR), [client, draft])

    assert result.credited == 0
    assert result.excluded == (Exclusion(draft.id, draft.date, SUPERVISION, 60, "draft"),)


def test_no_supervision_this_month_means_no_client_hours_this_month(run_requirement, make_session):
    # given supervision on 31 March, client work on 3 March and 1 April
    condition = {"period": "month", "categories": [SUPERVISION], "min_sessions": 1}
    sessions = [
        make_session(MONDAY, 60, CLIENT),
        make_session(date(2025, 3, 31), 30, SUPERVISION),
        make_session(date(2025, 4, 1), 60, CLIENT),
    ]

    result = run_requirement(client_hours(condition), sessions)

    assert [(c.date, c.credited) for c in result.explanation if c.role == "credit"] == [
        (MONDAY, 60),
        (date(2025, 4, 1), 0),
    ]


@pytest.mark.parametrize(
    ("supervision_setting", "credited"), [("clinic", 60), ("school", 0), (None, 0)]
)
def test_per_setting_the_supervision_must_be_in_the_same_setting(
    run_requirement, make_session, supervision_setting, credited
):
    condition = {**WEEK_WITH_AN_HOUR, "same_setting": True}
    client = make_session(MONDAY, 60, CLIENT, setting="clinic")
    supervision = make_session(date(2025, 3, 4), 60, SUPERVISION, setting=supervision_setting)

    result = run_requirement(client_hours(condition), [client, supervision])

    assert result.credited == credited


def test_the_order_of_conditional_credit_and_a_cap_is_the_files_to_choose(
    run_requirement, make_session
):
    # given 2 h of client work in a week without supervision, then 2 h in a week with it
    sessions = [
        make_session(MONDAY, 120, CLIENT),
        make_session(date(2025, 3, 10), 120, CLIENT),
        make_session(date(2025, 3, 11), 60, SUPERVISION),
    ]

    # when the condition comes first, the unsupervised week does not use up the 2 h cap
    condition_first = run_requirement(client_hours(WEEK_WITH_AN_HOUR, {"cap": 2}), sessions)
    # when the cap comes first, the unsupervised week uses it up and then loses it
    cap_first = run_requirement(
        {
            **client_hours(WEEK_WITH_AN_HOUR),
            "counts": [
                {"categories": [CLIENT], "steps": [{"cap": 2}, {"only_if": WEEK_WITH_AN_HOUR}]}
            ],
        },
        sessions,
    )

    # then
    assert condition_first.credited == 120
    assert cap_first.credited == 0
    assert [[e.step for e in c.steps] for c in cap_first.explanation if c.role == "credit"] == [
        ["cap", "only_if:week"],
        ["cap", "only_if:week"],
    ]


def test_supervision_can_be_both_credited_experience_and_the_weekly_condition(
    run_requirement, make_session
):
    # given experience hours that count only in weeks with an hour of supervision, where the
    # supervision is itself experience
    condition = {"period": "week", "categories": [SUPERVISION], "min_hours": 1}
    rule = {
        "key": "experience",
        "name": "Experience",
        "kind": "total",
        "unit": "hours",
        "minimum": 3000,
        "counts": [{"categories": [CLIENT, SUPERVISION], "steps": [{"only_if": condition}]}],
    }
    sessions = [
        make_session(MONDAY, 120, CLIENT),
        make_session(date(2025, 3, 4), 60, SUPERVISION),
        make_session(date(2025, 3, 10), 120, CLIENT),
        make_session(date(2025, 3, 11), 30, SUPERVISION),
    ]

    result = run_requirement(rule, sessions)

    # then each session is listed once, as credit; the second week has only 30 min
    assert [(c.role, c.credited) for c in result.explanation] == [
        ("credit", 120),
        ("credit", 60),
        ("credit", 0),
        ("credit", 0),
    ]


def test_requirement_steps_apply_to_all_entries_together_after_their_own(
    run_requirement, make_session
):
    # given clinical hours and non-clinical hours capped at 2 h, then 40 h in any 7 days overall
    rule = {
        "key": "experience",
        "name": "Experience",
        "kind": "total",
        "unit": "hours",
        "minimum": 3000,
        "counts": [
            {"categories": [CLIENT]},
            {"categories": ["non_clinical"], "steps": [{"cap": 2}]},
        ],
        "steps": [{"cap_rolling": {"days": 7, "amount": 40}}],
    }
    sessions = [
        make_session(MONDAY, 720, CLIENT),
        make_session(MONDAY, 720, CLIENT),
        make_session(date(2025, 3, 4), 600, "non_clinical"),
        make_session(date(2025, 3, 5), 720, CLIENT),
        make_session(date(2025, 3, 6), 720, CLIENT),
    ]

    result = run_requirement(rule, sessions)

    # then non-clinical is cut to 2 h by its own cap before the shared window sees it, and
    # Thursday gets what is left of 40 h: 2400 - (720 + 720 + 120 + 720) = 120
    assert [(c.credited, [e.step for e in c.steps]) for c in result.explanation] == [
        (720, ["cap_rolling:7d"]),
        (720, ["cap_rolling:7d"]),
        (120, ["cap", "cap_rolling:7d"]),
        (720, ["cap_rolling:7d"]),
        (120, ["cap_rolling:7d"]),
    ]
    assert (result.credited, result.capped_off) == (2400, 480 + 600)
