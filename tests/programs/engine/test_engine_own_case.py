"""One session, two formats (issue 18, item 9): in small-group consultation the minutes on the
trainee's own case count as individual consultation, up to a limit per session, and the rest of
the meeting as group.

EMDRIA's consultation guidelines, as an EMDRIA Approved Consultant publishes them
(buchanancounselingservices.com, "EMDRIA Consultation Guidelines"; EMDRIA's own page could not be
retrieved): "A maximum of 30 minutes of individual consultation can be accrued per session and
the remaining time is counted as group consultation"; with two consultees a 60-minute meeting
gives each 30 minutes individual and 30 minutes group; "Individual hours shall not be earned in
a group size larger than 4."
"""

from datetime import date

import pytest

from programs.engine import (
    Exclusion,
    RuleDefinitionError,
    evaluate,
    result_from_dict,
    result_to_dict,
)

INDIVIDUAL = "consultation_individual"
GROUP = "consultation_group"
YEAR = {"start": date(2025, 1, 6), "end": date(2025, 12, 28), "as_of": date(2026, 1, 15)}
OWN_CASE = {
    "categories": [GROUP],
    "as": INDIVIDUAL,
    "max_hours_per_session": 0.5,
    "max_group_size": 4,
}
CONSULTATION = {
    "key": "consultation",
    "name": "20 hours of consultation",
    "kind": "total",
    "unit": "hours",
    "minimum": 20,
    "counts": [{"categories": [INDIVIDUAL, GROUP]}],
    "own_case": OWN_CASE,
}
AT_LEAST_HALF_INDIVIDUAL = {
    "key": "individual_consultation",
    "name": "At least 10 of the 20 hours individually",
    "kind": "share",
    "requirement": "consultation",
    "categories": [INDIVIDUAL],
    "at_least": 0.5,
    "of": "required",
}


def test_the_own_case_part_counts_as_individual_up_to_30_minutes(run_requirement, make_session):
    sessions = [
        # the guidelines' example: two consultees, 60 minutes, 30 on each one's case
        make_session(date(2025, 3, 3), 60, GROUP, group_size=2, own_case_minutes=30),
        # four consultees, 120 minutes, 40 on the trainee's case: 30 individual, 90 group
        make_session(date(2025, 3, 10), 120, GROUP, group_size=4, own_case_minutes=40),
        # six consultees: no individual hours in a group larger than four
        make_session(date(2025, 3, 17), 90, GROUP, group_size=6, own_case_minutes=15),
    ]

    result = run_requirement(CONSULTATION, sessions, **YEAR)

    assert [(c.session_id, c.category, c.part, c.credited) for c in result.explanation] == [
        (1, INDIVIDUAL, "own_case", 30),
        (1, GROUP, "group", 30),
        (2, INDIVIDUAL, "own_case", 30),
        (2, GROUP, "group", 90),
        (3, GROUP, "", 90),
    ]
    assert result.credited == 270  # splitting never changes the session's minutes
    assert result.explanation[2].note == (
        "40 of the 120-minute meeting on the trainee's own case: 30 min as "
        "consultation_individual (at most 30 a session), 90 min as consultation_group"
    )
    assert result.explanation[4].note == "own case not counted apart: a group of 6 is larger than 4"


def test_the_individual_share_counts_the_own_case_parts(make_facts, make_rules, make_session):
    # 8 h individual plus 4 group meetings of 2 h (groups of 3) with 30 min on the trainee's own
    # case each: 8 + 2 = 10 h individual, 6 h group; 16 h of 20
    sessions = [make_session(date(2025, 2, day), 60, INDIVIDUAL) for day in range(3, 11)]
    sessions += [
        make_session(date(2025, 4, day), 120, GROUP, group_size=3, own_case_minutes=30)
        for day in (7, 14, 21, 28)
    ]

    result = evaluate(
        make_facts(sessions, **YEAR), make_rules(CONSULTATION, AT_LEAST_HALF_INDIVIDUAL)
    )

    total, share = result.requirements
    assert (total.credited, total.status) == (16 * 60, "behind")
    # today's main counted only the 8 individual hours: 480 of the 600 needed
    assert (share.credited, share.required, share.status) == (600, 600, "met")
    assert result_from_dict(result_to_dict(result)) == result


def test_an_excluded_session_is_excluded_once_per_part(run_requirement, make_session):
    draft = make_session(
        date(2025, 3, 3), 60, GROUP, group_size=2, own_case_minutes=30, status="draft"
    )

    result = run_requirement(CONSULTATION, [draft], **YEAR)

    assert result.excluded == (
        Exclusion(draft.id, draft.date, INDIVIDUAL, 30, "draft", part="own_case"),
        Exclusion(draft.id, draft.date, GROUP, 30, "draft", part="group"),
    )


def test_own_case_minutes_are_part_of_the_session(make_session):
    with pytest.raises(ValueError, match="own case minutes must be from 0 to its 60 minutes"):
        make_session(minutes=60, category=GROUP, group_size=2, own_case_minutes=61)


@pytest.mark.parametrize(
    ("own_case", "message"),
    [
        (
            {**OWN_CASE, "as": "supervision_individual"},
            "own_case.as: supervision_individual not counted",
        ),
        ({**OWN_CASE, "as": GROUP}, "own_case.as: consultation_group is also split"),
    ],
)
def test_both_parts_must_be_counted_by_the_requirement(make_rules, own_case, message):
    with pytest.raises(RuleDefinitionError, match=message):
        make_rules({**CONSULTATION, "own_case": own_case})
