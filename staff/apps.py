from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The pages of a program's staff: directors and coordinators (a program's trainees, rules,
    exports and administration) and supervisors (the countersign queue, supervisees)."""

    name = "staff"
    verbose_name = "Staff pages"
