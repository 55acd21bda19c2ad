"""The compliance overview: the "behind and at risk" list, then the filterable matrix."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from programs.models import Program
from staff.forms import OverviewFilterForm
from staff.views.common import program_view
from trainees.selectors.overview import (
    OverviewFilters,
    attention_count,
    behind_and_at_risk,
    compliance_overview,
    program_cohorts,
    program_supervisors,
    requirement_columns,
    status_counts,
)


def overview_filters(
    request: HttpRequest, program: Program
) -> tuple[OverviewFilterForm, OverviewFilters]:
    columns = requirement_columns(program=program)
    form = OverviewFilterForm(
        request.GET or None,
        cohorts=[(c.slug, c.name) for c in program_cohorts(program=program)],
        requirements=[(c.key, c.name) for c in columns],
        supervisors=[(u.pk, u.get_full_name()) for u in program_supervisors(program=program)],
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = OverviewFilters(
            cohort=data["cohort"] or "",
            status=data["status"] or "",
            requirement=data["requirement"] or "",
            supervisor=data["supervisor"],
            search=data["q"] or "",
            enrollments=data["enrollments"] or "open",
            sort=data["sort"] or "name",
        )
    else:
        filters = OverviewFilters()
    return form, filters


@program_view
def overview(request: HttpRequest, user: User, program: Program) -> HttpResponse:
    form, filters = overview_filters(request, program)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/overview.html",
        {
            "program": program,
            "form": form,
            "overview": compliance_overview(
                program=program, filters=filters, page_number=request.GET.get("page")
            ),
            "attention": behind_and_at_risk(program=program),
            "attention_total": attention_count(program=program),
            "counts": status_counts(program=program),
            "query": query.urlencode(),
        },
    )
