# ruff: noqa: T201  (a command-line report: printing is its job)
"""`make bench`: build (or reuse) a scale dataset on PostgreSQL and measure what users wait for.

Every figure is printed beside a baseline measured in the same run on the same data, so the ratio
means something on any machine. Results go to bench/results.json.

    python -m bench.run [--half] [--runs N] [--skip-load]
"""

import argparse
import functools
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
FULL: dict[str, Any] = {"trainees": 2000, "intensity": 1.9, "db": "countersign_bench"}
HALF: dict[str, Any] = {"trainees": 1000, "intensity": 1.9, "db": "countersign_bench_half"}
GUNICORN_PORT = 8765
SINGLE_CLIENT_PAIRS = 200
LOAD_ROUNDS = 3
# A Redis database of its own, emptied before use, so the benchmark never meets other queues.
BENCH_BROKER_URL = "redis://127.0.0.1:6379/14"


@dataclass
class Figure:
    name: str
    unit: str
    samples: list[float]
    target: str = ""
    baseline: str = ""
    baseline_samples: list[float] = field(default_factory=list)
    queries: int | None = None
    ok: bool | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def baseline_median(self) -> float | None:
        return statistics.median(self.baseline_samples) if self.baseline_samples else None

    def summary(self) -> dict[str, Any]:
        data = asdict(self)
        data["median"] = self.median
        data["min"] = min(self.samples) if self.samples else None
        data["max"] = max(self.samples) if self.samples else None
        data["baseline_median"] = self.baseline_median
        data["ratio_to_baseline"] = (
            self.median / self.baseline_median if self.baseline_median else None
        )
        return data


