"""Real Redis and real Celery workers for the reminders integration tests.

Workers run `celery -A tests.reminders.worker_app worker` with config.settings.worker_test, on the
live test database (tests use transaction=True so the worker sees committed rows), a queue of
their own, and a file mailbox in tmp_path. Under CI=true a missing Redis or a worker that does
not start is a failure, never a skip.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.db import connection

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
SHARED_REDIS = "redis://127.0.0.1:6379/15"


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    path: Path

    def delivery_counts(self) -> Counter[int]:
        counts: Counter[int] = Counter()
        for file in self.path.glob("*"):
            for match in re.finditer(r"^X-Countersign-Delivery: (\d+)$", file.read_text(), re.M):
                counts[int(match.group(1))] += 1
        return counts

    def messages(self) -> list[str]:
        text = "".join(f.read_text() for f in sorted(self.path.glob("*")))
        return [m for m in text.split("-" * 79 + "\n") if m.strip()]

    def settle(self, timeout: float = 30) -> Counter[int]:
        """Wait until the mailbox stops changing for a second, then return what is in it."""
        last, stable_since = None, time.monotonic()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = self.delivery_counts()
            if now != last:
                last, stable_since = now, time.monotonic()
            elif time.monotonic() - stable_since > 1.0:
                return now
            time.sleep(0.1)
        pytest.fail("mailbox kept changing")


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


@dataclass
class Broker:
    url: str
    queue: str
    producer: Celery = field(init=False)

    def __post_init__(self) -> None:
        # Not the current app: shared tasks elsewhere in the suite resolve to the current app,
        # and would otherwise publish to this broker instead of running eagerly.
        self.producer = Celery("reminders-test-producer", broker=self.url, set_as_current=False)
        self.producer.conf.broker_connection_retry_on_startup = True

    def send(self, task: str, *args: object) -> None:
        self.producer.send_task(task, args=list(args), queue=self.queue)

    def close(self) -> None:
        self.producer.close()


def live_database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"] != "django.db.backends.postgresql":
        unavailable("worker tests need PostgreSQL (the worker shares the test database)")
    auth = s["USER"] or "postgres"
    if s["PASSWORD"]:
        auth += f":{s['PASSWORD']}"
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def shared_redis() -> Iterator[str]:
    """The shared Redis, DB 15; each test uses a queue of its own, so nothing is flushed."""
    try:
        redis.Redis.from_url(SHARED_REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        unavailable(f"Redis at {SHARED_REDIS} is not answering: {error}")
    yield SHARED_REDIS


@dataclass
class PrivateRedis:
    port: int
    workdir: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server is not installed")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_for(answers, 10, f"redis-server on port {self.port}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A redis-server owned by the test (free port), which it may kill and restart."""
    server = PrivateRedis(port=free_port(), workdir=tmp_path)
    server.start()
    yield server
    if server.process and server.process.poll() is None:
        server.kill()


@pytest.fixture
def mailbox(tmp_path: Path) -> Mailbox:
    path = tmp_path / "mail"
    path.mkdir()
    return Mailbox(path)


@pytest.fixture
def start_worker(
    transactional_db, mailbox: Mailbox, tmp_path: Path
) -> Iterator[Callable[..., Worker]]:
    """A callable starting a worker on a broker; every worker is stopped before the database
    is flushed."""
    workers: list[Worker] = []
    database_url = live_database_url()

    def start(broker: Broker, *, pool: str = "solo", concurrency: int = 1, **env: str) -> Worker:
        log = tmp_path / f"worker-{len(workers)}.log"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.worker_test",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker.url,
            "CELERY_TASK_DEFAULT_QUEUE": broker.queue,
            "EMAIL_FILE_PATH": str(mailbox.path),
            **env,
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.reminders.worker_app",
            "worker",
            "-P",
            pool,
            "-c",
            str(concurrency),
            "-Q",
            broker.queue,
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"reminders-test-{uuid.uuid4().hex[:8]}@%h",
        ]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT
            )
        worker = Worker(process, log)
        workers.append(worker)

        def ready() -> bool:
            if process.poll() is not None:
                pytest.fail(f"worker exited ({process.returncode}):\n{log.read_text()[-3000:]}")
            return " ready." in log.read_text()

        wait_for(ready, 60, "the Celery worker to be ready")
        return worker

    yield start
    for worker in workers:
        worker.stop()
    connection.close()


@pytest.fixture
def shared_broker(shared_redis: str) -> Iterator[Broker]:
    broker = Broker(shared_redis, f"reminders-test-{uuid.uuid4().hex}")
    yield broker
    redis.Redis.from_url(shared_redis).delete(broker.queue)
    broker.close()
