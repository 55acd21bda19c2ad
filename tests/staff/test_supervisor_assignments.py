"""Assigning supervisors to an enrollment, and ending assignments, from the staff trainee page."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import ActivityCategory, ProgramRole
from tests.factories import (
    ProgramRoleFactory,
    SessionFactory,
    SupervisorAssignmentFactory,
    UserFactory,
)
from trainees.models import Session, SupervisorAssignment
from trainees.selectors.countersign import sessions_to_countersign
from trainees.services.enrollments import (
    ASSIGNMENT_ALREADY_ENDED,
    ASSIGNMENT_END_BEFORE_START,
    ASSIGNMENT_END_LATER,
    ASSIGNMENT_OVERLAPS,
    CATEGORY_NOT_IN_PROGRAM,
    SUPERVISOR_NOT_IN_PROGRAM,
    supervisor_assign,
)

pytestmark = pytest.mark.django_db

REQUIRED = "This field is required."


@pytest.fixture
def url(enrollment):
    return f"/programs/riverside-mft/enrollments/{enrollment.pk}/"


@pytest.fixture
def new_supervisor(program):
    user = UserFactory(email="nina@example.org", full_name="Nina Newsupervisor")
    ProgramRoleFactory(program=program, user=user, role=ProgramRole.Role.SUPERVISOR)
    return user


@pytest.fixture
def current(enrollment, supervisor):
    """The persona supervisor's open-ended assignment (from 5 January 2026, all categories)."""
    return SupervisorAssignment.objects.get(enrollment=enrollment, supervisor=supervisor)


def assign_body(supervisor, **changes):
    body = {
        "assign-supervisor": supervisor.pk,
        "assign-categories": ["client_individual"],
        "assign-starts_on": "2026-06-15",
        "assign-reason": "Placement at the clinic",
    }
    body.update(changes)
    return body


def end_body(assignment, **changes):
    body = {
        f"end-{assignment.pk}-ends_on": "2026-06-20",
        f"end-{assignment.pk}-reason": "Left the clinic",
    }
    body.update({f"end-{assignment.pk}-{k}": v for k, v in changes.items()})
    return body


def rows(enrollment):
    return [
        (
            a.supervisor.email,
            a.starts_on,
            a.ends_on,
            sorted(a.categories.values_list("key", flat=True)),
        )
        for a in SupervisorAssignment.objects.filter(enrollment=enrollment).order_by("pk")
    ]


def history(assignment):
    return [
        (h.history_type, h.history_user, h.history_change_reason, h.ends_on)
        for h in assignment.history.order_by("history_id")
    ]


# --- Assigning --------------------------------------------------------------------------------


def test_director_assigns_a_supervisor_for_some_categories(
    login_as, director, url, enrollment, new_supervisor
):
    response = login_as(director).post(f"{url}supervisors/", assign_body(new_supervisor))

    assert response.status_code == 302
    assert response.url == url
    assert rows(enrollment) == [
        ("supervisor@example.org", date(2026, 1, 5), None, []),
        ("nina@example.org", date(2026, 6, 15), None, ["client_individual"]),
    ]
    created = SupervisorAssignment.objects.get(supervisor=new_supervisor)
    assert history(created) == [("+", director, "assigned: Placement at the clinic", None)]


def test_no_categories_means_all_and_no_reason_is_needed(
    login_as, director, url, enrollment, new_supervisor
):
    login_as(director).post(
        f"{url}supervisors/",
        assign_body(new_supervisor, **{"assign-categories": [], "assign-reason": ""}),
    )

    assert rows(enrollment)[1] == ("nina@example.org", date(2026, 6, 15), None, [])
    created = SupervisorAssignment.objects.get(supervisor=new_supervisor)
    assert history(created) == [("+", director, "assigned", None)]
    page = login_as(director).get(url).content.decode()
    assert page.count("all categories") == 2


