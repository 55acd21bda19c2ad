"""TwoFactorPolicyChange moves from accounts to programs: a program's sign-in policy log.

State only: the table keeps its name and every row.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = ('twofactorpolicychange',)


def _content_types_follow(apps, schema_editor):
    # Permissions and admin log entries point at content types by id: relabel the rows, so they
    # follow the models (a fresh database has none yet; Django creates them after migrating).
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="accounts", model__in=MOVED).update(app_label="programs")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('accounts', '0003_two_factor_policy_change'),
        ('programs', '0004_program_directors_require_two_factor'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_content_types_follow, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='program',
                    name='directors_require_two_factor',
                    field=models.BooleanField(default=False, help_text='Directors and coordinators must sign in with a second factor (an authenticator app). Changes are logged in TwoFactorPolicyChange.'),
                ),
                migrations.CreateModel(
                    name='TwoFactorPolicyChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('required', models.BooleanField()),
                        ('reason', models.CharField(max_length=300)),
                        ('changed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('changed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='two_factor_policy_changes', to='programs.program')),
                    ],
                    options={
                        'db_table': 'accounts_twofactorpolicychange',
                        'ordering': ['program', '-changed_at', '-pk'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
