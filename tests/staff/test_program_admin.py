"""Program administration pages: program-file versions, moving enrollments, cohorts, invites."""

from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Invitation
from programs.models import RequirementSet
from tests.factories import CohortFactory, RequirementSetFactory
from trainees.models import Cohort, Enrollment
from trainees.services.program_admin import COHORT_SLUG_TAKEN

pytestmark = pytest.mark.django_db

NEW_FILE = """\
format: 1
institution:
  slug: riverside
  name: Riverside
program:
  slug: riverside-mft
  name: Riverside MFT
  time_zone: UTC
  week_start: monday
categories:
  - key: client_individual
  - key: supervision_individual
requirements:
  - key: client_contact
    name: Client contact
    kind: total
    unit: hours
    minimum: 12
    counts:
      - categories: [client_individual]
  - key: supervision
    name: Supervision
    kind: total
    unit: sessions
    minimum: 3
    counts:
      - categories: [supervision_individual]
"""
BASE = "/programs/riverside-mft"


def state():
    return (
        list(RequirementSet.objects.values_list("program__slug", "version")),
        list(Enrollment.objects.order_by("pk").values_list("requirement_set__version", flat=True)),
        list(Cohort.objects.values_list("slug", flat=True)),
        Invitation.objects.count(),
        len(mail.outbox),
    )


@pytest.fixture
def forbidden(request, other_director, supervisor, trainee):
    return {"other_director": other_director, "supervisor": supervisor, "trainee": trainee.user}


ROSTER = (
    "email,full_name,external_id,cohort,start_date,expected_end_date\n"
    "ana@example.org,Ana A,S-1,c26,2026-09-01,2028-08-31\n"
)


@pytest.mark.parametrize("persona", ["other_director", "supervisor", "trainee"])
@pytest.mark.parametrize(
    "method,path,data",
    [
        ("get", "/program-file/", {}),
        ("post", "/program-file/", {"text": NEW_FILE, "apply": "1"}),
        ("post", "/program-file/move/", {"version": "0"}),
        ("get", "/cohorts/", {}),
        ("post", "/cohorts/", {"slug": "c27", "name": "2027"}),
        ("get", "/enroll/", {}),
        (
            "post",
            "/enroll/",
            {
                "email": "new@example.org",
                "full_name": "New",
                "start_date": "2026-09-01",
                "expected_end_date": "2027-09-01",
            },
        ),
        ("post", "/enroll/roster/", "roster"),
    ],
)
def test_others_get_404_and_nothing_changes(
    login_as, forbidden, persona, method, path, data, enrollment, other_trainee
):
    client = login_as(forbidden[persona])
    if data == "roster":
        data = {"roster": SimpleUploadedFile("r.csv", ROSTER.encode())}
    before = state()

    response = getattr(client, method)(BASE + path, data)

    assert response.status_code == 404
    assert state() == before


def test_preview_shows_differences_and_status_changes_without_loading(
    login_as, director, enrollment, other_trainee
):
    before = state()

    page = login_as(director).post(BASE + "/program-file/", {"text": NEW_FILE, "preview": "1"})

    assert page.status_code == 200
    preview = page.context["preview"]
    assert [(c.key, c.change, c.fields) for c in preview["changes"]] == [
        ("client_contact", "changed", ("minimum",)),
        ("supervision", "added", ()),
        ("therapy_sessions", "removed", ()),
    ]
    assert preview["statuses"].open_enrollments == 2
    assert state() == before


def test_file_errors_are_shown_with_line_and_field_and_nothing_loads(
    login_as, director, enrollment
):
    before = state()
    broken = NEW_FILE.replace("minimum: 12", "minimum: lots")

    page = login_as(director).post(BASE + "/program-file/", {"text": broken, "apply": "1"})

    assert page.status_code == 400
    (problem,) = page.context["problems"]
    assert (problem.line, problem.field) == (18, "requirements[0].minimum")
    assert state() == before


def test_a_file_for_another_program_is_refused(login_as, director, enrollment):
    before = state()
    other = NEW_FILE.replace("slug: riverside-mft", "slug: elsewhere-psy")

    page = login_as(director).post(BASE + "/program-file/", {"text": other, "apply": "1"})

    assert page.status_code == 400
    assert [p.field for p in page.context["problems"]] == ["program.slug"]
    assert state() == before


def test_apply_creates_a_version_and_moves_nobody(login_as, director, enrollment):
    response = login_as(director).post(BASE + "/program-file/", {"text": NEW_FILE, "apply": "1"})

    assert response.status_code == 302
    latest = RequirementSet.objects.filter(program__slug="riverside-mft").latest("version")
    assert latest.definition["requirements"][0]["minimum"] == 12
    enrollment.refresh_from_db()
    assert enrollment.requirement_set.version < latest.version


def test_move_moves_open_enrollments_on_older_versions_and_records_it(
    login_as, director, program, enrollment, other_trainee
):
    newer = RequirementSetFactory(program=program, version=enrollment.requirement_set.version + 1)
    other = other_trainee.enrollments.get()
    other.status = Enrollment.Status.WITHDRAWN
    other.ended_on = date(2026, 6, 1)
    other.save()

    response = login_as(director).post(BASE + "/program-file/move/", {"version": newer.pk})

    assert response.status_code == 302
    enrollment.refresh_from_db()
    other.refresh_from_db()
    assert enrollment.requirement_set == newer
    assert other.requirement_set != newer
    assert enrollment.history.first().history_change_reason == f"moved to version {newer.version}"


