"""The cohort trend page: the share of trainees on track, week by week, per cohort."""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from programs.models import Program
from staff.forms import DEFAULT_PERIOD, PERIODS, TrendFilterForm
from staff.views.common import program_view
from trainees.selectors.compliance import program_today
from trainees.selectors.overview import program_cohorts
from trainees.selectors.trend_chart import trend_charts
from trainees.selectors.trends import cohort_trends, week_start_of, weekly_history_start


@program_view
def trends(request: HttpRequest, user: User, program: Program) -> HttpResponse:
    cohorts = list(program_cohorts(program=program))
    form = TrendFilterForm(request.GET or None, cohorts=[(c.slug, c.name) for c in cohorts])
    cohort, period = "", DEFAULT_PERIOD
    if form.is_bound and form.is_valid():
        cohort = form.cleaned_data["cohort"] or ""
        period = form.cleaned_data["period"] or DEFAULT_PERIOD
    this_week = week_start_of(program_today(program=program))
    weeks = PERIODS[period]
    since = this_week - timedelta(weeks=weeks - 1) if weeks else None
    return render(
        request,
        "staff/trends.html",
        {
            "program": program,
            "form": form,
            "charts": trend_charts(cohort_trends(program=program, cohort=cohort, since=since)),
            "history_start": weekly_history_start(program=program),
            "this_week": this_week,
        },
    )
