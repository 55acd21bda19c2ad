"""Weekly status history: recording, backfilling, and the per-cohort shares read from it."""

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
import time_machine
from django.db import IntegrityError, transaction

from tests.factories import (
    SIMPLE_DEFINITION,
    CohortFactory,
    EnrollmentFactory,
    ProgramFactory,
    RequirementSetFactory,
    SessionFactory,
)
from trainees.models import WeeklyStatus
from trainees.selectors.compliance import enrollments_compliance
from trainees.selectors.trend_chart import trend_charts
from trainees.selectors.trends import (
    ON_TRACK_STATUSES,
    CohortTrend,
    TrendWeek,
    cohort_trends,
    weekly_history_start,
)
from trainees.services.compliance import snapshots_refresh
from trainees.services.trends import (
    WEEK_NOT_MONDAY,
    weekly_statuses_backfill,
    weekly_statuses_record,
)

pytestmark = pytest.mark.django_db

START = date(2026, 1, 5)  # a Monday
# 52 h over the 364 days from START to 3 Jan 2027: expected by the end of week k is k hours.
ONE_HOUR_A_WEEK = {
    **SIMPLE_DEFINITION,
    "requirements": [{**SIMPLE_DEFINITION["requirements"][0], "minimum": 52}],
}


def week(k: int) -> date:
    """The Monday of the k-th week of the enrollments below (week 1 starts on START)."""
    return START + timedelta(weeks=k - 1)


@pytest.fixture
def paced_program(db):
    program = ProgramFactory(slug="paced")
    RequirementSetFactory(program=program, definition=ONE_HOUR_A_WEEK)
    return program


@pytest.fixture
def paced(paced_program, supervisor):
    """Three trainees whose weekly status is known by hand (expected by week k's Sunday: k h).

    early: 10 h in week 1, so on track while 10 h ≥ 0.9·k h (weeks 1-11), at risk while
    10 h ≥ 0.75·k h (weeks 12-13), then behind. idle: nothing; not started for the 28 grace days
    (weeks 1-4, whose Sundays are 6..27 days in), then behind. done: all 52 h in week 2 (6 days
    of 8 h 40 min), so not started in week 1 and met from week 2.
    """

    def enroll(sessions: list[tuple[date, int]]):
        enrollment = EnrollmentFactory(program=paced_program, start_date=START)
        for day, minutes in sessions:
            SessionFactory(
                trainee=enrollment.trainee,
                date=day,
                duration_minutes=minutes,
                status="verified",
                verified_by=supervisor,
                verified_at=datetime(2026, 3, 1, tzinfo=UTC),
            )
        return enrollment

    return {
        "early": enroll([(date(2026, 1, 6), 600)]),
        "idle": enroll([]),
        "done": enroll([(date(2026, 1, day), 520) for day in range(12, 18)]),
    }


def expected_statuses(weeks: int) -> dict[str, list[str]]:
    return {
        "early": ["on_track"] * 11 + ["at_risk"] * 2 + ["behind"] * (weeks - 13),
        "idle": ["not_started"] * 4 + ["behind"] * (weeks - 4),
        "done": ["not_started"] + ["met"] * (weeks - 1),
    }


def recorded(enrollments) -> dict[str, list[str]]:
    return {
        name: list(
            WeeklyStatus.objects.filter(enrollment=e)
            .order_by("week_start")
            .values_list("status", flat=True)
        )
        for name, e in enrollments.items()
    }


# Backfill


def test_backfill_computes_each_ended_week_as_of_its_sunday(paced, frozen_today):
    # when: today is Monday 15 June 2026, so the last ended week is that of 8 June (week 23)
    computed = weekly_statuses_backfill(since=START)

    # then
    assert computed == 3 * 23
    assert recorded(paced) == expected_statuses(23)
    rows = WeeklyStatus.objects.filter(enrollment=paced["early"]).order_by("week_start")
    assert [(r.week_start, r.as_of) for r in rows[:2]] == [
        (date(2026, 1, 5), date(2026, 1, 11)),
        (date(2026, 1, 12), date(2026, 1, 18)),
    ]
    assert rows.last().week_start == date(2026, 6, 8)


