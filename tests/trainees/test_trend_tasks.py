from datetime import date
from io import StringIO

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core.management import CommandError, call_command

from config.celery import app
from trainees.models import WeeklyStatus
from trainees.services.compliance import snapshots_refresh
from trainees.tasks import weekly_statuses_record


def test_weekly_statuses_are_recorded_nightly_after_the_snapshot_refresh():
    app.loader.import_default_modules()
    entries = {e["task"]: e["schedule"] for e in settings.CELERY_BEAT_SCHEDULE.values()}

    record = entries["trainees.tasks.weekly_statuses_record"]
    refresh = entries["trainees.tasks.snapshots_refresh_all"]

    assert "trainees.tasks.weekly_statuses_record" in app.tasks
    assert record == crontab(hour=3, minute=15)
    assert min(record.hour) > max(refresh.hour)


@pytest.mark.django_db
def test_the_task_upserts_this_weeks_rows_and_is_safe_to_run_again(enrollment, other_trainee):
    enrollments = [enrollment, other_trainee.enrollments.get()]
    with time_machine.travel("2026-06-16 03:15:00+00:00", tick=False):  # Tuesday
        snapshots_refresh(enrollments=enrollments)

        first = weekly_statuses_record.delay().get()
        rows = sorted(WeeklyStatus.objects.values_list("enrollment", "week_start", "as_of"))
        second = weekly_statuses_record.delay().get()

    assert (first, second) == (2, 2)
    assert rows == sorted((e.pk, date(2026, 6, 15), date(2026, 6, 16)) for e in enrollments)
    assert sorted(WeeklyStatus.objects.values_list("enrollment", "week_start", "as_of")) == rows

    # the next night moves the same rows forward to the latest snapshot
    with time_machine.travel("2026-06-17 03:15:00+00:00", tick=False):
        snapshots_refresh(enrollments=enrollments)
        weekly_statuses_record.delay().get()

    assert sorted(WeeklyStatus.objects.values_list("enrollment", "week_start", "as_of")) == sorted(
        (e.pk, date(2026, 6, 15), date(2026, 6, 17)) for e in enrollments
    )


@pytest.mark.django_db
def test_the_command_backfills_then_records(enrollment, other_program, frozen_today):
    snapshots_refresh(enrollments=[enrollment])
    out = StringIO()

    call_command(
        "record_weekly_statuses",
        "--backfill-since=2026-05-25",
        "--program=riverside-mft",
        stdout=out,
    )

    # weeks of 25 May and 1 and 8 June computed; this week (15 June) copied from the snapshot
    assert out.getvalue() == (
        "Backfilled 3 weekly status(es).\nRecorded 1 weekly status(es) for the current week.\n"
    )
    assert list(WeeklyStatus.objects.values_list("week_start", "as_of")) == [
        (date(2026, 5, 25), date(2026, 5, 31)),
        (date(2026, 6, 1), date(2026, 6, 7)),
        (date(2026, 6, 8), date(2026, 6, 14)),
        (date(2026, 6, 15), date(2026, 6, 15)),
    ]


@pytest.mark.django_db
def test_the_command_names_an_unknown_program(enrollment, frozen_today):
    with pytest.raises(CommandError, match="--program: no program with the slug 'nowhere'"):
        call_command("record_weekly_statuses", program="nowhere", stdout=StringIO())
    assert not WeeklyStatus.objects.exists()


@pytest.mark.django_db
def test_seed_demo_gives_the_trend_chart_12_weeks_of_history(frozen_today):
    out = StringIO()

    call_command("seed_demo", trainees=6, years=2, seed=3, today=date(2026, 6, 15), stdout=out)

    # 12 ended weeks from the week of 23 March, and the current week
    weeks = sorted(set(WeeklyStatus.objects.values_list("week_start", flat=True)))
    assert (weeks[0], weeks[-1], len(weeks)) == (date(2026, 3, 23), date(2026, 6, 15), 13)
    assert "weekly statuses (12 weeks of history)" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("history_weeks", "weeks"),
    [
        (None, []),
        (2, [date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 15)]),
    ],
)
def test_seed_demo_skips_the_history_for_scale_datasets_unless_asked(
    monkeypatch, frozen_today, history_weeks, weeks
):
    from trainees.management.commands import seed_demo

    # given: a dataset "too big" for the default history
    monkeypatch.setattr(seed_demo, "HISTORY_MAX_TRAINEES", 2)

    call_command(
        "seed_demo",
        trainees=3,
        years=1,
        today=date(2026, 6, 15),
        history_weeks=history_weeks,
        stdout=StringIO(),
    )

    assert sorted(set(WeeklyStatus.objects.values_list("week_start", flat=True))) == weeks
