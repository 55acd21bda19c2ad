"""A realistic demo institution: programs, cohorts, supervisors and trainees with years of sessions.

Deterministic for a given --seed and --today. Writes in bulk (no per-row services, no history
rows) because it must build thousands of trainees quickly; the data it makes satisfies every
constraint the services enforce.
"""

import os
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from programs.definitions.program_file import read_program_file
from programs.models import ActivityCategory, Program, ProgramCategory, ProgramRole
from programs.selectors import category_vocabulary
from programs.services.program_files import program_load
from trainees.models import (
    Cohort,
    Enrollment,
    LeaveOfAbsence,
    Session,
    SupervisorAssignment,
    Trainee,
)
from trainees.services.compliance import snapshots_refresh_all
from trainees.services.trends import weekly_statuses_backfill, weekly_statuses_record

DEMO_DIR = Path(settings.BASE_DIR) / "programs" / "demo"
# Printed in the README: the demo is public by design.
DEMO_PASSWORD = "countersign-demo"  # noqa: S105
DEMO_DOMAIN = "demo.countersign.test"
BATCH = 5000

FIRST = [
    "Ada",
    "Ben",
    "Cara",
    "Dev",
    "Eli",
    "Fay",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kai",
    "Lea",
    "Max",
    "Nia",
    "Oto",
    "Pia",
    "Quin",
    "Rae",
    "Sol",
    "Tia",
    "Uma",
    "Vic",
    "Wen",
    "Xan",
    "Yara",
    "Zed",
]
LAST = [
    "Abara",
    "Brooks",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fraser",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Mensah",
    "Novak",
    "Okafor",
    "Patel",
    "Quinn",
    "Rossi",
    "Silva",
    "Tanaka",
    "Ueda",
    "Varga",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zhou",
]
THERAPISTS = ["Dr. M. Alder", "Dr. R. Bloom", "J. Carver, MFT", "Dr. S. Dane", "L. Ellis, UKCP"]


@dataclass(frozen=True)
class Activity:
    """A kind of session a trainee of a program logs: how often per week and how long."""

    category: str
    per_week: float
    minutes: tuple[int, ...]
    group_size: tuple[int, int] | None = None
    by_supervisor: bool = False


# What a diligent trainee of each demo program logs in a typical week.
ACTIVITIES: dict[str, tuple[Activity, ...]] = {
    "riverside-mft": (
        Activity("client_individual", 2.2, (50, 50, 60)),
        Activity("client_couple_family", 1.0, (50, 60, 75)),
        Activity("client_group", 0.4, (90,), group_size=(4, 8)),
        Activity("supervision_individual", 0.6, (60,), by_supervisor=True),
        Activity("supervision_group", 0.4, (120,), group_size=(3, 6), by_supervisor=True),
        Activity("personal_therapy", 0.3, (50,)),
    ),
    "northbridge-counselling": (
        Activity("client_individual", 1.2, (50, 60)),
        Activity("supervision_individual", 0.3, (60, 90), by_supervisor=True),
        Activity("supervision_group", 0.1, (120,), group_size=(3, 6), by_supervisor=True),
        Activity("personal_therapy", 0.5, (50, 60)),
    ),
    "harbour-analytic": (
        Activity("training_analysis", 3.4, (50,)),
        Activity("client_individual", 2.0, (50,)),
        Activity("supervision_individual", 0.95, (60,), by_supervisor=True),
    ),
}
DURATION_YEARS = {"riverside-mft": 3, "northbridge-counselling": 3, "harbour-analytic": 4}

# Share of trainees and how much of the expected activity they actually log.
PROFILES: tuple[tuple[str, float, float], ...] = (
    ("steady", 0.55, 1.05),
    ("slipping", 0.2, 0.82),
    ("struggling", 0.15, 0.55),
    ("on_leave", 0.1, 0.95),
)


# The trend chart's history: the engine runs once per enrollment and past week (about 20 ms
# each with the demo programs), so 12 weeks add some 15 s to the 60-trainee demo, and 26 weeks
# twice that. Skipped for scale datasets (`make bench`, 2,000 trainees), which would spend
# minutes on it and measure nothing that uses it.
HISTORY_WEEKS = 12
HISTORY_MAX_TRAINEES = 200