def test_backfill_agrees_with_the_reports_as_of_computation(paced, frozen_today):
    weekly_statuses_backfill(since=START)

    for k in (1, 5, 11, 12, 14, 23):
        sunday = week(k) + timedelta(days=6)
        results = enrollments_compliance(enrollments=paced.values(), as_of=sunday)
        stored = dict(
            WeeklyStatus.objects.filter(week_start=week(k)).values_list("enrollment", "status")
        )
        assert stored == {pk: result.status for pk, result in results.items()}, k


def test_backfill_fills_only_missing_weeks_and_a_second_run_computes_nothing(paced, frozen_today):
    # given: one week already recorded, with a status the engine would not give
    WeeklyStatus.objects.create(
        enrollment=paced["idle"],
        week_start=week(10),
        status="on_track",
        as_of=week(10),
        recorded_at=datetime(2026, 3, 9, tzinfo=UTC),
    )

    # when
    first = weekly_statuses_backfill(since=week(9))
    second = weekly_statuses_backfill(since=week(9))

    # then: weeks 9-23 for three enrollments, less the one that existed; it was left alone
    assert (first, second) == (3 * 15 - 1, 0)
    assert WeeklyStatus.objects.get(enrollment=paced["idle"], week_start=week(10)).status == (
        "on_track"
    )
    assert WeeklyStatus.objects.count() == 3 * 15


def test_backfill_counts_an_enrollment_only_in_the_weeks_it_was_enrolled(
    paced_program, frozen_today
):
    # given: one started on a Wednesday in week 3, one withdrew on the Tuesday of week 5
    late = EnrollmentFactory(program=paced_program, start_date=date(2026, 1, 21))
    gone = EnrollmentFactory(
        program=paced_program, start_date=START, status="withdrawn", ended_on=date(2026, 2, 3)
    )

    # when
    weekly_statuses_backfill(since=START)

    # then
    late_weeks = list(
        WeeklyStatus.objects.filter(enrollment=late).values_list("week_start", flat=True)
    )
    gone_rows = list(
        WeeklyStatus.objects.filter(enrollment=gone)
        .order_by("week_start")
        .values_list("week_start", "status")
    )
    assert (late_weeks[0], len(late_weeks)) == (week(3), 21)
    # It ended without the 52 h: behind in its last week, counted no more after it.
    assert gone_rows == [
        (week(1), "not_started"),
        (week(2), "not_started"),
        (week(3), "not_started"),
        (week(4), "not_started"),
        (week(5), "behind"),
    ]


def test_backfill_of_one_program_leaves_the_others_alone(paced, enrollment, frozen_today):
    weekly_statuses_backfill(program=paced["early"].program, since=START)

    assert not WeeklyStatus.objects.filter(enrollment=enrollment).exists()
    assert WeeklyStatus.objects.count() == 3 * 23


# Record


def test_record_copies_this_weeks_snapshot_status(paced, frozen_today):
    # given: snapshots as of Monday 15 June (week 24)
    snapshots_refresh(enrollments=paced.values())

    # when
    written = weekly_statuses_record()

    # then
    assert written == 3
    rows = WeeklyStatus.objects.order_by("enrollment").values_list(
        "enrollment", "week_start", "status", "as_of"
    )
    assert list(rows) == [
        (paced["early"].pk, date(2026, 6, 15), "behind", date(2026, 6, 15)),
        (paced["idle"].pk, date(2026, 6, 15), "behind", date(2026, 6, 15)),
        (paced["done"].pk, date(2026, 6, 15), "met", date(2026, 6, 15)),
    ]


