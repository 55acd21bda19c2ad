import json
from datetime import date

import pytest

from programs.engine import evaluate, result_from_dict, result_to_dict


@pytest.fixture
def rich_result(make_facts, make_rules, make_session):
    """A result with every kind of figure: steps, exclusions, periods, dates, None."""
    rules = make_rules(
        {
            "key": "client_contact",
            "name": "Direct client contact",
            "kind": "total",
            "unit": "hours",
            "minimum": 500,
            "counts": [
                {"categories": ["client_individual"]},
                {
                    "categories": ["client_group"],
                    "steps": [
                        {"cap_per_period": {"period": "week", "amount": 1}},
                        {"multiply": {"factor": 2}},
                    ],
                },
            ],
        },
        {
            "key": "weekly_therapy",
            "name": "Weekly personal therapy",
            "kind": "cadence",
            "categories": ["personal_therapy"],
            "period": "week",
            "min_sessions": 1,
            "allowed_misses": 2,
            "advisory": True,
        },
        {
            "key": "supervision_ratio",
            "name": "Supervision",
            "kind": "ratio",
            "categories": ["supervision_individual"],
            "per_categories": ["client_individual", "client_group"],
            "per": 5,
        },
    )
    sessions = [
        make_session(date(2025, 3, 3), 90, "client_group"),
        make_session(date(2025, 3, 4), 50, "client_individual", status="submitted"),
        make_session(date(2025, 3, 5), 50, "personal_therapy"),
        make_session(date(2025, 3, 6), 20, "supervision_individual", withdrawn=True),
    ]
    facts = make_facts(
        sessions, start=date(2025, 1, 6), end=date(2025, 4, 6), as_of=date(2025, 3, 12)
    )
    return evaluate(facts, rules)


def test_result_round_trips_through_json(rich_result):
    # when
    stored = json.loads(json.dumps(result_to_dict(rich_result)))

    # then
    assert result_from_dict(stored) == rich_result


def test_result_dict_uses_iso_dates_and_lists(rich_result):
    data = result_to_dict(rich_result)

    total, cadence, _ratio = data["requirements"]
    assert (data["enrollment_id"], data["as_of"], data["status"]) == (1, "2025-03-12", "behind")
    assert total["explanation"] == [
        {
            "session_id": 1,
            "date": "2025-03-03",
            "category": "client_group",
            "input": 90,
            "credited": 120,
            "steps": [
                {
                    "step": "cap_per_period:week",
                    "before": 90,
                    "after": 60,
                    "capped_off": 30,
                    "note": "",
                },
                {"step": "multiply", "before": 60, "after": 120, "capped_off": 0, "note": ""},
            ],
            "role": "credit",
        }
    ]
    assert total["excluded"] == [
        {
            "session_id": 2,
            "date": "2025-03-04",
            "category": "client_individual",
            "minutes": 50,
            "reason": "awaiting_verification",
        }
    ]
    assert cadence["periods"][0] == {
        "start": "2025-01-06",
        "end": "2025-01-12",
        "minutes": 0,
        "sessions": 0,
        "satisfied": False,
        "exempt": False,
        "state": "elapsed",
        "required_minutes": None,
        "required_sessions": None,
        "trigger_minutes": None,
        "days": None,
    }
    assert (cadence["projected_completion"], cadence["needed_this_period"]) == (None, 1)
    assert (total["limit"], total["waiver"]) == ("at_least", None)


def test_a_snapshot_stored_before_limits_waivers_and_notes_still_loads(rich_result):
    # given a snapshot without the fields added with the rule kinds of issue 3
    data = result_to_dict(rich_result)
    for requirement in data["requirements"]:
        del requirement["limit"], requirement["waiver"]
        for period in requirement["periods"]:
            for field in ("required_minutes", "required_sessions", "trigger_minutes", "days"):
                del period[field]
        for contribution in requirement["explanation"]:
            for step in contribution["steps"]:
                del step["note"]

    # when / then
    assert result_from_dict(data) == rich_result


def test_malformed_snapshot_is_refused(rich_result):
    data = result_to_dict(rich_result)
    data["requirements"][0]["status"] = "fine"

    with pytest.raises(
        ValueError, match="'fine' is not one of met, on_track, at_risk, behind, not_started"
    ):
        result_from_dict(data)
