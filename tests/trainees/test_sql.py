"""Each hand-written statement (trainees/sql.py) gives what its plain ORM version gives."""

from datetime import date, timedelta

import pytest
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from programs.models import ActivityCategory, ProgramCategory
from tests.factories import EnrollmentFactory, TraineeFactory
from trainees.models import Enrollment, SnapshotRefreshRequest, Trainee
from trainees.sql import covering_enrollments_use, refresh_request_move, trainee_of_user_locked

pytestmark = pytest.mark.django_db


def test_the_trainee_of_a_user_is_the_row_the_orm_finds(trainee, supervisor):
    found = trainee_of_user_locked(trainee.user_id)

    assert found is not None
    assert (found.pk, found.user_id, found.external_id) == Trainee.objects.filter(
        user_id=trainee.user_id
    ).values_list("pk", "user_id", "external_id").get()
    assert trainee_of_user_locked(supervisor.pk) is None


def _orm_covering_use(trainee_id: int, on: date, category_id: int) -> list[bool]:
    uses = ProgramCategory.objects.filter(program=OuterRef("program"), category_id=category_id)
    return list(
        Enrollment.objects.filter(trainee_id=trainee_id, start_date__lte=on)
        .filter(Q(ended_on__gte=on) | Q(ended_on__isnull=True, expected_end_date__gte=on))
        .annotate(uses=Exists(uses))
        .order_by()
        .values_list("uses", flat=True)
    )


def test_covering_enrollments_use_the_category_as_the_orm_says(enrollment, program):
    trainee = enrollment.trainee
    ended = EnrollmentFactory(
        trainee=trainee,
        start_date=enrollment.start_date - timedelta(days=400),
        expected_end_date=enrollment.start_date - timedelta(days=30),
    )
    used = ProgramCategory.objects.filter(program=program).values_list("category_id", flat=True)
    unused = ActivityCategory.objects.exclude(pk__in=list(used)).first()
    assert unused is not None
    days = [
        enrollment.start_date,
        enrollment.start_date - timedelta(days=1),
        ended.start_date + timedelta(days=10),
        enrollment.expected_end_date,
        enrollment.expected_end_date + timedelta(days=1),
    ]
    for day in days:
        for category_id in (used[0], unused.pk):
            assert sorted(
                covering_enrollments_use(trainee_id=trainee.pk, on=day, category_id=category_id)
            ) == sorted(_orm_covering_use(trainee.pk, day, category_id)), (day, category_id)


def test_moving_a_refresh_request_updates_what_the_orm_would():
    trainee, other = TraineeFactory(), TraineeFactory()
    earlier = timezone.now() - timedelta(minutes=5)
    SnapshotRefreshRequest.objects.create(trainee=trainee, requested_at=earlier)
    now = timezone.now()

    assert refresh_request_move(trainee_id=trainee.pk, now=now) is True
    assert refresh_request_move(trainee_id=other.pk, now=now) is False
    assert SnapshotRefreshRequest.objects.get(trainee=trainee).requested_at == now
    assert not SnapshotRefreshRequest.objects.filter(trainee=other).exists()
