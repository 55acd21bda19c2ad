"""The models that moved to accounts, reminders and confirmations leave trainees' state.

State only: no table is dropped or changed (see accounts/0004, reminders/0002,
confirmations/0001).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reminders', '0002_notification_preference_from_trainees'),
        ('accounts', '0004_invitations_and_sign_in_records_from_trainees'),
        ('confirmations', '0001_initial'),
        ('trainees', '0011_weekly_status_history'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='externalconfirmationitem',
                    name='request',
                ),
                migrations.RemoveField(
                    model_name='externalconfirmationitem',
                    name='session',
                ),
                migrations.RemoveField(
                    model_name='externalconfirmationrequest',
                    name='sessions',
                ),
                migrations.RemoveField(
                    model_name='externalconfirmationrequest',
                    name='category',
                ),
                migrations.RemoveField(
                    model_name='externalconfirmationrequest',
                    name='trainee',
                ),
                migrations.AlterField(
                    model_name='historicalsession',
                    name='external_confirmation',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='confirmations.externalconfirmationrequest'),
                ),
                migrations.AlterField(
                    model_name='session',
                    name='external_confirmation',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='verified_sessions', to='confirmations.externalconfirmationrequest'),
                ),
                migrations.RemoveField(
                    model_name='historicalexternalconfirmationrequest',
                    name='category',
                ),
                migrations.RemoveField(
                    model_name='historicalexternalconfirmationrequest',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalexternalconfirmationrequest',
                    name='trainee',
                ),
                migrations.RemoveField(
                    model_name='invitation',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='invitation',
                    name='enrollment',
                ),
                migrations.DeleteModel(
                    name='LoginAttempt',
                ),
                migrations.RemoveField(
                    model_name='notificationpreference',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='ExternalConfirmationItem',
                ),
                migrations.DeleteModel(
                    name='ExternalConfirmationRequest',
                ),
                migrations.DeleteModel(
                    name='HistoricalExternalConfirmationRequest',
                ),
                migrations.DeleteModel(
                    name='Invitation',
                ),
                migrations.DeleteModel(
                    name='NotificationPreference',
                ),
            ],
            database_operations=[],
        ),
    ]
