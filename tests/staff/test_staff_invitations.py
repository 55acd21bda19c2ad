"""Inviting supervisors and coordinators to a program, singly or from a CSV file."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from programs.models import ProgramRole
from programs.services.staff_invitations import (
    ALREADY_HAS_ROLE,
    STAFF_BAD_EMAIL,
    STAFF_BAD_HEADER,
    STAFF_BAD_ROLE,
    STAFF_DUPLICATE,
    STAFF_REQUIRED,
)

pytestmark = pytest.mark.django_db

BASE = "/programs/riverside-mft/staff/"
HEADER = "email,full_name,role\n"


def roles(program):
    return sorted(ProgramRole.objects.filter(program=program).values_list("user__email", "role"))


def state(program):
    return (roles(program), User.objects.count(), len(mail.outbox))


def upload(client, text):
    return client.post(f"{BASE}upload/", {"staff": SimpleUploadedFile("staff.csv", text.encode())})


def test_a_new_supervisor_gets_the_role_and_a_link_that_sets_their_password(
    login_as, client, director, program
):
    page = login_as(director).post(
        BASE, {"email": "Nina@Example.org", "full_name": "Nina New", "role": "supervisor"}
    )

    assert page.status_code == 200
    assert ("nina@example.org", "supervisor") in roles(program)
    nina = User.objects.get(email="nina@example.org")
    assert (nina.full_name, nina.has_usable_password()) == ("Nina New", False)
    grant = ProgramRole.objects.get(user=nina)
    assert [
        (h.history_type, h.history_user, h.history_change_reason) for h in grant.history.all()
    ] == [("+", director, "invited as supervisor")]
    (message,) = mail.outbox
    link = page.context["link"]
    assert message.to == ["nina@example.org"]
    assert link in message.body
    assert link in page.content.decode()

    # Accepting: the link sets the password once; then Nina signs in as a supervisor.
    client.logout()
    path = re.sub(r"^https?://[^/]+", "", link)
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-new-passphrase-42", "new_password2": "a-long-new-passphrase-42"},
    )
    assert done.status_code == 302
    nina.refresh_from_db()
    assert nina.check_password("a-long-new-passphrase-42")
    assert client.get(path, follow=True).context["validlink"] is False
    client.force_login(nina)
    assert client.get("/supervise/").status_code == 200


def test_someone_with_an_account_just_gains_the_role(login_as, other_director, director, program):
    page = login_as(director).post(
        BASE,
        {"email": "other.director@example.org", "full_name": "Ignored", "role": "coordinator"},
    )

    assert page.status_code == 200
    assert page.context["link"] is None
    assert ("other.director@example.org", "coordinator") in roles(program)
    assert User.objects.get(email="other.director@example.org").full_name == "Otto Otherdirector"
    (message,) = mail.outbox
    assert "Sign in with your usual e-mail and password" in message.body
    # The new coordinator now manages this program.
    assert login_as(other_director).get("/programs/riverside-mft/").status_code == 200


def test_inviting_again_before_they_sign_in_sends_a_new_link(login_as, director, program):
    client = login_as(director)
    body = {"email": "nina@example.org", "full_name": "Nina New", "role": "supervisor"}
    client.post(BASE, body)

    again = client.post(BASE, body)

    assert again.status_code == 200
    assert again.context["link"]
    assert roles(program).count(("nina@example.org", "supervisor")) == 1
    assert len(mail.outbox) == 2


def test_someone_who_already_has_the_role_and_signs_in_is_refused(
    login_as, director, supervisor, program
):
    before = state(program)

    page = login_as(director).post(
        BASE, {"email": "supervisor@example.org", "full_name": "Sam", "role": "supervisor"}
    )

    assert page.status_code == 400
    assert page.context["form"].errors == {"email": [ALREADY_HAS_ROLE]}
    assert state(program) == before


def test_only_supervisors_and_coordinators_can_be_invited(login_as, director, program):
    before = state(program)

    page = login_as(director).post(
        BASE, {"email": "dan@example.org", "full_name": "Dan", "role": "director"}
    )

    assert page.status_code == 400
    assert list(page.context["form"].errors) == ["role"]
    assert state(program) == before


def test_a_csv_invites_everyone(login_as, director, program):
    text = HEADER + "ana@example.org,Ana A,supervisor\nben@example.org,Ben B,coordinator\n"

    response = upload(login_as(director), text)

    assert response.status_code == 302
    assert response.url == BASE
    assert [r for r in roles(program) if r[0] in ("ana@example.org", "ben@example.org")] == [
        ("ana@example.org", "supervisor"),
        ("ben@example.org", "coordinator"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "ben@example.org"]


def test_csv_errors_are_reported_by_line_and_nothing_is_written(login_as, director, program):
    text = HEADER + (
        "ana@example.org,Ana A,supervisor\n"
        "not-an-address,Ben B,supervisor\n"
        "\n"
        "cy@example.org,Cy C,director\n"
        ",Dee D,\n"
        "ANA@example.org,Ana again,supervisor\n"
    )
    before = state(program)

    page = upload(login_as(director), text)

    assert page.status_code == 400
    assert [(p.line, p.field, p.message) for p in page.context["problems"]] == [
        (3, "email", STAFF_BAD_EMAIL),
        (5, "role", STAFF_BAD_ROLE),
        (6, "email", STAFF_REQUIRED),
        (6, "role", STAFF_REQUIRED),
        (7, "email", STAFF_DUPLICATE),
    ]
    assert "Line 3, email: not an e-mail address" in page.content.decode()
    assert state(program) == before


def test_csv_rows_the_database_would_refuse_are_reported_not_500(login_as, director, program):
    # the same reader as the trainee roster: a shifted row, NUL, an over-long address
    text = HEADER + (
        "ana@example.org,Ana, the second,supervisor\n"
        "ben@example.org,Ben\x00B,supervisor\n" + "c" * 250 + "@example.org,Cy C,supervisor\n"
    )
    before = state(program)

    page = upload(login_as(director), text)

    assert page.status_code == 400
    assert [(p.line, p.field, p.message) for p in page.context["problems"]] == [
        (2, "", "4 values for 3 columns"),
        (3, "full_name", "contains a NUL character"),
        (4, "email", "longer than 254 characters"),
    ]
    assert state(program) == before


def test_unreadable_csv_is_reported_with_its_line():
    # a bare carriage return inside an unquoted value (the page's decoding turns these into line
    # breaks; the parser must still never let csv.Error out)
    from core.problems import InputFileError
    from programs.services.staff_invitations import staff_csv_parse

    with pytest.raises(InputFileError) as refused:
        staff_csv_parse(text=HEADER + "ana@example.org,Ana\rB,supervisor\n")

    [problem] = refused.value.problems
    assert (problem.line, problem.field) == (2, "")
    assert problem.message.startswith("not valid CSV: ")


def test_csv_rows_failing_in_the_service_roll_back_the_others(
    login_as, director, supervisor, program
):
    text = HEADER + "ana@example.org,Ana A,supervisor\nsupervisor@example.org,Sam,supervisor\n"
    before = state(program)

    page = upload(login_as(director), text)

    assert page.status_code == 400
    assert [(p.line, p.field, p.message) for p in page.context["problems"]] == [
        (3, "email", ALREADY_HAS_ROLE)
    ]
    assert state(program) == before


def test_a_csv_with_a_wrong_header_is_refused(login_as, director, program):
    before = state(program)

    page = upload(login_as(director), "email,name\nana@example.org,Ana\n")

    assert [(p.line, p.message) for p in page.context["problems"]] == [(1, STAFF_BAD_HEADER)]
    assert state(program) == before


@pytest.mark.parametrize("persona", ["anonymous", "trainee", "supervisor", "other_director"])
@pytest.mark.parametrize(
    "method,path,data",
    [
        ("get", "", {}),
        ("post", "", {"email": "eve@example.org", "full_name": "Eve", "role": "supervisor"}),
        ("post", "upload/", "csv"),
    ],
)
def test_only_the_programs_managers_may_invite_staff(
    request, client, frozen_today, program, persona, method, path, data
):
    if persona != "anonymous":
        person = request.getfixturevalue(persona)
        client.force_login(getattr(person, "user", person))
    if data == "csv":
        data = {
            "staff": SimpleUploadedFile(
                "s.csv", (HEADER + "eve@example.org,Eve,supervisor\n").encode()
            )
        }
    before = state(program)

    response = getattr(client, method)(BASE + path, data)

    if persona == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    else:
        assert response.status_code == 404
    assert state(program) == before


def test_the_staff_list_costs_the_same_queries_for_one_or_many(login_as, director, program):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ProgramRoleFactory, UserFactory

    client = login_as(director)
    ProgramRoleFactory(program=program, user=UserFactory(), role=ProgramRole.Role.SUPERVISOR)
    client.get(BASE)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(BASE).status_code == 200
    for _ in range(5):
        ProgramRoleFactory(program=program, user=UserFactory(), role=ProgramRole.Role.COORDINATOR)
    with CaptureQueriesContext(connection) as many:
        page = client.get(BASE)

    assert page.status_code == 200
    assert len(page.context["staff"]) == 6  # one supervisor and five coordinators
    assert len(many) == len(few)


def _refuse_mail_to(monkeypatch, address):
    """The mail server refuses messages to `address`; others go out."""
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages

    def send_messages(self, messages):
        if any(address in m.to for m in messages):
            raise smtplib.SMTPException("refused")
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)


def test_a_refused_email_shows_its_link_and_the_other_invitations_still_go_out(
    login_as, director, program, monkeypatch
):
    _refuse_mail_to(monkeypatch, "ana@example.org")
    text = HEADER + "ana@example.org,Ana A,supervisor\nben@example.org,Ben B,coordinator\n"

    response = upload(login_as(director), text)

    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["ben@example.org"]]
    assert [r for r in roles(program) if r[0] in ("ana@example.org", "ben@example.org")] == [
        ("ana@example.org", "supervisor"),
        ("ben@example.org", "coordinator"),
    ]
    (unsent,) = response.context["unsent"]
    assert unsent.email == "ana@example.org"
    assert "/accounts/password-reset/" in unsent.link
    assert unsent.link in response.content.decode()


def test_a_single_invitation_whose_email_is_refused_still_shows_the_link(
    login_as, director, program, monkeypatch
):
    _refuse_mail_to(monkeypatch, "cy@example.org")

    response = login_as(director).post(
        BASE, {"email": "cy@example.org", "full_name": "Cy C", "role": "supervisor"}
    )

    assert response.status_code == 200
    assert mail.outbox == []
    assert ("cy@example.org", "supervisor") in roles(program)
    assert "E-mail not sent" in response.content.decode()
    assert response.context["link"] in response.content.decode()