def test_a_coordinator_may_assign_too(login_as, program, url, enrollment, new_supervisor):
    coordinator = UserFactory(email="coordinator@example.org")
    ProgramRoleFactory(program=program, user=coordinator, role=ProgramRole.Role.COORDINATOR)

    response = login_as(coordinator).post(f"{url}supervisors/", assign_body(new_supervisor))

    assert response.status_code == 302
    assert SupervisorAssignment.objects.get(
        supervisor=new_supervisor
    ).history.get().history_user == (coordinator)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        # The persona supervisor is already assigned from January with no end.
        ({"assign-supervisor": "SUPERVISOR"}, {"starts_on": [ASSIGNMENT_OVERLAPS]}),
        ({"assign-supervisor": "DIRECTOR"}, {"supervisor": [SUPERVISOR_NOT_IN_PROGRAM]}),
        ({"assign-supervisor": "OTHER_DIRECTOR"}, {"supervisor": [SUPERVISOR_NOT_IN_PROGRAM]}),
        ({"assign-categories": ["group_supervision"]}, {"categories": [CATEGORY_NOT_IN_PROGRAM]}),
        # Private categories are never shown to supervisors, so they are not offered.
        ({"assign-categories": ["personal_therapy"]}, {"categories": [CATEGORY_NOT_IN_PROGRAM]}),
        ({"assign-starts_on": ""}, {"starts_on": [REQUIRED]}),
        ({"assign-starts_on": "15/06/2026"}, {"starts_on": ["Enter a valid date."]}),
    ],
)
def test_a_wrong_assignment_is_refused_naming_the_field(
    login_as,
    director,
    other_director,
    supervisor,
    url,
    enrollment,
    new_supervisor,
    changes,
    errors,
):
    personas = {"SUPERVISOR": supervisor, "DIRECTOR": director, "OTHER_DIRECTOR": other_director}
    if changes.get("assign-supervisor") in personas:
        changes = {**changes, "assign-supervisor": personas[changes["assign-supervisor"]].pk}
    before = rows(enrollment)

    response = login_as(director).post(f"{url}supervisors/", assign_body(new_supervisor, **changes))

    assert response.status_code == 400
    assert response.context["assign_form"].errors == errors
    for message in next(iter(errors.values())):
        assert message.replace("'", "&#x27;") in response.content.decode()
    assert rows(enrollment) == before


def test_the_service_refuses_a_supervisor_of_another_program_and_overlaps(
    enrollment, other_director, supervisor, frozen_today
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as outsider:
        supervisor_assign(
            enrollment=enrollment, supervisor=other_director, starts_on=date(2026, 6, 1)
        )
    with pytest.raises(ValidationError) as overlap:
        supervisor_assign(
            enrollment=enrollment,
            supervisor=supervisor,
            starts_on=date(2025, 12, 1),
            ends_on=date(2026, 1, 5),
        )

    assert outsider.value.message_dict == {"supervisor": [SUPERVISOR_NOT_IN_PROGRAM]}
    assert overlap.value.message_dict == {"starts_on": [ASSIGNMENT_OVERLAPS]}
    assert SupervisorAssignment.objects.count() == 1


def test_an_assignment_must_start_within_the_enrollment(enrollment, new_supervisor, frozen_today):
    """Supervisors see sessions dated within their assignment, whichever enrollment they belong
    to: a backdated start would open an earlier enrollment's sessions to them."""
    from django.core.exceptions import ValidationError

    from trainees.services.enrollments import ASSIGNMENT_OUTSIDE_ENROLLMENT

    expected = ASSIGNMENT_OUTSIDE_ENROLLMENT.format(start="2026-01-05", end="2027-01-03")
    for starts_on in (date(2026, 1, 4), date(2027, 1, 4)):
        with pytest.raises(ValidationError) as refused:
            supervisor_assign(enrollment=enrollment, supervisor=new_supervisor, starts_on=starts_on)
        assert refused.value.message_dict == {"starts_on": [expected]}
    assert not SupervisorAssignment.objects.filter(supervisor=new_supervisor).exists()

    supervisor_assign(enrollment=enrollment, supervisor=new_supervisor, starts_on=date(2026, 1, 5))
    assert SupervisorAssignment.objects.filter(supervisor=new_supervisor).count() == 1


def test_the_same_supervisor_may_be_assigned_again_after_an_ended_assignment(
    login_as, director, url, enrollment, supervisor, current
):
    client = login_as(director)
    client.post(f"{url}supervisors/{current.pk}/end/", end_body(current, ends_on="2026-03-31"))

    response = client.post(
        f"{url}supervisors/", assign_body(supervisor, **{"assign-starts_on": "2026-04-01"})
    )

    assert response.status_code == 302
    assert rows(enrollment) == [
        ("supervisor@example.org", date(2026, 1, 5), date(2026, 3, 31), []),
        ("supervisor@example.org", date(2026, 4, 1), None, ["client_individual"]),
    ]


# --- Ending -----------------------------------------------------------------------------------


def test_director_ends_an_assignment_with_a_reason(login_as, director, url, enrollment, current):
    response = login_as(director).post(f"{url}supervisors/{current.pk}/end/", end_body(current))

    assert response.status_code == 302
    assert rows(enrollment) == [("supervisor@example.org", date(2026, 1, 5), date(2026, 6, 20), [])]
    assert history(current) == [
        ("+", None, None, None),  # created by the fixture, outside any request
        ("~", director, "ended: Left the clinic", date(2026, 6, 20)),
    ]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"reason": ""}, {"reason": [REQUIRED]}),
        ({"reason": "   "}, {"reason": [REQUIRED]}),
        ({"ends_on": "2026-01-04"}, {"ends_on": [ASSIGNMENT_END_BEFORE_START]}),
        ({"ends_on": ""}, {"ends_on": [REQUIRED]}),
    ],
)
def test_a_wrong_end_is_refused_naming_the_field(
    login_as, director, url, enrollment, current, changes, errors
):
    response = login_as(director).post(
        f"{url}supervisors/{current.pk}/end/", end_body(current, **changes)
    )

    assert response.status_code == 400
    row = next(r for r in response.context["assignment_rows"] if r.assignment.pk == current.pk)
    assert row.end_form.errors == errors
    assert rows(enrollment) == [("supervisor@example.org", date(2026, 1, 5), None, [])]
    assert current.history.count() == 1