def test_recording_twice_in_a_week_keeps_one_row_with_the_latest_status(paced, supervisor):
    def rows():
        return sorted(
            WeeklyStatus.objects.values_list("enrollment", "week_start", "status", "as_of")
        )

    # given: recorded on Monday 16 March (week 11); early is still on track
    with time_machine.travel("2026-03-16 12:00:00+00:00", tick=False):
        snapshots_refresh(enrollments=paced.values())
        weekly_statuses_record()
        monday = rows()
        assert weekly_statuses_record() == 3
        assert rows() == monday
    assert (paced["early"].pk, week(11), "on_track", date(2026, 3, 16)) in monday

    # when: by Thursday of week 12 early has slipped to at risk (694 min expected, 0.9 of it > 600)
    with time_machine.travel("2026-03-26 12:00:00+00:00", tick=False):
        snapshots_refresh(enrollments=paced.values())
        weekly_statuses_record()

    # then: week 12 has its own rows; week 11 is untouched
    assert WeeklyStatus.objects.count() == 6
    assert WeeklyStatus.objects.get(enrollment=paced["early"], week_start=week(12)).status == (
        "at_risk"
    )
    assert [r for r in rows() if r[1] == week(11)] == monday


def test_a_later_run_in_the_same_week_updates_the_row(paced, supervisor):
    with time_machine.travel("2026-03-23 12:00:00+00:00", tick=False):  # Monday, week 12
        snapshots_refresh(enrollments=paced.values())
        weekly_statuses_record()
    before = WeeklyStatus.objects.get(enrollment=paced["early"], week_start=week(12))

    with time_machine.travel("2026-03-25 09:00:00+00:00", tick=False):  # Wednesday
        SessionFactory(
            trainee=paced["early"].trainee,
            date=date(2026, 3, 24),
            duration_minutes=300,
            status="verified",
            verified_by=supervisor,
            verified_at=datetime(2026, 3, 24, tzinfo=UTC),
        )
        snapshots_refresh(enrollments=paced.values())
        weekly_statuses_record()

    after = WeeklyStatus.objects.get(enrollment=paced["early"], week_start=week(12))
    assert (before.status, before.as_of) == ("at_risk", date(2026, 3, 23))
    assert (after.pk, after.status, after.as_of) == (before.pk, "on_track", date(2026, 3, 25))
    assert after.recorded_at == datetime(2026, 3, 25, 9, tzinfo=UTC)
    assert WeeklyStatus.objects.count() == 3


def test_record_skips_a_snapshot_left_from_an_earlier_week(paced):
    with time_machine.travel("2026-06-12 12:00:00+00:00", tick=False):  # Friday, week 23
        snapshots_refresh(enrollments=paced.values())
    with time_machine.travel("2026-06-15 12:00:00+00:00", tick=False):  # Monday, week 24
        snapshots_refresh(enrollments=[paced["done"]])

        written = weekly_statuses_record()

    assert written == 1
    assert list(WeeklyStatus.objects.values_list("enrollment", "week_start")) == [
        (paced["done"].pk, date(2026, 6, 15))
    ]


def test_record_counts_enrollments_that_ended_this_week_but_not_before(paced_program, frozen_today):
    ended_today = EnrollmentFactory(
        program=paced_program, start_date=START, status="completed", ended_on=date(2026, 6, 15)
    )
    ended_last_week = EnrollmentFactory(
        program=paced_program, start_date=START, status="completed", ended_on=date(2026, 6, 14)
    )
    not_yet = EnrollmentFactory(
        program=paced_program, start_date=date(2026, 6, 22), expected_end_date=date(2027, 6, 20)
    )
    snapshots_refresh(enrollments=[ended_today, ended_last_week, not_yet])

    weekly_statuses_record()

    assert list(WeeklyStatus.objects.values_list("enrollment", flat=True)) == [ended_today.pk]


def test_record_uses_each_programs_own_today(paced):
    # given: at noon UTC on Sunday 21 June it is already Monday 22 June in Kiritimati (UTC+14),
    # and the snapshot of an enrollment there is as of that Monday
    far_east = ProgramFactory(slug="far-east", time_zone="Pacific/Kiritimati")
    there = EnrollmentFactory(program=far_east, start_date=START)
    with time_machine.travel("2026-06-21 12:00:00+00:00", tick=False):
        snapshots_refresh(enrollments=[there])
        snapshots_refresh(enrollments=paced.values())

        # when
        weekly_statuses_record()

    # then: the paced enrollments (UTC) are still in the week of 15 June

    assert sorted(WeeklyStatus.objects.values_list("enrollment", "week_start")) == [
        (paced["early"].pk, date(2026, 6, 15)),
        (paced["idle"].pk, date(2026, 6, 15)),
        (paced["done"].pk, date(2026, 6, 15)),
        (there.pk, date(2026, 6, 22)),
    ]


