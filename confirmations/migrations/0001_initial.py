"""Confirmation by e-mailed link moves from trainees to its own app.

State only: the tables (the history table too) keep their names and every row.
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MOVED = ('externalconfirmationrequest', 'externalconfirmationitem', 'historicalexternalconfirmationrequest')


def _content_types_follow(apps, schema_editor):
    # Permissions and admin log entries point at content types by id: relabel the rows, so they
    # follow the models (a fresh database has none yet; Django creates them after migrating).
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="trainees", model__in=MOVED).update(app_label="confirmations")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('programs', '0005_two_factor_policy_change_from_accounts'),
        ('trainees', '0011_weekly_status_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_content_types_follow, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ExternalConfirmationItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('fingerprint', models.CharField(max_length=64)),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='external_confirmation_items', to='trainees.session')),
                    ],
                    options={
                        'db_table': 'trainees_externalconfirmationitem',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='ExternalConfirmationRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('confirmer_name', models.CharField(max_length=200)),
                        ('confirmer_email', models.EmailField(max_length=254)),
                        ('message', models.TextField(blank=True, max_length=2000)),
                        ('token_digest', models.CharField(blank=True, max_length=64, null=True, unique=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('expires_at', models.DateTimeField()),
                        ('emailed_at', models.DateTimeField(blank=True, null=True)),
                        ('used_at', models.DateTimeField(blank=True, null=True)),
                        ('outcome', models.CharField(blank=True, choices=[('confirmed', 'Confirmed'), ('declined', 'Declined as not accurate')], default='', max_length=16)),
                        ('confirmed_name', models.CharField(blank=True, max_length=200)),
                        ('decline_reason', models.TextField(blank=True, max_length=2000)),
                        ('confirmer_ip', models.GenericIPAddressField(blank=True, null=True)),
                        ('confirmer_user_agent', models.CharField(blank=True, max_length=255)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('trainee_notified_at', models.DateTimeField(blank=True, null=True)),
                        ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programs.activitycategory')),
                        ('sessions', models.ManyToManyField(related_name='+', through='confirmations.ExternalConfirmationItem', to='trainees.session')),
                        ('trainee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='external_confirmations', to='trainees.trainee')),
                    ],
                    options={
                        'db_table': 'trainees_externalconfirmationrequest',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.AddField(
                    model_name='externalconfirmationitem',
                    name='request',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='items', to='confirmations.externalconfirmationrequest'),
                ),
                migrations.CreateModel(
                    name='HistoricalExternalConfirmationRequest',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('confirmer_name', models.CharField(max_length=200)),
                        ('confirmer_email', models.EmailField(max_length=254)),
                        ('message', models.TextField(blank=True, max_length=2000)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('expires_at', models.DateTimeField()),
                        ('emailed_at', models.DateTimeField(blank=True, null=True)),
                        ('used_at', models.DateTimeField(blank=True, null=True)),
                        ('outcome', models.CharField(blank=True, choices=[('confirmed', 'Confirmed'), ('declined', 'Declined as not accurate')], default='', max_length=16)),
                        ('confirmed_name', models.CharField(blank=True, max_length=200)),
                        ('decline_reason', models.TextField(blank=True, max_length=2000)),
                        ('confirmer_ip', models.GenericIPAddressField(blank=True, null=True)),
                        ('confirmer_user_agent', models.CharField(blank=True, max_length=255)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('trainee_notified_at', models.DateTimeField(blank=True, null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('category', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programs.activitycategory')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('trainee', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='trainees.trainee')),
                    ],
                    options={
                        'verbose_name': 'historical external confirmation request',
                        'verbose_name_plural': 'historical external confirmation requests',
                        'db_table': 'trainees_historicalexternalconfirmationrequest',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.AddIndex(
                    model_name='externalconfirmationrequest',
                    index=models.Index(fields=['trainee', 'created_at'], name='extconf_trainee_created'),
                ),
                migrations.AddConstraint(
                    model_name='externalconfirmationrequest',
                    constraint=models.CheckConstraint(condition=models.Q(('used_at__isnull', True), ('revoked_at__isnull', True), _connector='OR'), name='extconf_not_both_used_and_revoked'),
                ),
                migrations.AddConstraint(
                    model_name='externalconfirmationrequest',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('outcome', ''), ('used_at__isnull', True)), models.Q(('outcome__in', ['confirmed', 'declined']), ('used_at__isnull', False)), _connector='OR'), name='extconf_used_iff_outcome'),
                ),
                migrations.AddConstraint(
                    model_name='externalconfirmationrequest',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('outcome', 'confirmed'), _negated=True), models.Q(('confirmed_name', ''), _negated=True), _connector='OR'), name='extconf_confirmed_has_name'),
                ),
                migrations.AddConstraint(
                    model_name='externalconfirmationrequest',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('outcome', 'declined'), _negated=True), models.Q(('decline_reason', ''), _negated=True), _connector='OR'), name='extconf_declined_has_reason'),
                ),
                migrations.AddConstraint(
                    model_name='externalconfirmationrequest',
                    constraint=models.CheckConstraint(condition=models.Q(('expires_at__gt', models.F('created_at'))), name='extconf_expires_after_creation'),
                ),
                migrations.AddConstraint(
                    model_name='externalconfirmationrequest',
                    constraint=models.CheckConstraint(condition=models.Q(('used_at__isnull', True), ('emailed_at__isnull', False), _connector='OR'), name='extconf_used_only_after_emailed'),
                ),
                migrations.AddConstraint(
                    model_name='externalconfirmationitem',
                    constraint=models.UniqueConstraint(fields=('request', 'session'), name='extconf_item_once'),
                ),
            ],
            database_operations=[],
        ),
    ]
