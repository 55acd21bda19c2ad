# ruff: noqa: T201  (a command-line report: printing is its job)
"""Faults under load: Redis stopped, then PostgreSQL restarted, while trainees log sessions and a
supervisor countersigns them through the web pages (gunicorn, a Celery worker, loopback).

    make faults        # or: .venv/bin/python -m bench.faults

It stops and starts the machine's Redis and PostgreSQL, so run it on a test machine only, with
nothing else using them. It seeds a small demo database of its own (countersign_faults) on first
use. Phases: baseline; Redis stopped; Redis back; PostgreSQL restarted; after. For each phase and
page it prints requests, successes and failures (a 5xx or no answer); writes bench/faults.json.
Expected: no failure while Redis is down or after it; during the PostgreSQL restart only the
requests in flight fail, each with a 503 saying so; snapshot refreshes that could not be queued
while Redis was down are settled by the sweep once it is back.
"""

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
DB = "countersign_faults"
PORT = 8766
BASE = f"http://127.0.0.1:{PORT}"
BROKER_URL = "redis://127.0.0.1:6379/13"
PASSWORD = "countersign-demo"
PHASE_SECONDS = {
    "baseline": 6,
    "redis stopped": 10,
    "redis back": 6,
    "postgres restart": 10,
    "after": 6,
}
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]


def _postgres_cluster() -> list[str]:
    version = sorted(path.name for path in Path("/etc/postgresql").iterdir())[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def _setup() -> None:
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB,)).fetchone():
            conn.execute(f'CREATE DATABASE "{DB}"')
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--if-empty", verbosity=0)


def _cast() -> dict[str, Any]:
    """A supervisor and the trainees assigned to them, and a category they may countersign."""
    from programs.models import ProgramCategory, Verification
    from trainees.models import SupervisorAssignment

    assignment = (
        SupervisorAssignment.objects.filter(
            ends_on__isnull=True, enrollment__status="active", categories__isnull=True
        )
        .select_related("supervisor", "enrollment__trainee__user")
        .order_by("pk")
        .first()
    )
    assert assignment is not None, "the demo data has no open supervisor assignment"
    supervisor = assignment.supervisor
    assignments = SupervisorAssignment.objects.filter(
        supervisor=supervisor, ends_on__isnull=True, enrollment__status="active"
    ).select_related("enrollment__trainee__user", "enrollment__program")[:4]
    program = assignments[0].enrollment.program
    category = (
        ProgramCategory.objects.filter(
            program=program, private=False, verification=Verification.COUNTERSIGN
        )
        .select_related("category")
        .order_by("category__key")
        .first()
    )
    assert category is not None
    # Only a few demo people have the demo password; this database is the script's own.
    for user in [supervisor, *(a.enrollment.trainee.user for a in assignments)]:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return {
        "supervisor": supervisor.email,
        "trainees": [a.enrollment.trainee.user.email for a in assignments],
        "trainee_ids": [a.enrollment.trainee_id for a in assignments],
        "category": category.category_id,
        "start": max(a.enrollment.start_date for a in assignments),
    }


