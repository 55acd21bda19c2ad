"""Reminder preferences move from trainees to reminders.

State only: the table keeps its name and every row.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = ('notificationpreference',)


def _content_types_follow(apps, schema_editor):
    # Permissions and admin log entries point at content types by id: relabel the rows, so they
    # follow the models (a fresh database has none yet; Django creates them after migrating).
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="trainees", model__in=MOVED).update(app_label="reminders")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('trainees', '0011_weekly_status_history'),
        ('reminders', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_content_types_follow, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='NotificationPreference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kinds', models.JSONField(blank=True, default=list)),
                        ('hour', models.PositiveSmallIntegerField(default=16)),
                        ('weekday', models.PositiveSmallIntegerField(choices=[(0, 'Monday'), (1, 'Tuesday'), (2, 'Wednesday'), (3, 'Thursday'), (4, 'Friday'), (5, 'Saturday'), (6, 'Sunday')], default=4, help_text='0 = Monday ... 6 = Sunday.')),
                        ('time_zone', models.CharField(default='UTC', max_length=64)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='notification_preference', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'trainees_notificationpreference',
                        'constraints': [models.CheckConstraint(condition=models.Q(('hour__lte', 23)), name='notification_hour_0_23'), models.CheckConstraint(condition=models.Q(('weekday__lte', 6)), name='notification_weekday_0_6')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
