"""`manage.py compliance`: a program's standing as a table, JSON or CSV, from snapshots or as of a date.

The scenario (today Monday 15 June 2026, enrollments 2026-01-05..2027-01-03, SIMPLE_DEFINITION):
Tess has 2 x 2 h of countersigned client work (4 h of the 10 h; 600 x 162 // 364 = 267 min are
expected by now, and 240 < 0.9 x 267 but >= 0.75 x 267, so at risk), a 1 h draft, and four
self-reported therapy sessions (met). Oli has logged nothing and has no snapshot yet.
"""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from programs.models import ActivityCategory
from tests.snapshots import settle_snapshots
from trainees.models import ComplianceSnapshot
from trainees.services.countersign import session_countersign
from trainees.services.sessions import session_log

pytestmark = pytest.mark.usefixtures("frozen_today")

THERAPY_DAYS = [date(2026, 2, 16), date(2026, 3, 16), date(2026, 4, 13), date(2026, 5, 11)]


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("compliance", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def scenario(trainee, other_trainee, supervisor, enrollment):
    client = ActivityCategory.objects.get(key="client_individual")
    therapy = ActivityCategory.objects.get(key="personal_therapy")
    verified = []
    for day in (date(2026, 2, 2), date(2026, 4, 6)):
        session = session_log(
            trainee=trainee,
            actor=trainee.user,
            date=day,
            duration_minutes=120,
            category=client,
            submit=True,
        )
        verified.append(session_countersign(session=session, supervisor=supervisor))
    draft = session_log(
        trainee=trainee,
        actor=trainee.user,
        date=date(2026, 6, 8),
        duration_minutes=60,
        category=client,
    )
    therapy_sessions = [
        session_log(
            trainee=trainee,
            actor=trainee.user,
            date=day,
            duration_minutes=50,
            category=therapy,
            submit=True,
        )
        for day in THERAPY_DAYS
    ]
    settle_snapshots()
    other_enrollment = other_trainee.enrollments.get()
    # Personas are created in this order, so the table lists Tess first.
    assert enrollment.pk < other_enrollment.pk
    return {
        "tess": enrollment,
        "oli": other_enrollment,
        "verified": verified,
        "draft": draft,
        "therapy": therapy_sessions,
    }


def test_table_reads_snapshots_and_computes_the_missing_ones(scenario):
    tess, oli = scenario["tess"], scenario["oli"]
    assert not ComplianceSnapshot.objects.filter(enrollment=oli).exists()

    out, err = run("--program", "riverside-mft")

    assert out == (
        f"#{tess.pk} Tess Trainee: at_risk (as of 2026-06-15)\n"
        "  client_contact               at_risk              4 h of         10 h"
        "  expected by now 4 h 27 min\n"
        "  therapy_sessions             met           4 sessions of   4 sessions"
        "  expected by now 1 session\n"
        f"#{oli.pk} Oli Othertrainee: behind (as of 2026-06-15)\n"
        "  client_contact               behind             0 min of         10 h"
        "  expected by now 4 h 27 min\n"
        "  therapy_sessions             behind        0 sessions of   4 sessions"
        "  expected by now 1 session\n"
    )
    assert err == "1 enrollment(s) had no snapshot; computed now.\n"


def test_csv_has_a_header_and_one_row_per_requirement(scenario):
    tess, oli = scenario["tess"], scenario["oli"]

    out, _ = run("--program", "riverside-mft", "--format", "csv")

    assert out == (
        "enrollment,trainee,requirement,status,credited,required,expected_by_now,unit\r\n"
        f"{tess.pk},Tess Trainee,client_contact,at_risk,240,600,267,minutes\r\n"
        f"{tess.pk},Tess Trainee,therapy_sessions,met,4,4,1,sessions\r\n"
        f"{oli.pk},Oli Othertrainee,client_contact,behind,0,600,267,minutes\r\n"
        f"{oli.pk},Oli Othertrainee,therapy_sessions,behind,0,4,1,sessions\r\n"
    )


def test_json_gives_the_whole_result_with_its_explanation(scenario):
    tess = scenario["tess"]
    first, second = scenario["verified"]
    therapy = scenario["therapy"]

    out, err = run("--program", "riverside-mft", "--enrollment", str(tess.pk), "--format", "json")

    assert err == ""
    assert json.loads(out) == [
        {
            "enrollment": tess.pk,
            "trainee": "Tess Trainee",
            "enrollment_id": tess.pk,
            "as_of": "2026-06-15",
            "status": "at_risk",
            "requirements": [
                {
                    "key": "client_contact",
                    "name": "Client contact",
                    "kind": "total",
                    "unit": "minutes",
                    "required": 600,
                    "credited": 240,
                    "capped_off": 0,
                    "expected_by_now": 267,
                    "status": "at_risk",
                    "advisory": False,
                    # 360 min to go at 240 min per 162 days: 243 more days.
                    "projected_completion": "2027-02-13",
                    "excluded": [
                        {
                            "session_id": scenario["draft"].pk,
                            "date": "2026-06-08",
                            "category": "client_individual",
                            "minutes": 60,
                            "reason": "draft",
                        }
                    ],
                    "explanation": [
                        {
                            "session_id": session.pk,
                            "date": day,
                            "category": "client_individual",
                            "input": 120,
                            "credited": 120,
                            "steps": [],
                            "role": "credit",
                        }
                        for session, day in ((first, "2026-02-02"), (second, "2026-04-06"))
                    ],
                    "periods": [],
                    "periods_missed": 0,
                    "needed_this_period": None,
                    "limit": "at_least",
                    "waiver": None,
                },
                {
                    "key": "therapy_sessions",
                    "name": "Personal therapy sessions",
                    "kind": "total",
                    "unit": "sessions",
                    "required": 4,
                    "credited": 4,
                    "capped_off": 0,
                    "expected_by_now": 1,
                    "status": "met",
                    "advisory": False,
                    "projected_completion": "2026-05-11",
                    "excluded": [],
                    # Personal therapy is private: an operator sees totals, not sessions.
                    "explanation": [
                        {
                            "category": "personal_therapy",
                            "role": "credit",
                            "session_id": None,
                            "date": None,
                            "private": True,
                            "sessions": len(therapy),
                            "input": 4,
                            "credited": 4,
                        }
                    ],
                    "periods": [],
                    "periods_missed": 0,
                    "needed_this_period": None,
                    "limit": "at_least",
                    "waiver": None,
                },
            ],
        }
    ]


def test_as_of_computes_the_standing_on_a_past_date(scenario):
    tess = scenario["tess"]

    out, err = run(
        "--program", "riverside-mft", "--enrollment", str(tess.pk), "--as-of", "2026-03-01"
    )

    # By 1 March: one 2 h session and one therapy session; 600 x 56 // 364 = 92 min expected.
    assert out == (
        f"#{tess.pk} Tess Trainee: on_track (as of 2026-03-01)\n"
        "  client_contact               on_track             2 h of         10 h"
        "  expected by now 1 h 32 min\n"
        "  therapy_sessions             on_track       1 session of   4 sessions"
        "  expected by now 0 sessions\n"
    )
    assert err == ""
    # and the stored snapshot is left as it was
    assert ComplianceSnapshot.objects.get(enrollment=tess).as_of == date(2026, 6, 15)


def test_as_of_excludes_later_sessions_with_a_reason(scenario):
    tess = scenario["tess"]

    out, _ = run(
        "--program",
        "riverside-mft",
        "--enrollment",
        str(tess.pk),
        "--as-of",
        "2026-03-01",
        "--format",
        "json",
    )

    [result] = json.loads(out)
    client_contact = result["requirements"][0]
    assert [(e["date"], e["reason"]) for e in client_contact["excluded"]] == [
        ("2026-04-06", "after_as_of"),
        ("2026-06-08", "draft"),
    ]


def test_unknown_program_is_a_command_error(scenario):
    with pytest.raises(CommandError) as caught:
        run("--program", "no-such-program")

    assert str(caught.value) == "No enrollments found for program 'no-such-program'."


def test_enrollment_of_another_program_is_not_found(scenario, other_program):
    with pytest.raises(CommandError) as caught:
        run("--program", other_program.slug, "--enrollment", str(scenario["tess"].pk))

    assert str(caught.value) == "No enrollments found for program 'elsewhere-psy'."


def test_a_malformed_as_of_date_is_a_command_error(scenario):
    with pytest.raises(CommandError) as caught:
        run("--program", "riverside-mft", "--as-of", "yesterday")

    assert str(caught.value) == (
        "Error: argument --as-of: invalid fromisoformat value: 'yesterday'"
    )
