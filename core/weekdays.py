"""Days of the week, Monday first (index 0), as Python's `date.weekday()` and ISO weeks count."""

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_CHOICES = [(i, name.capitalize()) for i, name in enumerate(WEEKDAYS)]