def test_an_assignment_cannot_be_ended_twice_or_later_than_planned(
    login_as, director, url, enrollment, new_supervisor
):
    past = SupervisorAssignmentFactory(
        enrollment=enrollment,
        supervisor=new_supervisor,
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 3, 31),
    )
    planned = SupervisorAssignmentFactory(
        enrollment=enrollment,
        supervisor=new_supervisor,
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 7, 31),
    )
    client = login_as(director)

    twice = client.post(f"{url}supervisors/{past.pk}/end/", end_body(past))
    later = client.post(
        f"{url}supervisors/{planned.pk}/end/", end_body(planned, ends_on="2026-08-31")
    )

    assert twice.status_code == later.status_code == 400
    by_pk = {r.assignment.pk: r for r in twice.context["assignment_rows"]}
    assert by_pk[past.pk].end_form.errors == {"__all__": [ASSIGNMENT_ALREADY_ENDED]}
    by_pk = {r.assignment.pk: r for r in later.context["assignment_rows"]}
    assert by_pk[planned.pk].end_form.errors == {"ends_on": [ASSIGNMENT_END_LATER]}
    assert [(a.ends_on, a.history.count()) for a in (past, planned)] == [
        (date(2026, 3, 31), 1),
        (date(2026, 7, 31), 1),
    ]


def test_the_page_lists_current_and_past_assignments(
    login_as, director, url, enrollment, new_supervisor, current
):
    past = SupervisorAssignmentFactory(
        enrollment=enrollment,
        supervisor=new_supervisor,
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 3, 31),
    )
    past.categories.set(ActivityCategory.objects.filter(key="supervision_individual"))

    page = login_as(director).get(url)

    assert [
        (r.assignment.pk, r.current, r.end_form is not None)
        for r in page.context["assignment_rows"]
    ] == [(current.pk, True, True), (past.pk, False, False)]
    html = page.content.decode()
    assert "from 5 Jan 2026 to 31 Mar 2026 · Individual supervision" in html
    assert f'action="{url}supervisors/{current.pk}/end/"' in html
    assert f'action="{url}supervisors/{past.pk}/end/"' not in html
    supervisors = page.context["assign_form"].fields["supervisor"].choices
    assert supervisors == [
        ("", "Choose a supervisor"),
        (new_supervisor.pk, "Nina Newsupervisor (nina@example.org)"),
        (current.supervisor_id, "Sam Supervisor (supervisor@example.org)"),
    ]
    categories = page.context["assign_form"].fields["categories"].choices
    assert categories == [
        ("client_individual", "Direct client contact: individual"),
        ("supervision_individual", "Individual supervision"),
    ]


