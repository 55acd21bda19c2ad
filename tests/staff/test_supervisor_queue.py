from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import PRIVATE_NOTES, PRIVATE_PROVIDER
from tests.factories import (
    EnrollmentFactory,
    SessionFactory,
    SupervisorAssignmentFactory,
    TraineeFactory,
)
from trainees.models import Session
from trainees.services.countersign import REJECTION_REASON_REQUIRED, REOPEN_REASON_REQUIRED

pytestmark = pytest.mark.django_db


def statuses(sessions):
    return [Session.objects.get(pk=s.pk).status for s in sessions]


def test_queue_groups_awaiting_sessions_by_trainee_and_week(login_as, supervisor, week_sessions):
    page = login_as(supervisor).get("/supervise/")

    queue = page.context["queue"]
    assert [group.name for group in queue] == ["Tess Trainee"]
    assert [week.monday for week in queue[0].weeks] == [date(2026, 6, 1)]
    assert [s.pk for s in queue[0].weeks[0].sessions] == [s.pk for s in week_sessions]
    assert "Verify whole week (3)" in page.content.decode()


def test_a_whole_week_is_verified_in_one_post(
    login_as, supervisor, week_sessions, trainee, django_capture_on_commit_callbacks
):
    client = login_as(supervisor)

    # the commit enqueues the trainee's snapshot refresh (run eagerly here)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/supervise/act/", {"action": "week", "week_session": [s.pk for s in week_sessions]}
        )

    assert response.status_code == 302
    assert statuses(week_sessions) == ["verified"] * 3
    assert {Session.objects.get(pk=s.pk).verified_by for s in week_sessions} == {supervisor}
    assert trainee.enrollments.get().requirement_statuses.get(key="client_contact").credited == 180


def test_one_session_is_verified_with_its_own_button(login_as, supervisor, week_sessions):
    login_as(supervisor).post("/supervise/act/", {"only": week_sessions[1].pk, "action": ""})

    assert statuses(week_sessions) == ["submitted", "verified", "submitted"]


def test_ticked_sessions_are_verified(login_as, supervisor, week_sessions):
    login_as(supervisor).post(
        "/supervise/act/",
        {"action": "selected", "session": [week_sessions[0].pk, week_sessions[2].pk]},
    )

    assert statuses(week_sessions) == ["verified", "submitted", "verified"]


def test_rejecting_needs_a_reason(login_as, supervisor, week_sessions):
    client = login_as(supervisor)

    response = client.post(
        "/supervise/act/",
        {"action": "reject", "session": [week_sessions[0].pk], "reason": "  "},
        follow=True,
    )

    assert REJECTION_REASON_REQUIRED in response.content.decode()
    assert statuses(week_sessions) == ["submitted"] * 3


def test_rejecting_returns_the_sessions_with_the_reason(login_as, supervisor, week_sessions):
    login_as(supervisor).post(
        "/supervise/act/",
        {"action": "reject", "session": [week_sessions[0].pk], "reason": "Wrong date"},
    )

    rejected = Session.objects.get(pk=week_sessions[0].pk)
    assert (rejected.status, rejected.rejection_reason) == ("rejected", "Wrong date")
    assert rejected.history.first().history_change_reason == "rejected: Wrong date"


def test_reopening_a_verified_session_is_recorded_with_its_reason(
    login_as, supervisor, week_sessions
):
    client = login_as(supervisor)
    client.post("/supervise/act/", {"only": week_sessions[0].pk})

    missing = client.post(
        f"/supervise/sessions/{week_sessions[0].pk}/reopen/", {"reason": ""}, follow=True
    )
    assert REOPEN_REASON_REQUIRED in missing.content.decode()
    assert statuses(week_sessions)[0] == "verified"

    client.post(f"/supervise/sessions/{week_sessions[0].pk}/reopen/", {"reason": "Signed in error"})

    session = Session.objects.get(pk=week_sessions[0].pk)
    assert (session.status, session.verified_by, session.verified_at) == ("submitted", None, None)
    latest = session.history.first()
    assert latest.history_change_reason == "reopened: Signed in error"
    assert latest.history_user == supervisor


def test_a_supervisor_cannot_sign_for_a_trainee_they_do_not_supervise(
    login_as, supervisor, week_sessions, other_submitted
):
    client = login_as(supervisor)

    alone = client.post("/supervise/act/", {"only": other_submitted.pk})
    mixed = client.post(
        "/supervise/act/",
        {"action": "week", "week_session": [week_sessions[0].pk, other_submitted.pk]},
    )

    assert (alone.status_code, mixed.status_code) == (404, 404)
    assert statuses([other_submitted, week_sessions[0]]) == ["submitted", "submitted"]
    assert other_submitted.pk not in {
        s.pk
        for g in client.get("/supervise/").context["queue"]
        for w in g.weeks
        for s in w.sessions
    }


def test_another_supervisors_verified_session_cannot_be_reopened(
    login_as, supervisor, other_submitted, program
):
    from tests.factories import ProgramRoleFactory, UserFactory
    from trainees.services.countersign import session_countersign

    theirs = UserFactory(email="their.sup@example.org")
    ProgramRoleFactory(program=program, user=theirs, role="supervisor")
    SupervisorAssignmentFactory(
        enrollment=other_submitted.trainee.enrollments.get(),
        supervisor=theirs,
        starts_on=date(2026, 1, 5),
    )
    session_countersign(session=other_submitted, supervisor=theirs)

    response = login_as(supervisor).post(
        f"/supervise/sessions/{other_submitted.pk}/reopen/", {"reason": "x"}
    )

    assert response.status_code == 404
    assert Session.objects.get(pk=other_submitted.pk).status == "verified"


def test_private_sessions_never_reach_the_queue(
    login_as, supervisor, private_session, week_sessions
):
    html = login_as(supervisor).get("/supervise/").content.decode()

    assert PRIVATE_PROVIDER not in html
    assert PRIVATE_NOTES not in html
    assert f'data-session="{private_session.pk}"' not in html


@pytest.mark.parametrize("persona", ["trainee", "other_director"])
def test_people_who_supervise_nobody_have_no_queue(request, login_as, persona):
    person = request.getfixturevalue(persona)
    user = getattr(person, "user", person)

    assert login_as(user).get("/supervise/").status_code == 404
    assert login_as(user).post("/supervise/act/", {"only": 1}).status_code == 404


def test_supervisor_lands_on_the_queue(login_as, supervisor):
    response = login_as(supervisor).get("/")

    assert response.status_code == 302
    assert response.url == "/supervise/"


def test_supervisees_progress_lists_their_requirements(login_as, supervisor, trainee, refresh):
    refresh(trainee)

    page = login_as(supervisor).get("/supervise/supervisees/")

    rows = page.context["rows"]
    assert [r.enrollment.trainee for r in rows] == [trainee]
    assert [r.key for r in rows[0].requirements] == ["client_contact", "therapy_sessions"]


def test_queue_query_count_does_not_grow(login_as, supervisor, program, category, week_sessions):
    client = login_as(supervisor)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/supervise/").status_code == 200
        return len(queries)

    few = count()
    for _ in range(4):
        trainee = TraineeFactory()
        enrollment = EnrollmentFactory(trainee=trainee, program=program)
        SupervisorAssignmentFactory(
            enrollment=enrollment, supervisor=supervisor, starts_on=date(2026, 1, 5)
        )
        for day in (8, 9):
            SessionFactory(
                trainee=trainee,
                date=date(2026, 6, day),
                category=category("client_individual"),
                status="submitted",
            )

    assert count() == few
