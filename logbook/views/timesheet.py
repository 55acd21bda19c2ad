"""The weekly timesheet: categories by the days of one ISO week."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.models import User
from logbook.forms import week_parameter
from trainees.decorators import trainee_view
from trainees.models import Trainee
from trainees.selectors.dashboard import timesheet_rows, user_today
from trainees.services.timesheet import CellChange, timesheet_save

CELL_INVALID = "Enter whole minutes (0 to remove a draft)."


def _iso_week(day: object) -> str:
    year, week, _ = day.isocalendar()  # type: ignore[attr-defined]
    return f"{year}-W{week:02d}"


@trainee_view
def timesheet(request: HttpRequest, user: User, trainee: Trainee) -> HttpResponse:
    today = user_today(user)
    monday = week_parameter(request.GET.get("week") or request.POST.get("week"), today)
    rows = timesheet_rows(user=user, trainee=trainee, monday=monday)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        changes = []
        for row in rows:
            for cell in row.cells:
                if not cell.editable or cell.field_name not in request.POST:
                    continue
                raw = request.POST[cell.field_name].strip()
                try:
                    minutes = int(raw) if raw else 0
                except ValueError:
                    errors[f"{cell.category.pk}:{cell.day.isoformat()}"] = [CELL_INVALID]
                    continue
                if minutes != (cell.draft_minutes or 0):
                    changes.append(
                        CellChange(category_id=cell.category.pk, date=cell.day, minutes=minutes)
                    )
        if not errors:
            try:
                outcome = timesheet_save(trainee=trainee, actor=user, changes=changes)
            except ValidationError as error:
                errors = error.message_dict
            else:
                messages.success(
                    request,
                    f"Timesheet saved: {outcome.logged} new, {outcome.updated} changed, "
                    f"{outcome.withdrawn} removed drafts.",
                )
                return redirect(f"{reverse('logbook:timesheet')}?week={_iso_week(monday)}")
    days = [monday + timedelta(days=i) for i in range(7)]
    return render(
        request,
        "logbook/timesheet.html",
        {
            "rows": rows,
            "days": days,
            "week": _iso_week(monday),
            "previous": _iso_week(monday - timedelta(days=7)),
            "next": _iso_week(monday + timedelta(days=7)),
            "this_week": _iso_week(today),
            "errors": {
                f"cell-{key.replace(':', '-')}": messages_ for key, messages_ in errors.items()
            },
            "posted": request.POST if errors else None,
            "today": today,
        },
    )
