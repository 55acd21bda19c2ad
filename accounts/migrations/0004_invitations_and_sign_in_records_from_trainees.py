"""Invitations and failed sign-ins move from trainees to accounts; TwoFactorPolicyChange leaves
for programs (programs/0005).

State only: the tables keep their names and every row.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = ('invitation', 'loginattempt')


def _content_types_follow(apps, schema_editor):
    # Permissions and admin log entries point at content types by id: relabel the rows, so they
    # follow the models (a fresh database has none yet; Django creates them after migrating).
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="trainees", model__in=MOVED).update(app_label="accounts")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('programs', '0005_two_factor_policy_change_from_accounts'),
        ('accounts', '0003_two_factor_policy_change'),
        ('trainees', '0011_weekly_status_history'),
    ]

    operations = [
        migrations.RunPython(_content_types_follow, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254)),
                        ('nonce_digest', models.CharField(max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('expires_at', models.DateTimeField()),
                        ('accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('enrollment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='trainees.enrollment')),
                    ],
                    options={
                        'db_table': 'trainees_invitation',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='LoginAttempt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.CharField(max_length=254)),
                        ('ip_address', models.GenericIPAddressField(blank=True, null=True)),
                        ('attempted_at', models.DateTimeField(db_index=True)),
                    ],
                    options={
                        'db_table': 'trainees_loginattempt',
                        'indexes': [models.Index(fields=['email', 'ip_address', 'attempted_at'], name='login_attempt_lookup')],
                    },
                ),
                migrations.DeleteModel(
                    name='TwoFactorPolicyChange',
                ),
                migrations.AddConstraint(
                    model_name='invitation',
                    constraint=models.CheckConstraint(condition=models.Q(('accepted_at__isnull', True), ('revoked_at__isnull', True), _connector='OR'), name='invitation_not_both_accepted_and_revoked'),
                ),
            ],
            database_operations=[],
        ),
    ]
