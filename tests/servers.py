"""Real servers in subprocesses, on the test database: an ASGI server (uvicorn) for delivery
tests and a Celery worker for task tests."""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_database_url() -> str:
    """The URL of the database this test run created, so the server sees the same rows."""
    db = connection.settings_dict
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


# Imported into test modules: not a test itself.
test_database_url.__test__ = False


@contextmanager
def asgi_server():
    """Yield the base URL of a uvicorn serving portal.asgi on the test database and the same
    Redis; stop it afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "portal.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://{base}/healthz", timeout=1)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"uvicorn did not start:\n{server.stdout.read()}") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@contextmanager
def celery_worker(*, broker_url: str, queue: str = "", purge: bool = False, env=None):
    """A real Celery worker process (solo pool) on the test database and `broker_url`; yields
    its log lines (a list that keeps filling) once it is ready, stops it afterwards. A `queue`
    of the test's own keeps other workers on the same Redis from taking its messages."""
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo",
               "--loglevel", "info", "--without-heartbeat", "--without-mingle",
               "--without-gossip"]  # fmt: skip
    command += ["--queues", queue] if queue else []
    command += ["--purge"] if purge else []
    worker = subprocess.Popen(
        command, cwd=ROOT, env=worker_env(broker_url, **(env or {})),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(worker.stdout), daemon=True).start()
    try:
        deadline = time.monotonic() + 180  # generous: CI machines are shared and slow to fork
        while not any(" ready." in line for line in log):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{''.join(log)}")
            time.sleep(0.2)
        yield log
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


def worker_env(broker_url: str, **extra) -> dict:
    """The environment of a worker, or of a process sending it tasks, as in production."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": broker_url,
        **extra,
    }
