"""What a trainee reads about who viewed their record."""

from django.db.models import QuerySet

from trainees.models import AccessLogEntry, Trainee


def access_log_for(*, trainee: Trainee) -> QuerySet[AccessLogEntry]:
    """The trainee's own entries only, newest first."""
    return AccessLogEntry.objects.filter(trainee=trainee).select_related("enrollment__program")