def test_move_by_cohort_leaves_other_cohorts(
    login_as, director, program, enrollment, other_trainee
):
    cohort = CohortFactory(program=program, slug="c26")
    enrollment.cohort = cohort
    enrollment.save()
    newer = RequirementSetFactory(program=program, version=enrollment.requirement_set.version + 1)

    login_as(director).post(BASE + "/program-file/move/", {"version": newer.pk, "cohort": "c26"})

    assert Enrollment.objects.get(pk=enrollment.pk).requirement_set == newer
    assert other_trainee.enrollments.get().requirement_set != newer


def test_cohorts_are_listed_and_created(login_as, director, program):
    client = login_as(director)

    response = client.post(
        BASE + "/cohorts/", {"slug": "c26", "name": "Autumn 2026", "starts_on": "2026-09-01"}
    )
    again = client.post(BASE + "/cohorts/", {"slug": "c26", "name": "Duplicate"})

    assert response.status_code == 302
    assert list(Cohort.objects.values_list("slug", "name", "starts_on")) == [
        ("c26", "Autumn 2026", date(2026, 9, 1))
    ]
    assert again.status_code == 400
    assert again.context["form"].errors["slug"] == [COHORT_SLUG_TAKEN]
    assert "Autumn 2026" in client.get(BASE + "/cohorts/").content.decode()


def test_enroll_and_invite_emails_the_link_and_shows_it_once(login_as, director, program):
    CohortFactory(program=program, slug="c26")
    RequirementSetFactory(program=program)

    page = login_as(director).post(
        BASE + "/enroll/",
        {
            "email": "Ana@Example.org",
            "full_name": "Ana Newcomer",
            "external_id": "S-1",
            "cohort": "c26",
            "start_date": "2026-09-01",
            "expected_end_date": "2028-08-31",
        },
    )

    assert page.status_code == 200
    enrollment = Enrollment.objects.get(trainee__user__email="ana@example.org")
    assert (enrollment.cohort.slug, enrollment.start_date, enrollment.trainee.external_id) == (
        "c26",
        date(2026, 9, 1),
        "S-1",
    )
    (message,) = mail.outbox
    assert message.to == ["ana@example.org"]
    assert page.context["link"] in message.body
    assert page.context["link"] in page.content.decode()


ROSTER_HEADER = "email,full_name,external_id,cohort,start_date,expected_end_date\n"


def test_roster_upload_enrolls_everyone(login_as, director, program):
    CohortFactory(program=program, slug="c26")
    RequirementSetFactory(program=program)
    text = ROSTER_HEADER + (
        "ana@example.org,Ana A,S-1,c26,2026-09-01,2028-08-31\n"
        "ben@example.org,Ben B,,,2026-09-01,2028-08-31\n"
    )

    response = login_as(director).post(
        BASE + "/enroll/roster/", {"roster": SimpleUploadedFile("r.csv", text.encode())}
    )

    assert response.status_code == 302
    assert sorted(Enrollment.objects.values_list("trainee__user__email", flat=True)) == [
        "ana@example.org",
        "ben@example.org",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "ben@example.org"]


def test_roster_errors_are_reported_by_line_and_nothing_is_written(
    login_as, director, program, trainee
):
    RequirementSetFactory(program=program)
    text = ROSTER_HEADER + (
        "ana@example.org,Ana A,S-1,,2026-09-01,2028-08-31\n"
        "ben@example.org,Ben B,,nope,2026-09-01,2028-08-31\n"
        "cy@example.org,Cy C,,,someday,2028-08-31\n"
    )
    before = state()

    page = login_as(director).post(
        BASE + "/enroll/roster/", {"roster": SimpleUploadedFile("r.csv", text.encode())}
    )

    assert page.status_code == 400
    assert [(p.line, p.field, p.message) for p in page.context["problems"]] == [
        (3, "cohort", "no cohort with this slug in the program"),
        (4, "start_date", "not a date (use YYYY-MM-DD)"),
    ]
    assert state() == before


def test_roster_rows_failing_in_the_service_roll_back_the_others(
    login_as, director, program, trainee
):
    text = ROSTER_HEADER + (
        "ana@example.org,Ana A,,,2026-09-01,2028-08-31\n"
        "trainee@example.org,Tess,,,2026-09-01,2028-08-31\n"
    )
    before = state()

    page = login_as(director).post(
        BASE + "/enroll/roster/", {"roster": SimpleUploadedFile("r.csv", text.encode())}
    )

    assert page.status_code == 400
    assert [(p.line, p.message) for p in page.context["problems"]] == [
        (3, "This trainee already has an open enrollment in this program.")
    ]
    assert state() == before


def test_a_roster_email_the_server_refuses_shows_its_link_and_loses_no_enrollment(
    login_as, director, program, monkeypatch
):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages

    def send_messages(self, messages):
        if any("ana@example.org" in m.to for m in messages):
            raise smtplib.SMTPException("refused")
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    RequirementSetFactory(program=program)
    text = ROSTER_HEADER + (
        "ana@example.org,Ana A,,,2026-09-01,2028-08-31\n"
        "ben@example.org,Ben B,,,2026-09-01,2028-08-31\n"
    )

    response = login_as(director).post(
        BASE + "/enroll/roster/", {"roster": SimpleUploadedFile("r.csv", text.encode())}
    )

    assert response.status_code == 200
    assert Enrollment.objects.count() == 2
    assert [m.to for m in mail.outbox] == [["ben@example.org"]]
    (unsent,) = response.context["unsent"]
    assert unsent.email == "ana@example.org"
    assert "/accounts/invitation/" in unsent.link
    assert unsent.link in response.content.decode()