class Command(BaseCommand):
    intensity = 1.0
    help = "Create a realistic, deterministic demo institution (several programs, cohorts, trainees, sessions)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--trainees", type=int, default=60)
        parser.add_argument(
            "--years", type=int, default=3, help="How many years of intakes and sessions."
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--today", type=date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if demo data already exists."
        )
        parser.add_argument(
            "--intensity",
            type=float,
            default=1.0,
            help="Scale how much every trainee logs (benchmarks use about 2 for a million sessions).",
        )
        parser.add_argument(
            "--history-weeks",
            type=int,
            help=f"Weeks of weekly status history for the trend chart (default {HISTORY_WEEKS}, or "
            f"0 above {HISTORY_MAX_TRAINEES} trainees: the engine runs once per enrollment and week).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").exists():
            self.stdout.write("Demo data already present; nothing to do.")
            self._print_logins()
            return
        started = time.monotonic()
        today = options["today"] or timezone.localdate()
        # Seeded, so a demo can be made again exactly; nothing secret comes from it.
        rng = random.Random(options["seed"])  # noqa: S311
        with transaction.atomic():
            programs = self._load_programs()
            people = self._staff(programs, max(3, options["trainees"] // 15))
            self.intensity = options["intensity"]
            count = self._trainees(
                rng, programs, people, options["trainees"], options["years"], today
            )
        self.stdout.write(f"Created {options['trainees']} trainees and {count} sessions.")
        refreshed = snapshots_refresh_all(workers=os.cpu_count() or 1)
        self.stdout.write(
            f"Computed {refreshed} compliance snapshots in {time.monotonic() - started:.1f} s."
        )
        weeks = options["history_weeks"]
        if weeks is None:
            weeks = HISTORY_WEEKS if options["trainees"] <= HISTORY_MAX_TRAINEES else 0
        if weeks > 0:
            # Counted back from the real today, where the snapshots are: from --today, a date in
            # the past would add the weeks since then to the bill.
            history = weekly_statuses_backfill(since=timezone.localdate() - timedelta(weeks=weeks))
            history += weekly_statuses_record()
            self.stdout.write(f"Recorded {history} weekly statuses ({weeks} weeks of history).")
        self._print_logins()

    def _load_programs(self) -> list[Program]:
        programs = []
        for path in sorted(DEMO_DIR.glob("*.yaml")):
            document = read_program_file(path, vocabulary=category_vocabulary())
            programs.append(program_load(document=document).program)
        return programs

    def _user(self, email: str, name: str, *, password: bool = False, staff: bool = False) -> User:
        user, _ = User.objects.get_or_create(
            email=email,
            defaults={
                "full_name": name,
                "is_staff": staff,
                "is_superuser": staff,
                "password": make_password(DEMO_PASSWORD) if password else make_password(None),
            },
        )
        return user

    def _staff(self, programs: list[Program], supervisors: int) -> dict[str, list[User]]:
        self._user(f"admin@{DEMO_DOMAIN}", "Site Administrator", password=True, staff=True)
        people: dict[str, list[User]] = {}
        for index, program in enumerate(programs):
            director = self._user(
                f"director.{program.slug}@{DEMO_DOMAIN}",
                f"{FIRST[index]} {LAST[-index - 1]} (director)",
                password=True,
            )
            ProgramRole.objects.get_or_create(
                program=program, user=director, role=ProgramRole.Role.DIRECTOR
            )
            supervisors_of_program = []
            for n in range(max(1, supervisors // len(programs))):
                supervisor = self._user(
                    f"supervisor{n + 1}.{program.slug}@{DEMO_DOMAIN}",
                    f"{FIRST[(n * 7 + index) % len(FIRST)]} {LAST[(n * 3 + index) % len(LAST)]}",
                    password=n == 0,
                )
                ProgramRole.objects.get_or_create(
                    program=program, user=supervisor, role=ProgramRole.Role.SUPERVISOR
                )
                supervisors_of_program.append(supervisor)
            people[program.slug] = [director, *supervisors_of_program]
        return people

    def _trainees(
        self,
        rng: random.Random,
        programs: list[Program],
        people: dict[str, list[User]],
        how_many: int,
        years: int,
        today: date,
    ) -> int:
        categories = dict(ActivityCategory.objects.values_list("key", "id"))
        verification = {
            (pc.program_id, pc.category.key): pc.verification
            for pc in ProgramCategory.objects.select_related("category")
        }
        cohorts: dict[tuple[int, int], Cohort] = {}
        for program in programs:
            for back in range(years):
                start = date(today.year - back - (1 if today.month < 9 else 0), 9, 1)
                cohort, _ = Cohort.objects.get_or_create(
                    program=program,
                    slug=f"intake-{start.year}",
                    defaults={"name": f"{start.year} intake", "starts_on": start},
                )
                cohorts[(program.pk, back)] = cohort

        hasher_password = make_password(DEMO_PASSWORD)
        unusable = make_password(None)
        users = [
            User(
                email=f"trainee{n + 1}@{DEMO_DOMAIN}",
                full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                password=hasher_password if n < len(programs) else unusable,
            )
            for n in range(how_many)
        ]
        User.objects.bulk_create(users, batch_size=BATCH)
        users = list(User.objects.filter(email__in=[u.email for u in users]).order_by("pk"))
        trainees = Trainee.objects.bulk_create(
            [Trainee(user=u, external_id=f"S{100000 + n}") for n, u in enumerate(users)],
            batch_size=BATCH,
        )

        plans = []
        enrollments = []
        for n, trainee in enumerate(trainees):
            program = programs[n % len(programs)]
            back = rng.randrange(years)
            cohort = cohorts[(program.pk, back)]
            assert cohort.starts_on is not None
            start = cohort.starts_on
            end = start.replace(
                year=start.year + max(DURATION_YEARS[program.slug], years + 1)
            ) - timedelta(days=1)
            profile = self._profile(rng)
            status = Enrollment.Status.ACTIVE
            leave = None
            if profile == "on_leave" and (today - start).days > 120:
                leave_start = today - timedelta(days=rng.randrange(10, 60))
                leave = (
                    leave_start,
                    min(end, leave_start + timedelta(days=rng.randrange(60, 150))),
                )
                status = Enrollment.Status.ON_LEAVE
            enrollments.append(
                Enrollment(
                    trainee=trainee,
                    program=program,
                    cohort=cohort,
                    requirement_set=program.requirement_sets.order_by("-version").first(),
                    start_date=start,
                    expected_end_date=end,
                    status=status,
                )
            )
            plans.append((program, profile, leave))
        Enrollment.objects.bulk_create(enrollments, batch_size=BATCH)
        LeaveOfAbsence.objects.bulk_create(
            [
                LeaveOfAbsence(
                    enrollment=e, start_date=leave[0], end_date=leave[1], reason="Parental leave"
                )
                for e, (_, _, leave) in zip(enrollments, plans, strict=True)
                if leave
            ]
        )
        assignments = []
        supervisor_of: dict[int, User] = {}
        for e, (program, _, _) in zip(enrollments, plans, strict=True):
            supervisor = rng.choice(people[program.slug][1:])
            supervisor_of[e.pk] = supervisor
            assignments.append(
                SupervisorAssignment(enrollment=e, supervisor=supervisor, starts_on=e.start_date)
            )
        SupervisorAssignment.objects.bulk_create(assignments, batch_size=BATCH)

        created = 0
        pending: list[Session] = []
        now = datetime.now(UTC)
        for e, (program, profile, leave) in zip(enrollments, plans, strict=True):
            rate = {name: r for name, _, r in PROFILES}[profile] * rng.uniform(0.9, 1.1)
            director = people[program.slug][0]
            for session in self._sessions(
                rng,
                e,
                program,
                rate,
                leave,
                today,
                categories,
                verification,
                supervisor_of[e.pk],
                director,
                now,
            ):
                pending.append(session)
                if len(pending) >= BATCH:
                    Session.objects.bulk_create(pending)
                    created += len(pending)
                    pending = []
        Session.objects.bulk_create(pending)
        return created + len(pending)

    @staticmethod
    def _profile(rng: random.Random) -> str:
        roll = rng.random()
        for name, share, _ in PROFILES:
            if roll < share:
                return name
            roll -= share
        return PROFILES[0][0]

    def _sessions(
        self,
        rng: random.Random,
        enrollment: Enrollment,
        program: Program,
        rate: float,
        leave: tuple[date, date] | None,
        today: date,
        categories: dict[str, int],
        verification: dict[tuple[int, str], str],
        supervisor: User,
        director: User,
        now: datetime,
    ) -> list[Session]:
        sessions = []
        last = min(today, enrollment.expected_end_date)
        week = enrollment.start_date - timedelta(days=enrollment.start_date.weekday())
        therapist = rng.choice(THERAPISTS)
        while week <= last:
            for activity in ACTIVITIES[program.slug]:
                expected = activity.per_week * rate * self.intensity
                count = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
                for _ in range(count):
                    day = week + timedelta(days=rng.randrange(5))
                    if day < enrollment.start_date or day > last:
                        continue
                    if leave and leave[0] <= day <= leave[1]:
                        continue
                    sessions.append(
                        self._session(
                            rng,
                            enrollment,
                            program,
                            activity,
                            day,
                            today,
                            categories,
                            verification,
                            supervisor,
                            director,
                            therapist,
                            now,
                        )
                    )
            week += timedelta(days=7)
        return sessions

    @staticmethod
    def _session(
        rng: random.Random,
        enrollment: Enrollment,
        program: Program,
        activity: Activity,
        day: date,
        today: date,
        categories: dict[str, int],
        verification: dict[tuple[int, str], str],
        supervisor: User,
        director: User,
        therapist: str,
        now: datetime,
    ) -> Session:
        mode = verification[(program.pk, activity.category)]
        age = (today - day).days
        roll = rng.random()
        if mode == "self_report":
            status = "draft" if age < 7 and roll < 0.3 else "submitted"
        elif age > 14:
            status = "verified" if roll < 0.94 else ("rejected" if roll < 0.97 else "submitted")
        else:
            status = "verified" if roll < 0.25 else ("submitted" if roll < 0.75 else "draft")
        verified_by = None
        if status == "verified":
            # Attested categories are verified by the director who accepted the attestation.
            verified_by = director if mode == "attestation" else supervisor
        group = activity.group_size is not None
        at = datetime.combine(day, clock(rng.randrange(8, 19), rng.choice((0, 15, 30, 45))))
        private = activity.category in ("personal_therapy", "training_analysis")
        return Session(
            trainee_id=enrollment.trainee_id,
            date=day,
            start_time=at.time(),
            duration_minutes=rng.choice(activity.minutes),
            category_id=categories[activity.category],
            format="group" if group else "individual",
            group_size=rng.randint(*activity.group_size) if activity.group_size else None,
            modality=rng.choice(("in_person", "in_person", "in_person", "video", "phone")),
            provider=supervisor if activity.by_supervisor else None,
            provider_name=therapist if private else "",
            notes="Worked on my reaction to a difficult client."
            if private and rng.random() < 0.2
            else "",
            status=status,
            submitted_at=now if status != "draft" else None,
            verified_by=verified_by,
            verified_at=now if verified_by else None,
            rejection_reason="Date does not match the supervision log."
            if status == "rejected"
            else "",
        )

    def _print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password: {DEMO_PASSWORD}):")
        self.stdout.write(f"  site admin:  admin@{DEMO_DOMAIN}")
        for program in Program.objects.order_by("slug"):
            self.stdout.write(
                f"  director of {program.slug}: director.{program.slug}@{DEMO_DOMAIN}"
            )
            self.stdout.write(
                f"  supervisor in {program.slug}: supervisor1.{program.slug}@{DEMO_DOMAIN}"
            )
        self.stdout.write(f"  trainees: trainee1@{DEMO_DOMAIN} .. trainee3@{DEMO_DOMAIN}")