def test_record_refuses_a_week_that_does_not_start_on_monday(paced, frozen_today):
    with pytest.raises(ValueError, match=WEEK_NOT_MONDAY):
        weekly_statuses_record(week_start=date(2026, 6, 16))
    assert not WeeklyStatus.objects.exists()


def test_the_database_refuses_a_week_that_does_not_start_on_monday(enrollment):
    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyStatus.objects.create(
            enrollment=enrollment,
            week_start=date(2026, 6, 16),
            status="met",
            as_of=date(2026, 6, 16),
            recorded_at=datetime(2026, 6, 16, tzinfo=UTC),
        )
    assert not WeeklyStatus.objects.exists()


# Selector


def put(enrollment, monday: date, status: str) -> None:
    WeeklyStatus.objects.create(
        enrollment=enrollment,
        week_start=monday,
        status=status,
        as_of=monday + timedelta(days=6),
        recorded_at=datetime(2026, 6, 1, tzinfo=UTC),
    )


@pytest.fixture
def cohorts(program):
    """Autumn 2025 (3 trainees), Spring 2026 (2 trainees), and one trainee in no cohort."""
    autumn = CohortFactory(
        program=program, slug="autumn", name="Autumn 2025", starts_on=date(2025, 9, 1)
    )
    spring = CohortFactory(
        program=program, slug="spring", name="Spring 2026", starts_on=date(2026, 1, 5)
    )
    a1, a2, a3 = (EnrollmentFactory(program=program, cohort=autumn) for _ in range(3))
    s1, s2 = (EnrollmentFactory(program=program, cohort=spring) for _ in range(2))
    loner = EnrollmentFactory(program=program)
    for e, statuses in (
        (a1, ["on_track", "on_track"]),
        (a2, ["at_risk", "met"]),
        (a3, ["behind", "behind"]),
        (s1, ["not_started", "on_track"]),
        (s2, ["not_started", "at_risk"]),
        (loner, ["behind", "on_track"]),
    ):
        for monday, status in zip((date(2026, 6, 1), date(2026, 6, 8)), statuses, strict=True):
            put(e, monday, status)
    # Another program's rows must not count.
    put(EnrollmentFactory(program=ProgramFactory()), date(2026, 6, 1), "behind")
    return {"autumn": autumn, "spring": spring}


def test_on_track_means_no_worse_than_on_track():
    assert {"on_track", "not_started", "met"} == ON_TRACK_STATUSES


def test_shares_per_cohort_and_week(program, cohorts, django_assert_num_queries):
    with django_assert_num_queries(1):
        trends = cohort_trends(program=program)

    assert trends == (
        CohortTrend(
            slug="spring",
            name="Spring 2026",
            weeks=(
                TrendWeek(date(2026, 6, 1), trainees=2, on_track=2, at_risk=0, behind=0),
                TrendWeek(date(2026, 6, 8), trainees=2, on_track=1, at_risk=1, behind=0),
            ),
        ),
        CohortTrend(
            slug="autumn",
            name="Autumn 2025",
            weeks=(
                TrendWeek(date(2026, 6, 1), trainees=3, on_track=1, at_risk=1, behind=1),
                TrendWeek(date(2026, 6, 8), trainees=3, on_track=2, at_risk=0, behind=1),
            ),
        ),
        CohortTrend(
            slug="",
            name="No cohort",
            weeks=(
                TrendWeek(date(2026, 6, 1), trainees=1, on_track=0, at_risk=0, behind=1),
                TrendWeek(date(2026, 6, 8), trainees=1, on_track=1, at_risk=0, behind=0),
            ),
        ),
    )
    autumn = trends[1].weeks
    assert [(w.share, w.percent) for w in autumn] == [(Fraction(1, 3), 33), (Fraction(2, 3), 67)]


