from django.apps import AppConfig


class DataRightsConfig(AppConfig):
    """A trainee's rights over their data: who viewed it, a copy of all of it, erasure.

    It sits above every room that holds a trainee's data (accounts, trainees, confirmations,
    reminders), because exporting or erasing a person means visiting each of them.
    """

    name = "data_rights"
    verbose_name = "Data rights"