def test_detail_query_count_is_constant_as_assignments_grow(
    login_as, director, url, enrollment, program
):
    client = login_as(director)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    categories = list(ActivityCategory.objects.filter(key__in=["client_individual"]))
    for n in range(4):
        person = UserFactory()
        ProgramRoleFactory(program=program, user=person, role=ProgramRole.Role.SUPERVISOR)
        assignment = SupervisorAssignmentFactory(
            enrollment=enrollment,
            supervisor=person,
            starts_on=date(2026, 1, 5),
            ends_on=date(2026, 3, 1) if n % 2 else None,
        )
        assignment.categories.set(categories)

    assert count() == few


# --- Who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "trainee", "supervisor", "other_director"])
@pytest.mark.parametrize("action", ["assign", "end"])
def test_only_the_programs_managers_may_assign_or_end(
    request, client, frozen_today, url, enrollment, current, new_supervisor, persona, action
):
    if persona != "anonymous":
        person = request.getfixturevalue(persona)
        client.force_login(getattr(person, "user", person))
    if action == "assign":
        target, body = f"{url}supervisors/", assign_body(new_supervisor)
    else:
        target, body = f"{url}supervisors/{current.pk}/end/", end_body(current)

    response = client.post(target, body)

    if persona == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    else:
        assert response.status_code == 404
    assert rows(enrollment) == [("supervisor@example.org", date(2026, 1, 5), None, [])]
    assert current.history.count() == 1


def test_an_assignment_of_another_enrollment_is_not_found(
    login_as, director, url, other_trainee, new_supervisor
):
    elsewhere = SupervisorAssignmentFactory(
        enrollment=other_trainee.enrollments.get(), supervisor=new_supervisor
    )

    response = login_as(director).post(f"{url}supervisors/{elsewhere.pk}/end/", end_body(elsewhere))

    assert response.status_code == 404
    assert SupervisorAssignment.objects.get(pk=elsewhere.pk).ends_on is None


def test_assigning_and_ending_take_posts_only(login_as, director, url, current):
    client = login_as(director)

    assert client.get(f"{url}supervisors/").status_code == 405
    assert client.get(f"{url}supervisors/{current.pk}/end/").status_code == 405


# --- The supervisor's queue -------------------------------------------------------------------


def test_a_new_assignment_opens_the_queue_and_ending_it_closes_it(
    login_as, client, director, other_trainee, new_supervisor, category, refresh
):
    enrollment = other_trainee.enrollments.get()
    page = f"/programs/riverside-mft/enrollments/{enrollment.pk}/"

    def submitted(day, key="client_individual"):
        return SessionFactory(
            trainee=other_trainee, date=day, category=category(key), status="submitted"
        )

    client_work = submitted(date(2026, 6, 3))
    supervision = submitted(date(2026, 6, 3), "supervision_individual")
    refresh(other_trainee)
    assert not sessions_to_countersign(new_supervisor).exists()

    login_as(director).post(
        f"{page}supervisors/",
        assign_body(new_supervisor, **{"assign-starts_on": "2026-06-01"}),
    )

    # Only the assigned category, from the assignment's first day.
    assert list(sessions_to_countersign(new_supervisor)) == [client_work]
    login_as(new_supervisor)
    queue = client.get("/supervise/").context["queue"]
    assert [[s.pk for w in t.weeks for s in w.sessions] for t in queue] == [[client_work.pk]]
    assert client.post("/supervise/act/", {"only": supervision.pk}).status_code == 404

    assignment = SupervisorAssignment.objects.get(supervisor=new_supervisor)
    login_as(director).post(
        f"{page}supervisors/{assignment.pk}/end/", end_body(assignment, ends_on="2026-06-04")
    )
    later = submitted(date(2026, 6, 5))

    # Sessions up to the last day stay theirs to countersign; later ones are not.
    assert list(sessions_to_countersign(new_supervisor)) == [client_work]
    login_as(new_supervisor)
    assert client.post("/supervise/act/", {"only": later.pk}).status_code == 404
    assert client.post("/supervise/act/", {"only": client_work.pk}).status_code == 302
    assert [Session.objects.get(pk=s.pk).status for s in (client_work, supervision, later)] == [
        "verified",
        "submitted",
        "submitted",
    ]
