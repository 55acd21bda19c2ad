"""`where` filters: windows (milestones, cut-offs, look-backs), providers, settings."""

from datetime import date, timedelta

import pytest

from programs.engine import Exclusion

CLIENT = "client_individual"
CONSULTATION = "consultation_individual"
LONG = {"start": date(2025, 1, 6), "end": date(2031, 12, 31), "as_of": date(2031, 6, 1)}


def client_hours(where):
    return {
        "key": "client_contact",
        "name": "Client contact",
        "kind": "total",
        "unit": "hours",
        "minimum": 3000,
        "where": where,
        "counts": [{"categories": [CLIENT]}],
    }


def reasons(result):
    return {e.date: e.reason for e in result.excluded}


@pytest.mark.parametrize(
    ("where", "milestones", "expected"),
    [
        # hours after the degree: the degree date itself counts
        (
            {"from": {"milestone": "degree_conferred"}},
            {"degree_conferred": date(2025, 3, 5)},
            {date(2025, 3, 4): "before_window"},
        ),
        # no degree date yet: nothing counts
        (
            {"from": {"milestone": "degree_conferred"}},
            {},
            {
                date(2025, 3, 4): "before_window",
                date(2025, 3, 5): "before_window",
                date(2025, 3, 6): "before_window",
            },
        ),
        # a cut-off date: the day itself counts
        ({"until": {"date": "2025-03-05"}}, {}, {date(2025, 3, 6): "after_cut_off"}),
        # a cut-off milestone without a date sets no limit
        ({"until": {"milestone": "licensed"}}, {}, {}),
        # hours older than six years before the application do not count; exactly six years do
        (
            {"look_back": {"years": 6, "from_milestone": "application"}},
            {"application": date(2031, 3, 5)},
            {date(2025, 3, 4): "outside_look_back"},
        ),
    ],
)
def test_windows(run_requirement, make_session, where, milestones, expected):
    sessions = [make_session(date(2025, 3, day), 60, CLIENT) for day in (4, 5, 6)]

    result = run_requirement(client_hours(where), sessions, **LONG, milestones=milestones)

    assert reasons(result) == expected
    assert result.credited == 60 * (3 - len(expected))


def test_before_applying_the_look_back_counts_back_from_the_as_of_date(
    run_requirement, make_session
):
    sessions = [
        make_session(date(2025, 5, 31), 60, CLIENT),
        make_session(date(2025, 6, 1), 60, CLIENT),
    ]

    result = run_requirement(
        client_hours({"look_back": {"years": 6, "from_milestone": "application"}}), sessions, **LONG
    )

    assert reasons(result) == {date(2025, 5, 31): "outside_look_back"}


@pytest.mark.parametrize(
    ("provider", "reason"),
    [(7, None), (8, "provider_not_approved"), (None, "provider_not_approved")],
)
def test_only_hours_with_an_approved_provider_count(
    run_requirement, make_session, provider, reason
):
    session = make_session(date(2025, 3, 3), 50, "personal_therapy", provider_id=provider)
    rule = {
        "key": "therapy",
        "name": "Personal therapy",
        "kind": "total",
        "unit": "hours",
        "minimum": 60,
        "where": {"approved_provider": True},
        "counts": [{"categories": ["personal_therapy"]}],
    }

    result = run_requirement(rule, [session], approved_provider_ids=frozenset({7}))

    assert [e.reason for e in result.excluded] == ([] if reason is None else [reason])


CONSULTATION_RULE = {
    "key": "consultation",
    "name": "Consultation",
    "kind": "total",
    "unit": "hours",
    "minimum": 20,
    "counts": [
        {"categories": [CONSULTATION], "where": {"provider_kinds": ["approved_consultant"]}},
        {
            "categories": [CONSULTATION],
            "where": {"provider_kinds": ["consultant_in_training"]},
            "steps": [{"cap": 10}],
        },
    ],
}


def test_each_provider_kind_is_credited_under_its_own_caps(run_requirement, make_session):
    # given 12 h with approved consultants and 12 h with consultants in training, interleaved
    sessions = []
    for week in range(12):
        day = date(2025, 3, 3) + timedelta(weeks=week)
        sessions.append(make_session(day, 60, CONSULTATION, provider_kind="approved_consultant"))
        sessions.append(make_session(day, 60, CONSULTATION, provider_kind="consultant_in_training"))
    stranger = make_session(date(2025, 5, 1), 60, CONSULTATION, provider_kind="peer")

    result = run_requirement(CONSULTATION_RULE, [*sessions, stranger])

    # then 12 h + the first 10 h of the consultants in training
    assert result.credited == 22 * 60
    assert result.capped_off == 2 * 60
    assert result.excluded == (
        Exclusion(stranger.id, stranger.date, CONSULTATION, 60, "other_provider_kind"),
    )


def test_a_session_failing_several_filters_gets_the_first_reason_in_table_order(
    run_requirement, make_session
):
    where = {
        "until": {"date": "2025-03-01"},
        "settings": ["clinic"],
        "max_group_size": 4,
        "min_session_minutes": 45,
    }
    session = make_session(date(2025, 3, 3), 30, CLIENT, setting="school", group_size=6)
    late_only = make_session(date(2025, 2, 3), 30, CLIENT, setting="school", group_size=6)
    short_only = make_session(date(2025, 2, 4), 30, CLIENT, setting="clinic", group_size=2)

    result = run_requirement(client_hours(where), [session, late_only, short_only])

    assert reasons(result) == {
        date(2025, 2, 3): "other_setting",
        date(2025, 2, 4): "too_short",
        date(2025, 3, 3): "after_cut_off",
    }


def test_exclusions_from_requirement_and_entry_filters_stay_in_chronological_order(
    run_requirement, make_session
):
    rule = {**CONSULTATION_RULE, "where": {"min_session_minutes": 30}}
    sessions = [
        make_session(date(2025, 3, 5), 60, CONSULTATION, provider_kind="peer"),
        make_session(date(2025, 3, 3), 20, CONSULTATION, provider_kind="approved_consultant"),
        make_session(date(2025, 3, 4), 60, CONSULTATION, status="draft"),
    ]

    result = run_requirement(rule, sessions)

    assert [(e.date.day, e.reason) for e in result.excluded] == [
        (3, "too_short"),
        (4, "draft"),
        (5, "other_provider_kind"),
    ]