def _ensure_database(name: str) -> str:
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _timed(fn: Callable[[], Any], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _dataset(size: dict[str, Any]) -> dict[str, int]:
    from django.core.management import call_command

    from trainees.models import Enrollment, Session

    call_command("migrate", verbosity=0)
    if Enrollment.objects.count() != size["trainees"]:
        if Enrollment.objects.exists():
            raise SystemExit(
                f"Database {size['db']} holds a different dataset; drop it (dropdb {size['db']}) and rerun."
            )
        print(
            f"Seeding {size['trainees']} trainees (first run only; several minutes)...", flush=True
        )
        call_command(
            "seed_demo", trainees=size["trainees"], years=3, seed=1, intensity=size["intensity"]
        )
    return {"enrollments": Enrollment.objects.count(), "sessions": Session.objects.count()}


def _credentials() -> dict[str, Any]:
    from accounts.models import ApiKey, PersonalToken
    from accounts.services.tokens import api_key_create, personal_token_create
    from programs.models import Institution
    from trainees.models import Enrollment

    ApiKey.objects.filter(name="bench").delete()
    PersonalToken.objects.filter(name="bench").delete()
    keys = {}
    for institution in Institution.objects.all():
        _, issued = api_key_create(
            institution_id=institution.pk, name="bench", scopes=["reports:read"]
        )
        keys[institution.pk] = issued.raw
    loggers = []
    for enrollment in (
        Enrollment.objects.filter(program__slug="riverside-mft", status="active")
        .select_related("trainee__user")
        .order_by("pk")[:16]
    ):
        _, issued = personal_token_create(user=enrollment.trainee.user, name="bench")
        loggers.append((issued.raw, enrollment.start_date))
    return {"keys": keys, "loggers": loggers}


def measure_report(runs: int, creds: dict[str, Any]) -> list[Figure]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from programs.models import Program

    client = Client()
    programs = list(Program.objects.select_related("institution").order_by("slug"))

    def fetch(accept: str, extra: str = "") -> int:
        queries = 0
        for program in programs:
            key = creds["keys"][program.institution_id]
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(
                    f"/api/v1/programs/{program.slug}/report/?page_size=2000{extra}",
                    HTTP_AUTHORIZATION=f"Api-Key {key}",
                    HTTP_ACCEPT=accept,
                )
                body = b"".join(response) if response.streaming else response.content
            assert response.status_code == 200, body[:300]
            queries = max(queries, len(ctx.captured_queries))
        return queries

    def group_by() -> None:
        with connection.cursor() as cursor:
            for program in programs:
                cursor.execute(
                    "SELECT e.id, s.category_id, SUM(s.duration_minutes) "
                    "FROM trainees_session s JOIN trainees_enrollment e ON e.trainee_id = s.trainee_id "
                    "WHERE e.program_id = %s GROUP BY e.id, s.category_id",
                    [program.pk],
                )
                cursor.fetchall()

    fetch("application/json")  # warm caches
    baseline = _timed(group_by, runs)
    figures = []
    for label, accept in (("JSON", "application/json"), ("CSV", "text/csv")):
        queries = fetch(accept)
        samples = _timed(functools.partial(fetch, accept), runs)
        figure = Figure(
            name=f"(1) program report, all enrollments, {label}",
            unit="ms",
            samples=samples,
            target="<= 250 ms and <= 2x GROUP BY; <= 10 queries",
            baseline="SQL GROUP BY enrollment, category",
            baseline_samples=baseline,
            queries=queries,
        )
        figure.ok = (
            figure.median <= 250
            and figure.median <= 2 * statistics.median(baseline)
            and queries <= 10
        )
        figures.append(figure)
    past = (date.today() - timedelta(days=180)).isoformat()
    # Two runs only, counting queries as they go: each takes tens of seconds at full size.
    counts: list[int] = []
    samples = _timed(lambda: counts.append(fetch("application/json", f"&as_of={past}")), 2)
    queries = max(counts)
    figures.append(
        Figure(
            name=f"(2) program report computed as of {past}, JSON",
            unit="ms",
            samples=samples,
            baseline="SQL GROUP BY enrollment, category",
            baseline_samples=baseline,
            queries=queries,
            note="computed on demand by the engine for every enrollment",
        )
    )
    return figures


def _page_figure(
    client: Any, url: str, name: str, runs: int, target_ms: float, target: str
) -> Figure:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # the log is a bounded deque shared with earlier captures
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    queries = len(ctx.captured_queries)  # read now: later requests clear the shared log
    assert response.status_code == 200, (url, response.status_code)
    samples = _timed(lambda: client.get(url), runs)
    figure = Figure(name, "ms", samples, target=target, queries=queries)
    figure.ok = figure.median <= target_ms
    return figure


def measure_overview(runs: int) -> list[Figure]:
    from django.test import Client

    from programs.models import ProgramRole

    role = (
        ProgramRole.objects.filter(role="director")
        .select_related("user", "program")
        .order_by("program__slug")
        .last()
    )
    assert role is not None
    client = Client()
    client.force_login(role.user)
    base = f"/programs/{role.program.slug}/"
    return [
        _page_figure(client, base, "(3) director overview, first page", runs, 150, "<= 150 ms"),
        _page_figure(
            client,
            f"{base}?status=behind",
            "(3) director overview, status=behind",
            runs,
            150,
            "<= 150 ms",
        ),
    ]


def _trainee_with_sessions(count: int) -> Any:
    """A trainee of the dataset with about `count` sessions (adding bulk sessions once if needed)."""
    from django.db.models import Count

    from programs.models import ActivityCategory
    from trainees.models import Enrollment, Session
    from trainees.services.compliance import trainee_snapshots_refresh

    candidates = (
        Enrollment.objects.filter(program__slug="riverside-mft", status="active")
        .annotate(n=Count("trainee__sessions"))
        .select_related("trainee__user")
        .order_by("pk")
    )
    if count <= 1000:
        enrollment = min(candidates, key=lambda e: abs(e.n - count))
        return enrollment
    enrollment = max(candidates, key=lambda e: e.n)
    missing = count - enrollment.n
    if missing > 0:
        category = ActivityCategory.objects.get(key="client_individual")
        start, today = enrollment.start_date, date.today()
        span = max(1, (today - start).days)
        Session.objects.bulk_create(
            [
                Session(
                    trainee=enrollment.trainee,
                    date=start + timedelta(days=i % span),
                    duration_minutes=50,
                    category=category,
                    status="submitted",
                )
                for i in range(missing)
            ],
            batch_size=5000,
        )
        trainee_snapshots_refresh(trainee_id=enrollment.trainee_id)
    return enrollment


def measure_dashboard(runs: int) -> list[Figure]:
    from django.test import Client

    figures = []
    for count, target in ((500, 100), (20_000, 200)):
        enrollment = _trainee_with_sessions(count)
        client = Client()
        client.force_login(enrollment.trainee.user)
        sessions = enrollment.trainee.sessions.count()
        figures.append(
            _page_figure(
                client,
                "/",
                f"(4) trainee dashboard, {sessions} sessions",
                runs,
                target,
                f"<= {target} ms",
            )
        )
    return figures


# The two slow figures, (6) and (7), are repeated fewer times than the rest: a few runs are enough
# for a median that the half-size comparison can lean on.
SLOW_RUNS = 3


def measure_reminders(runs: int) -> Figure:
    try:
        from bench.reminders import run_reminder_benchmark
    except ImportError:
        return Figure("(7) weekly reminder run", "ms", [], note="not available")
    # Each run is rolled back, so every run plans and sends the same week's reminders.
    results = [run_reminder_benchmark() for _ in range(runs)]
    samples = [float(r["wall_seconds"]) * 1000 for r in results]
    middle = results[samples.index(sorted(samples)[len(samples) // 2])]
    figure = Figure(
        "(7) weekly reminder run, all trainees",
        "ms",
        samples,
        target="<= 30 s",
        note=str({k: v for k, v in middle.items() if k not in ("wall_seconds", "seconds")}),
    )
    figure.ok = figure.median <= 30_000
    return figure


def measure_recompute(runs: int) -> Figure:
    script = (
        "import resource, time, django; django.setup();"
        "from trainees.services.compliance import snapshots_refresh_all;"
        "import os; t = time.perf_counter(); n = snapshots_refresh_all(workers=os.cpu_count());"
        "print(n, (time.perf_counter() - t) * 1000,"
        " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    samples: list[float] = []
    peak_kb = 0
    count = 0
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        count, ms, max_rss_kb = int(out[0]), float(out[1]), int(out[2])
        samples.append(ms)
        peak_kb = max(peak_kb, max_rss_kb)
    figure = Figure(
        name=f"(6) recompute all {count} snapshots",
        unit="ms",
        samples=samples,
        target="<= 60 s and <= 1 GiB peak",
        note=f"peak memory {peak_kb / 1024:.0f} MiB (parent + largest worker, highest of {runs} runs)",
    )
    figure.ok = figure.median <= 60_000 and peak_kb <= 1024 * 1024
    return figure


def measure_engine(runs: int) -> Figure:
    try:
        from bench.engine import run_engine_benchmark
    except ImportError:
        return Figure(
            name="(8) engine alone, 5,000 sessions", unit="ms", samples=[], note="not available"
        )
    result = run_engine_benchmark(sessions=5000)
    samples = [s * 1000 for s in result.get("samples", [result["median"]])]
    return Figure(
        name="(8) engine alone, 5,000 sessions, largest preset",
        unit="ms",
        samples=samples,
        note=str({k: v for k, v in result.items() if k not in ("samples",)}),
    )


def _post(
    conn: http.client.HTTPConnection, path: str, headers: dict[str, str], body: dict[str, Any]
) -> tuple[float, int]:
    started = time.perf_counter()
    conn.request(
        "POST",
        path,
        body=json.dumps(body),
        headers={"Content-Type": "application/json", **headers},
    )
    response = conn.getresponse()
    response.read()
    return (time.perf_counter() - started) * 1000, response.status


def _post_loop(
    path: str,
    headers: dict[str, str],
    bodies: Callable[[int], dict[str, Any]],
    count: int,
    out: list[float],
    errors: list[int],
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", GUNICORN_PORT, timeout=30)
    for i in range(count):
        elapsed, status = _post(conn, path, headers, bodies(i))
        if status != 201:
            errors.append(status)
        out.append(elapsed)
    conn.close()


def _pending_refreshes() -> int:
    from trainees.models import SnapshotRefreshRequest

    return SnapshotRefreshRequest.objects.count()


def _drain_seconds(limit: float = 120.0) -> float:
    """Seconds until the worker has settled every snapshot refresh the load asked for."""
    started = time.perf_counter()
    while _pending_refreshes() and time.perf_counter() - started < limit:
        time.sleep(0.05)
    return time.perf_counter() - started


def measure_logging(creds: dict[str, Any], requests_each: int) -> list[Figure]:
    import redis

    from trainees.services.compliance import pending_snapshots_sweep

    redis.Redis.from_url(BENCH_BROKER_URL).flushdb()
    # Requests left by an interrupted run have no task any more (the queue was just emptied).
    pending_snapshots_sweep(older_than=timedelta(0))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_BROKER_URL": BENCH_BROKER_URL,
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.wsgi",
            "--workers",
            "4",
            "--bind",
            f"127.0.0.1:{GUNICORN_PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    # The worker that recomputes snapshots after each logged session, as in production.
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", GUNICORN_PORT, timeout=1).request(
                    "GET", "/api/v1/health/"
                )
                break
            except OSError:
                time.sleep(0.1)
        loggers = creds["loggers"]
        today = date.today()

        def session_body(start: date) -> Callable[[int], dict[str, Any]]:
            def body(i: int) -> dict[str, Any]:
                day = max(start, today - timedelta(days=1 + i % 60))
                return {
                    "date": day.isoformat(),
                    "duration_minutes": 50,
                    "category": "client_individual",
                    "submit": True,
                }

            return body

        def run(
            clients: int, path: str, make_body: Callable[[int], Callable[[int], dict[str, Any]]]
        ) -> tuple[list[float], float, list[int]]:
            latencies: list[float] = []
            errors: list[int] = []
            threads = [
                threading.Thread(
                    target=_post_loop,
                    args=(
                        path,
                        {"Authorization": f"Bearer {loggers[c][0]}"},
                        make_body(c),
                        requests_each,
                        latencies,
                        errors,
                    ),
                )
                for c in range(clients)
            ]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return latencies, clients * requests_each / (time.perf_counter() - started), errors

        def noop(client: int) -> Callable[[int], dict[str, Any]]:
            return lambda i: {}

        def real(client: int) -> Callable[[int], dict[str, Any]]:
            return session_body(loggers[client][1])

        # Warm up every worker on both endpoints (a worker's first request loads code).
        run(4, "/bench/noop/", noop)
        run(4, "/api/v1/sessions/", real)
        _drain_seconds()
        figures = []
        # One client alternates between the baseline and the real request, so both meet the
        # same machine: on a shared two-core machine, conditions drift within seconds.
        base1: list[float] = []
        lat1: list[float] = []
        err1: list[int] = []
        conn = http.client.HTTPConnection("127.0.0.1", GUNICORN_PORT, timeout=30)
        auth = {"Authorization": f"Bearer {loggers[0][0]}"}
        body = real(0)
        for i in range(SINGLE_CLIENT_PAIRS):
            elapsed, _ = _post(conn, "/bench/noop/", auth, {})
            base1.append(elapsed)
            elapsed, status = _post(conn, "/api/v1/sessions/", auth, body(i))
            lat1.append(elapsed)
            if status != 201:
                err1.append(status)
        conn.close()
        f1 = Figure(
            "(5) log a session via API, 1 client",
            "ms",
            lat1,
            "<= 50 ms and <= 3x baseline",
            "authenticated no-op DRF endpoint, alternating",
            base1,
        )
        drain1 = _drain_seconds()
        f1.ok = not err1 and f1.median <= 50 and f1.median <= 3 * statistics.median(base1)
        f1.note = (
            f"{SINGLE_CLIENT_PAIRS} requests each; errors: {len(err1)}; "
            f"snapshots current {drain1:.1f} s after the last request"
        )
        figures.append(f1)
        # Throughput: several rounds, each the baseline and then the real request at 16 clients.
        base16: list[float] = []
        lat16: list[float] = []
        err16: list[int] = []
        base_rates: list[float] = []
        rates: list[float] = []
        drains: list[float] = []
        for _ in range(LOAD_ROUNDS):
            latencies, rate, _ = run(16, "/bench/noop/", noop)
            base16.extend(latencies)
            base_rates.append(rate)
            latencies, rate, errors = run(16, "/api/v1/sessions/", real)
            lat16.extend(latencies)
            rates.append(rate)
            err16.extend(errors)
            drains.append(_drain_seconds())
        rps = statistics.median(rates)
        f16 = Figure(
            "(5) log a session via API, 16 clients",
            "ms",
            lat16,
            ">= 150 sessions/s, no errors",
            "authenticated no-op DRF endpoint",
            base16,
        )
        f16.note = (
            f"throughput {rps:.0f}/s, median of {LOAD_ROUNDS} rounds "
            f"({', '.join(f'{r:.0f}' for r in rates)}; baseline {statistics.median(base_rates):.0f}/s); "
            f"errors: {len(err16)}; snapshots current {max(drains):.1f} s after the last request"
        )
        f16.ok = not err16 and rps >= 150 and not _pending_refreshes()
        figures.append(f16)
        return figures
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            process.wait(timeout=30)


def machine() -> dict[str, Any]:
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres") as conn:
        pg = conn.execute("SHOW server_version").fetchone()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "memory_gib": round(memory / 2**30, 1),
        "postgresql": pg[0] if pg else None,
    }


MEASURES: dict[str, Callable[[argparse.Namespace, dict[str, Any]], list[Figure]]] = {
    "report": lambda args, creds: measure_report(args.runs, creds),
    "overview": lambda args, creds: measure_overview(args.runs),
    "dashboard": lambda args, creds: measure_dashboard(args.runs),
    "logging": lambda args, creds: measure_logging(creds, requests_each=40),
    "recompute": lambda args, creds: [measure_recompute(min(args.runs, SLOW_RUNS))],
    "reminders": lambda args, creds: [measure_reminders(min(args.runs, SLOW_RUNS))],
    "engine": lambda args, creds: [measure_engine(args.runs)],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--half", action="store_true", help="Half-size dataset, to show linear growth."
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-load", action="store_true", help="Skip the gunicorn load test.")
    parser.add_argument(
        "--only",
        choices=sorted(MEASURES),
        action="append",
        help="Measure only these figures (repeatable); results go to bench/results-partial.json.",
    )
    args = parser.parse_args()
    size = HALF if args.half else FULL
    _setup_django(_ensure_database(size["db"]))
    dataset = _dataset(size)
    # Refreshes left pending by an interrupted earlier run would be settled by the first page
    # that reads them, and counted in its figure.
    from trainees.services.compliance import pending_snapshots_sweep

    pending_snapshots_sweep(older_than=timedelta(0))
    creds = _credentials()
    chosen = set(args.only or MEASURES)
    if args.skip_load:
        chosen.discard("logging")
    figures: list[Figure] = []
    for name, measure in MEASURES.items():
        if name in chosen:
            figures.extend(measure(args, creds))

    print(f"\nDataset: {dataset['enrollments']} enrollments, {dataset['sessions']} sessions\n")
    print(
        f"{'figure':<58} {'median':>10} {'min..max':>20} {'baseline':>10} {'ratio':>7} {'queries':>7}  result"
    )
    for f in figures:
        s = f.summary()
        spread = f"{s['min']:.1f}..{s['max']:.1f}" if f.samples else "-"
        base = f"{s['baseline_median']:.1f}" if s["baseline_median"] is not None else "-"
        ratio = f"{s['ratio_to_baseline']:.2f}x" if s["ratio_to_baseline"] else "-"
        verdict = {True: "ok", False: "MISSES TARGET", None: ""}[f.ok]
        median = f"{f.median:.1f} {f.unit}" if f.samples else "-"
        print(
            f"{f.name:<58} {median:>10} {spread:>20} {base:>10} {ratio:>7} {f.queries if f.queries is not None else '-':>7}  {verdict} {f.target} {f.note}"
        )
    results = {
        "machine": machine(),
        "dataset": dataset,
        "runs": args.runs,
        "figures": [f.summary() for f in figures],
    }
    name = "results-half.json" if args.half else "results.json"
    if args.only:
        name = "results-partial.json"
    path = ROOT / "bench" / name
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nWrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
