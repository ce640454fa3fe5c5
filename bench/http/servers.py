"""The two web processes of `make bench-http`: the portal (uvicorn portal.asgi with production
settings) and the floor (bench/floor), each one uvicorn process; and their peak memory."""

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.runner import BenchError

ROOT = Path(__file__).resolve().parents[2]
FLOOR = ROOT / "bench" / "floor"
# Production settings redirect plain HTTP to HTTPS; a proxy in front says the request came in
# over HTTPS (SECURE_PROXY_SSL_HEADER), and so does every request of the benchmark.
HEADERS = {"X-Forwarded-Proto": "https"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# What the bench's own process (test settings, portal.settings.test) put in its environment that
# production does not have: without a pool size the portal takes production's default pool; the
# inherited "0" had it open a PostgreSQL connection for every request and every chat send.
NOT_INHERITED = {"SECURE_SSL_REDIRECT", "DJANGO_SETTINGS_MODULE", "DATABASE_POOL_SIZE"}


def production_env(*, database_url: str, redis_url: str, secret_key: str, static_root: str):
    """The portal's environment: production settings (portal.settings.base, DEBUG off) on the
    bench database and Redis. Variables a .env could fill in are set empty."""
    env = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.base",
            "DEBUG": "false",
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "EMAIL_URL": "dummymail://",
            "STATIC_ROOT": static_root,
            "LOG_LEVEL": "WARNING",
            "CELERY_BROKER_URL": "",
            "ELASTICSEARCH_URL": "",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def collectstatic(env: dict) -> None:
    """The manifest storage of production needs collected files (into a temporary STATIC_ROOT)."""
    result = subprocess.run(
        [sys.executable, "-m", "django", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode:
        raise BenchError(f"collectstatic failed:\n{result.stdout}{result.stderr}")


def floor_cookie(env: dict) -> str:
    """Migrate the floor's database, make its users; the session cookie of the first."""
    result = subprocess.run(
        [sys.executable, "floor_setup.py"], cwd=FLOOR, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise BenchError(f"floor setup failed:\n{result.stdout}{result.stderr}")
    return result.stdout.strip().splitlines()[-1]


def floor_env(*, database_url: str, redis_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "floor_settings",
        "FLOOR_DATABASE_URL": database_url,
        "FLOOR_REDIS_URL": redis_url,
        "PYTHONPATH": str(FLOOR),
    }


class Server:
    """One uvicorn process; its output goes to a temporary file, shown if it fails to start."""

    def __init__(self, app: str, *, cwd: Path, env: dict, probe: str):
        self.app, self.cwd, self.env, self.probe = app, cwd, env, probe
        self.port = free_port()
        self.process = None
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed by stop()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, seconds: float = 120) -> None:
        command = [sys.executable, "-m", "uvicorn", self.app, "--host", "127.0.0.1", "--port",
                   str(self.port), "--log-level", "warning", "--no-access-log"]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            command, cwd=self.cwd, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + seconds
        while get(self.base + self.probe, "")[0] is None:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                raise BenchError(f"{self.app} did not start:\n{self.log.read()[-4000:]}")
            time.sleep(0.3)

    def peak_rss_mb(self) -> float | None:
        """VmHWM of the process: the most resident memory it has held."""
        try:
            with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


def get(url: str, cookie: str, timeout: float = 30) -> tuple[int | None, bytes]:
    """One GET as the load client sends it; (None, b"") when nothing answers."""
    rest = url.split("://", 1)[1]
    hostport, _, path = rest.partition("/")
    host, _, port = hostport.partition(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("GET", "/" + path, headers=request_headers(cookie))
        response = connection.getresponse()
        return response.status, response.read()
    except OSError:
        return None, b""
    finally:
        connection.close()


def request_headers(cookie: str) -> dict:
    return {**HEADERS, **({"Cookie": cookie} if cookie else {})}


def run_and_clean_up(prog: str, databases, *, keep: bool, prefix: str, run) -> int:
    """run(running, workdir) -> exit code, with a temporary directory; whatever happens after,
    the servers it appended to `running` stop, Django's connections close and the databases are
    dropped (or, with `keep`, named). A BenchError is printed as the run's one line of failure."""
    running: list[Server] = []
    try:
        with tempfile.TemporaryDirectory(prefix=prefix) as workdir:
            return run(running, workdir)
    except BenchError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 1
    finally:
        for server in running:
            server.stop()
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        for db in databases:
            if keep and db.url:
                print(f"kept      {db.url}")
            else:
                db.destroy()