def _signed_in(email: str) -> requests.Session:
    web = requests.Session()
    web.get(f"{BASE}/accounts/login/", timeout=10)
    response = web.post(
        f"{BASE}/accounts/login/",
        data={
            "username": email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": web.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, (email, response.status_code)
    return web


class Load:
    def __init__(self, cast: dict[str, Any]) -> None:
        self.cast = cast
        self.phase = "starting"
        self.stop = threading.Event()
        self.results: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        self.lock = threading.Lock()

    def record(self, page: str, outcome: str) -> None:
        with self.lock:
            self.results[(self.phase, page)][outcome] += 1

    def post(self, web: requests.Session, page: str, url: str, data: dict[str, Any]) -> None:
        try:
            response = web.post(
                url,
                data={**data, "csrfmiddlewaretoken": web.cookies.get("csrftoken", "")},
                allow_redirects=False,
                timeout=15,
            )
        except requests.RequestException as error:
            self.record(page, f"no answer ({type(error).__name__})")
            return
        self.record(page, str(response.status_code))

    def trainee(self, email: str, index: int) -> None:
        try:
            web = _signed_in(email)
        except Exception as error:
            print(f"{email} could not sign in: {error!r}", flush=True)
            raise
        day = 0
        while not self.stop.is_set():
            day += 1
            when = max(
                self.cast["start"], date.today() - timedelta(days=1 + (day * 7 + index) % 90)
            )
            self.post(
                web,
                "log a session",
                f"{BASE}/sessions/new/",
                {
                    "date": when.isoformat(),
                    "category": self.cast["category"],
                    # a distinct start time each time: the page asks before saving a duplicate
                    "start_time": f"{(day // 60) % 24:02d}:{day % 60:02d}",
                    "duration_minutes": 50,
                    "format": "individual",
                    "modality": "in_person",
                    "submit_now": "on",
                },
            )
            time.sleep(0.05)

    def supervisor(self) -> None:
        web = _signed_in(self.cast["supervisor"])
        while not self.stop.is_set():
            try:
                page = web.get(f"{BASE}/supervise/", timeout=15)
            except requests.RequestException:
                time.sleep(0.2)
                continue
            found = re.search(r'name="only" value="(\d+)"', page.text)
            if found is None:
                time.sleep(0.2)
                continue
            self.post(
                web,
                "countersign",
                f"{BASE}/supervise/act/",
                {"only": found.group(1), "action": "verify"},
            )


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def _pending() -> int:
    from django.db import close_old_connections

    from trainees.models import SnapshotRefreshRequest

    close_old_connections()
    return SnapshotRefreshRequest.objects.count()


def main() -> None:
    _setup()
    cast = _cast()
    import redis

    redis.Redis.from_url(BROKER_URL).flushdb()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_BROKER_URL": BROKER_URL,
    }
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "bench.wsgi", "--workers", "4"),
            *("--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
    )
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo"),
            *("--loglevel", "ERROR", "--without-gossip", "--without-mingle"),
        ],
        cwd=ROOT,
        env=env,
    )
    load = Load(cast)
    threads = [
        threading.Thread(target=load.trainee, args=(email, i), daemon=True)
        for i, email in enumerate(cast["trainees"])
    ] + [threading.Thread(target=load.supervisor, daemon=True)]
    figures: dict[str, Any] = {}
    try:
        _wait_for(f"{BASE}/api/v1/health/")
        for thread in threads:
            thread.start()
        for phase, seconds in PHASE_SECONDS.items():
            load.phase = phase
            if phase == "redis stopped":
                subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], check=False)
            elif phase == "redis back":
                subprocess.run(REDIS_START, check=True)
                figures["pending refreshes when Redis came back"] = _pending()
            elif phase == "postgres restart":
                subprocess.run([*_postgres_cluster(), "restart"], check=True)
            print(f"phase: {phase} ({seconds} s)", flush=True)
            time.sleep(seconds)
        load.stop.set()
        for thread in threads:
            thread.join(timeout=20)
        # The beat sweep's job, sent through the broker to the worker as beat would.
        from trainees.tasks import snapshots_pending_sweep

        started = time.monotonic()
        while _pending() and time.monotonic() - started < 120:
            snapshots_pending_sweep.delay()
            time.sleep(2)
        figures["pending refreshes after the sweep"] = _pending()
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            process.wait(timeout=30)
        subprocess.run(["redis-cli", "-p", "6379", "ping"], check=False, capture_output=True)

    rows = []
    # Saved: the page redirected after the change. Failed: a 5xx or no answer at all.
    print(f"\n{'phase':<18} {'page':<15} {'requests':>8} {'saved':>6} {'failed':>6}  outcomes")
    for (phase, page), outcomes in load.results.items():
        total = sum(outcomes.values())
        saved = outcomes.get("302", 0)
        failed = sum(n for outcome, n in outcomes.items() if outcome[0] not in "234")
        rows.append(
            {"phase": phase, "page": page, "requests": total, "saved": saved, "failed": failed}
            | {"outcomes": dict(outcomes)}
        )
        print(f"{phase:<18} {page:<15} {total:>8} {saved:>6} {failed:>6}  {dict(outcomes)}")
    for name, value in figures.items():
        print(f"{name}: {value}")
    path = ROOT / "bench" / "faults.json"
    path.write_text(json.dumps({"phases": PHASE_SECONDS, "rows": rows, **figures}, indent=2))
    print(f"\nWrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