@pytest.mark.parametrize(
    ("on_track", "trainees", "percent"),
    [(0, 4, 0), (1, 8, 13), (1, 3, 33), (2, 3, 67), (5, 5, 100), (199, 200, 100), (1, 200, 1)],
)
def test_percent_rounds_halves_up(on_track, trainees, percent):
    week = TrendWeek(date(2026, 6, 1), trainees=trainees, on_track=on_track, at_risk=0, behind=0)
    assert week.percent == percent


def test_shares_for_one_cohort_since_a_week(program, cohorts):
    trends = cohort_trends(program=program, cohort="autumn", since=date(2026, 6, 8))

    assert trends == (
        CohortTrend(
            slug="autumn",
            name="Autumn 2025",
            weeks=(TrendWeek(date(2026, 6, 8), trainees=3, on_track=2, at_risk=0, behind=1),),
        ),
    )


def test_history_starts_with_the_programs_first_recorded_week(program, cohorts, other_program):
    assert weekly_history_start(program=program) == date(2026, 6, 1)
    assert weekly_history_start(program=other_program) is None


# Chart


def test_chart_has_a_point_per_week_on_a_shared_axis(program, cohorts):
    # given: autumn also has a week in May that spring lacks
    put(EnrollmentFactory(program=program, cohort=cohorts["autumn"]), date(2026, 5, 25), "met")

    charts = trend_charts(cohort_trends(program=program))

    spring, autumn, _ = charts
    assert [(p.x, p.y) for p in autumn.points] == [
        ("40.0", "10.0"),  # 25 May, 1 of 1 (100 %)
        ("255.0", "120.7"),  # 1 June, 1 of 3
        ("470.0", "65.3"),  # 8 June, 2 of 3
    ]
    assert [(p.x, p.y) for p in spring.points] == [("255.0", "10.0"), ("470.0", "93.0")]
    assert spring.path == "255.0,10.0 470.0,93.0"
    # Only the week of 1 June holds the 1st of a month.
    assert [(label.position, label.text) for label in autumn.x_labels] == [("255.0", "Jun 2026")]
    assert [label.text for label in autumn.y_labels] == ["0 %", "25 %", "50 %", "75 %", "100 %"]
    assert [label.position for label in autumn.y_labels] == [
        "176.0",
        "134.5",
        "93.0",
        "51.5",
        "10.0",
    ]


def test_a_years_month_labels_are_thinned_and_name_the_year_where_it_changes():
    weeks = tuple(TrendWeek(date(2025, 11, 3) + timedelta(weeks=i), 1, 1, 0, 0) for i in range(52))

    (chart,) = trend_charts((CohortTrend(slug="a", name="A", weeks=weeks),))

    # Twelve weeks hold a 1st (of December to November); every other one is kept.
    assert [label.text for label in chart.x_labels] == [
        "Dec 2025",
        "Feb 2026",
        "Apr",
        "Jun",
        "Aug",
        "Oct",
    ]
    assert chart.x_labels[0].position == f"{40 + 430 * 4 / 51:.1f}"


@pytest.mark.parametrize(
    ("first", "weeks", "labels"),
    [
        # 31 August to 6 September holds 1 September
        (date(2026, 8, 31), 2, ["Sep 2026"]),
        # three weeks inside June: the month is named once, at the start
        (date(2026, 6, 8), 3, ["Jun 2026"]),
        # one week: the only point sits mid-axis
        (date(2026, 6, 8), 1, ["Jun 2026"]),
    ],
)
def test_month_labels_of_short_spans(first, weeks, labels):
    trend = CohortTrend(
        slug="a",
        name="A",
        weeks=tuple(TrendWeek(first + timedelta(weeks=i), 2, 1, 1, 0) for i in range(weeks)),
    )

    (chart,) = trend_charts((trend,))

    assert [label.text for label in chart.x_labels] == labels
    if weeks == 1:
        assert (chart.points[0].x, chart.x_labels[0].position) == ("255.0", "255.0")


def test_no_weeks_no_charts(program):
    assert trend_charts(cohort_trends(program=program)) == ()
