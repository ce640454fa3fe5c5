"""Real servers in subprocesses, on the test database: an ASGI server (uvicorn) for delivery
tests and a Celery worker for task tests; and, for fault tests, a Redis and a PostgreSQL of the
tests' own on free ports, which a test may stop, crash and start again."""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
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


def _collect(process, log: list[str]) -> None:
    """Read a child's output into `log` on a thread of its own: a pipe nobody reads fills up
    and stops the child (a cache logging every error while Redis is away, say)."""
    threading.Thread(target=lambda: log.extend(process.stdout), daemon=True).start()


def _wait_until(ready, *, process, log, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start:\n{''.join(log)}")
        time.sleep(0.2)


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1)
    except OSError:
        return False
    return True


class AsgiServer:
    """One uvicorn serving portal.asgi; it can be killed (-9) mid-work and started again on
    the same port, as a supervisor would. `env` names its database and Redis."""

    def __init__(self, *, env: dict, port: int | None = None):
        self.port = port or free_port()
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", **env}
        self.process = None
        self.log: list[str] = []

    @property
    def base(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "uvicorn", "portal.asgi:application", "--host",
                   "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]  # fmt: skip
        self.log = []
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        _collect(self.process, self.log)
        _wait_until(
            lambda: _answers(f"http://{self.base}/healthz"),
            process=self.process, log=self.log, what="uvicorn",
        )  # fmt: skip

    def kill(self) -> None:
        """kill -9: no shutdown, sockets cut as by a crash."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def asgi_server(*, database_url: str | None = None, redis_url: str | None = None, env=None):
    """Yield the base URL of a uvicorn serving portal.asgi on the test database and the same
    Redis (or the ones given); stop it afterwards."""
    server = AsgiServer(
        env={
            "DATABASE_URL": database_url or test_database_url(),
            "REDIS_URL": settings.REDIS_URL if redis_url is None else redis_url,
            **(env or {}),
        }
    )
    server.start()
    try:
        yield server.base
    finally:
        server.stop()


class CeleryWorker:
    """A real Celery worker process (solo pool) on the test database and `broker_url`; `kill`
    is kill -9 in the middle of whatever it is running. A `queue` of the test's own keeps
    other workers on the same Redis from taking its messages."""

    def __init__(self, *, broker_url: str, queue: str = "", purge: bool = False, env=None):
        self.command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo",
                        "--loglevel", "info", "--without-heartbeat", "--without-mingle",
                        "--without-gossip"]  # fmt: skip
        self.command += ["--queues", queue] if queue else []
        self.command += ["--purge"] if purge else []
        self.env = worker_env(broker_url, **(env or {}))
        self.process = None
        self.log: list[str] = []

    def start(self) -> list[str]:
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        _collect(self.process, self.log)
        # Generous: CI machines are shared and slow to fork.
        _wait_until(
            lambda: any(" ready." in line for line in self.log),
            process=self.process, log=self.log, what="the Celery worker", seconds=180,
        )  # fmt: skip
        return self.log

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def celery_worker(*, broker_url: str, queue: str = "", purge: bool = False, env=None):
    """A CeleryWorker, started; yields its log lines (a list that keeps filling) once it is
    ready, stops it afterwards."""
    worker = CeleryWorker(broker_url=broker_url, queue=queue, purge=purge, env=env)
    try:
        yield worker.start()
    finally:
        worker.stop()


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


# ---------------------------------------------------------------------------
# Services of the tests' own, for fault tests: never the machine's shared Redis or PostgreSQL
# ---------------------------------------------------------------------------


class RedisServer:
    """A redis-server on a free port; stop (or kill) it and start it again on the same port, as
    an operator's restart or a crash would. Nothing on disk, unless `persistent`: then an
    append-only file (as docker-compose.yml's broker), so what was queued survives a restart."""

    def __init__(self, port: int | None = None, *, persistent: bool = False):
        self.port = port or free_port()
        self.persistent = persistent
        self.dir = tempfile.mkdtemp(prefix="test-redis-")
        self.process = None
        self.log: list[str] = []

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                   "--save", "", "--dir", self.dir]  # fmt: skip
        command += ["--appendonly", "yes", "--appendfsync", "always"] if self.persistent else [
            "--appendonly", "no"]  # fmt: skip
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        _collect(self.process, self.log)
        _wait_until(self.answers, process=self.process, log=self.log, what="redis-server")

    def answers(self) -> bool:
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def stop(self, *, kill: bool = False) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill() if kill else self.process.terminate()
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def redis_server():
    """A RedisServer of the test's own, started; removed afterwards."""
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.remove()


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise RuntimeError("No PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    return Path(found[-1]).parent


class PostgresServer:
    """A PostgreSQL cluster of the test's own (initdb on a temporary directory, a free port,
    trust for local connections) that can be restarted or crashed while a server uses it.
    PostgreSQL refuses to run as root, so as root its programs run as the postgres user."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.bin = _postgres_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="test-postgres-"))
        self.data = self.dir / "data"
        self.user = None
        if os.geteuid() == 0:
            self.user = pwd.getpwnam("postgres")
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync")  # fmt: skip

    def _run(self, program: str, *args: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [str(self.bin / program), *args], capture_output=True, text=True, timeout=120,
            cwd=self.dir, **({"user": self.user.pw_uid, "group": self.user.pw_gid,
                              "extra_groups": []} if self.user else {}),
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(f"{program} failed:\n{done.stdout}{done.stderr}")
        return done

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        # Durability is not under test: fsync off makes a test cluster fast on a busy machine.
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
                   " -c synchronous_commit=off -c full_page_writes=off")  # fmt: skip
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"),
                  "-w", "-t", "120", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """mode "fast": sessions are ended, as an operator's restart; "immediate": a crash."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                         "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", sql).stdout  # fmt: skip

    def remove(self) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def postgres_server():
    """A PostgresServer of the test's own, started; removed afterwards."""
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.remove()
