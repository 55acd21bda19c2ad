"""factory-boy factories for the domain. Tests build data through these, never by hand-rolled dicts."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from programs.models import (
    ActivityCategory,
    Institution,
    Program,
    ProgramCategory,
    ProgramRole,
    RequirementSet,
)
from trainees.models import (
    Cohort,
    Enrollment,
    LeaveOfAbsence,
    Session,
    SupervisorAssignment,
    Trainee,
)

# A minimal valid requirement set: 10 h of individual client contact, weekly supervision.
SIMPLE_DEFINITION = {
    "format": 1,
    "institution": {"slug": "test-institute", "name": "Test Institute"},
    "program": {
        "slug": "test-program",
        "name": "Test Program",
        "time_zone": "UTC",
        "week_start": "monday",
    },
    "categories": [
        {"key": "client_individual", "private": False, "verification": "countersign"},
        {"key": "personal_therapy", "private": True, "verification": "self_report"},
        {"key": "supervision_individual", "private": False, "verification": "countersign"},
    ],
    "status": {"on_track_ratio": 0.9, "at_risk_ratio": 0.75, "grace_days": 28},
    "requirements": [
        {
            "key": "client_contact",
            "name": "Client contact",
            "kind": "total",
            "unit": "hours",
            "minimum": 10,
            "counts": [{"categories": ["client_individual"], "steps": []}],
            "verified_only": True,
            "advisory": False,
        },
        {
            "key": "therapy_sessions",
            "name": "Personal therapy sessions",
            "kind": "total",
            "unit": "sessions",
            "minimum": 4,
            "counts": [{"categories": ["personal_therapy"], "steps": []}],
            "verified_only": True,
            "advisory": False,
        },
    ],
}


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password("correct-horse-battery")


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"institution-{n}")
    name = factory.Sequence(lambda n: f"Institution {n}")


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    institution = factory.SubFactory(InstitutionFactory)
    slug = factory.Sequence(lambda n: f"program-{n}")
    name = factory.Sequence(lambda n: f"Program {n}")
    time_zone = "UTC"
    week_start = 0

    @factory.post_generation
    def categories(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        for entry in SIMPLE_DEFINITION["categories"]:  # type: ignore[attr-defined]
            ProgramCategory.objects.get_or_create(
                program=self,
                category=ActivityCategory.objects.get(key=entry["key"]),
                defaults={"private": entry["private"], "verification": entry["verification"]},
            )


class RequirementSetFactory(DjangoModelFactory):
    class Meta:
        model = RequirementSet

    program = factory.SubFactory(ProgramFactory)
    version = factory.Sequence(lambda n: n + 1)
    definition = factory.LazyFunction(lambda: SIMPLE_DEFINITION)
    checksum = factory.Sequence(lambda n: f"{n:064d}")


class ProgramRoleFactory(DjangoModelFactory):
    class Meta:
        model = ProgramRole

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    role = ProgramRole.Role.DIRECTOR


class TraineeFactory(DjangoModelFactory):
    class Meta:
        model = Trainee

    user = factory.SubFactory(UserFactory)


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort

    program = factory.SubFactory(ProgramFactory)
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    name = factory.Sequence(lambda n: f"Cohort {n}")


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    trainee = factory.SubFactory(TraineeFactory)
    program = factory.SubFactory(ProgramFactory)
    requirement_set = factory.LazyAttribute(
        lambda o: (
            RequirementSet.objects.filter(program=o.program).order_by("-version").first()
            or RequirementSetFactory(program=o.program)
        )
    )
    start_date = date(2026, 1, 5)
    expected_end_date = date(2027, 1, 3)


class LeaveFactory(DjangoModelFactory):
    class Meta:
        model = LeaveOfAbsence

    enrollment = factory.SubFactory(EnrollmentFactory)
    start_date = date(2026, 3, 1)
    end_date = date(2026, 3, 31)


class SupervisorAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = SupervisorAssignment

    enrollment = factory.SubFactory(EnrollmentFactory)
    supervisor = factory.SubFactory(UserFactory)
    starts_on = date(2026, 1, 5)


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    trainee = factory.SubFactory(TraineeFactory)
    date = date(2026, 2, 2)
    duration_minutes = 50
    category = factory.LazyFunction(lambda: ActivityCategory.objects.get(key="client_individual"))
