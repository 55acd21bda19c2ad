"""One side of the upgrade test (tests/upgrade/test_upgrade.py), run in a process of its own on a
scratch database named by DATABASE_URL: `python -m tests.upgrade.check upgrade|fresh`.

- `upgrade`: migrate to the migrations the layout change started from, load the demo dumped by
  that layout's code (pre_layout_demo.json.gz) into the models of that time, add the content
  types it had, then migrate to today.
- `fresh`: migrate to today, then load the same rows into today's models (moved models under their
  new app labels).

Each side prints, as JSON: every table's row count by model, a digest of each moved table's rows,
the content types of the moved models, the stored snapshots, and every enrollment's compliance
computed now with today's code. The test compares the two sides, and both with the dump.
"""

import gzip
import hashlib
import json
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).with_name("pre_layout_demo.json.gz")

# The leaves of the migration graph before the layout change (commit 7ff3533).
PRE_LAYOUT = [
    ("accounts", "0003_two_factor_policy_change"),
    ("programs", "0004_program_directors_require_two_factor"),
    ("trainees", "0011_weekly_status_history"),
    ("reminders", "0001_initial"),
    ("webhooks", "0001_initial"),
    ("api", "0001_initial"),
    ("confirmations", None),
]
# Where each moved model lives now.
MOVED = {
    "trainees.invitation": "accounts.invitation",
    "trainees.loginattempt": "accounts.loginattempt",
    "trainees.notificationpreference": "reminders.notificationpreference",
    "trainees.externalconfirmationrequest": "confirmations.externalconfirmationrequest",
    "trainees.externalconfirmationitem": "confirmations.externalconfirmationitem",
    "trainees.historicalexternalconfirmationrequest": (
        "confirmations.historicalexternalconfirmationrequest"
    ),
    "accounts.twofactorpolicychange": "programs.twofactorpolicychange",
}


def rows_by_model() -> list[dict[str, Any]]:
    with gzip.open(FIXTURE, "rt") as file:
        rows: list[dict[str, Any]] = json.load(file)
    return rows


def load(apps: Any, relabel: bool) -> None:
    """Insert the dump's rows with the given app registry (historical or today's), in one
    transaction: rows refer to rows later in the dump, and foreign keys are checked at commit."""
    from django.db import transaction

    with transaction.atomic():
        _load(apps, relabel)


def _load(apps: Any, relabel: bool) -> None:
    pending_m2m: list[tuple[Any, str, list[int]]] = []
    by_model: dict[str, list[Any]] = defaultdict(list)
    order: list[str] = []
    for row in rows_by_model():
        label = MOVED.get(row["model"], row["model"]) if relabel else row["model"]
        model = apps.get_model(label)
        values: dict[str, Any] = {}
        for name, value in row["fields"].items():
            field = model._meta.get_field(name)
            if field.many_to_many:
                pending_m2m.append((model, name, [row["pk"], *value]))
            elif field.is_relation:
                values[field.attname] = value
            else:
                values[name] = field.to_python(value) if value is not None else None
        values[model._meta.pk.attname] = row["pk"]
        if label not in by_model:
            order.append(label)
        by_model[label].append(model(**values))
    for label in order:
        rows = by_model[label]
        manager = rows[0].__class__.objects
        if label == "programs.activitycategory":
            # The built-in vocabulary is made by a migration; the dump holds the same rows.
            manager.all().delete()
        # Keep the dump's timestamps: auto_now fields would stamp the load's own time.
        stamped = [
            f for f in manager.model._meta.concrete_fields if getattr(f, "auto_now", False)
        ] + [f for f in manager.model._meta.concrete_fields if getattr(f, "auto_now_add", False)]
        saved = [(f, f.auto_now, f.auto_now_add) for f in stamped]
        for field in stamped:
            field.auto_now = field.auto_now_add = False
        manager.bulk_create(rows)
        for field, now, now_add in saved:
            field.auto_now, field.auto_now_add = now, now_add
    for model, name, (pk, *targets) in pending_m2m:
        getattr(model.objects.get(pk=pk), name).set(targets)


def moved_content_types(apps: Any) -> dict[str, int]:
    content_type = apps.get_model("contenttypes", "ContentType")
    wanted = {label.split(".")[1] for label in MOVED}
    return {
        f"{ct.app_label}.{ct.model}": ct.pk for ct in content_type.objects.filter(model__in=wanted)
    }


def report() -> dict[str, Any]:
    from django.apps import apps
    from django.db import connection

    from trainees.models import ComplianceSnapshot, Enrollment
    from trainees.selectors.compliance import enrollments_compliance
    from trainees.services.compliance import snapshot_data

    counts = {
        model._meta.label_lower: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"accounts", "programs", "trainees", "reminders", "webhooks", "api", "confirmations"}
    }
    digests = {}
    with connection.cursor() as cursor:
        for label in MOVED.values():
            model = apps.get_model(label)
            cursor.execute(f"SELECT * FROM {model._meta.db_table} ORDER BY 1")
            digests[label] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    stored = {
        str(s.enrollment_id): {"as_of": s.as_of.isoformat(), "status": s.status, "result": s.result}
        for s in ComplianceSnapshot.objects.order_by("enrollment_id")
    }
    enrollments = list(
        Enrollment.objects.select_related("program", "requirement_set").order_by("pk")
    )
    computed: dict[str, Any] = {}
    for enrollment in enrollments:
        as_of = ComplianceSnapshot.objects.get(enrollment=enrollment).as_of
        result = enrollments_compliance(enrollments=[enrollment], as_of=as_of)[enrollment.pk]
        computed[str(enrollment.pk)] = json.loads(json.dumps(snapshot_data(result), default=str))
    return {
        "counts": counts,
        "digests": digests,
        "content_types": moved_content_types(apps),
        "stored": stored,
        "computed": computed,
    }


def main(side: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if side == "upgrade":
        executor.migrate(PRE_LAYOUT)
        old = MigrationExecutor(connection).loader.project_state(
            [(app, name) for app, name in PRE_LAYOUT if name]
        )
        load(old.apps, relabel=False)
        # The content types the moved models had (Django makes them after migrating).
        content_type = old.apps.get_model("contenttypes", "ContentType")
        for label in MOVED:
            app_label, model = label.split(".")
            content_type.objects.create(app_label=app_label, model=model)
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    else:
        executor.migrate(executor.loader.graph.leaf_nodes())
        from django.apps import apps

        load(apps, relabel=True)
        content_type = apps.get_model("contenttypes", "ContentType")
        for label in MOVED.values():
            app_label, model = label.split(".")
            content_type.objects.create(app_label=app_label, model=model)
    json.dump(report(), sys.stdout, sort_keys=True, default=str)


if __name__ == "__main__":
    main(sys.argv[1])
