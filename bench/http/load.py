"""The load clients: wrk (Debian's `wrk`, with bench/wrk_json.lua printing one JSON line) where
installed, else Python threads on keep-alive connections. Both give req/s, p50, p95, p99 and errors
(connection errors, timeouts and, for wrk, any status >= 400; for Python, any status but 200)."""

import http.client
import json
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.http.servers import request_headers
from bench.runner import BenchError, percentile

LUA = Path(__file__).resolve().parents[1] / "wrk_json.lua"
TIMEOUT = 2.0  # seconds, wrk's default: a slower answer counts as an error


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    p95_ms: float
    requests: int
    errors: int


def client_name(wanted: str) -> str:
    if wanted == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if wanted == "wrk" and not shutil.which("wrk"):
        raise BenchError("wrk is not installed (apt-get install -y wrk).")
    return wanted


def run(
    client: str, url: str, cookie: str, *, seconds: float, connections: int, before=None
) -> Result:
    """`before`, if given, is called before each request (the Python client only)."""
    if client == "wrk":
        if before is not None:
            raise BenchError("wrk cannot call back before each request")
        return _wrk(url, cookie, seconds, connections)
    return _python(url, cookie, seconds, connections, before)


def _wrk(url: str, cookie: str, seconds: float, connections: int) -> Result:
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds:g}s",
               f"--timeout={TIMEOUT:g}s", "--latency", "-s", str(LUA)]  # fmt: skip
    for name, value in request_headers(cookie).items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(  # noqa: S603 - wrk, with our own arguments
        [*command, url], capture_output=True, text=True, timeout=seconds + 120
    )  # fmt: skip
    try:
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError) as error:
        raise BenchError(f"wrk printed no figures: {done.stdout}{done.stderr}") from error
    return Result(
        rps=figures["rps"],
        p50_ms=figures["p50_ms"],
        p99_ms=figures["p99_ms"],
        p95_ms=figures["p95_ms"],
        requests=figures["requests"],
        errors=figures["errors"],
    )


def _python(url: str, cookie: str, seconds: float, connections: int, before=None) -> Result:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = request_headers(cookie)
    timings: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + seconds

    def worker() -> None:
        mine, failed = [], 0
        connection = None
        while time.perf_counter() < deadline:
            if before is not None:
                before()  # outside the request's time
            began = time.perf_counter()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(
                        parts.hostname, parts.port, timeout=TIMEOUT
                    )
                connection.request("GET", target, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
                mine.append(time.perf_counter() - began)
            except OSError:
                failed += 1
                if connection is not None:
                    connection.close()
                connection = None
        if connection is not None:
            connection.close()
        with lock:
            timings.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if not timings:
        return Result(0.0, 0.0, 0.0, 0.0, 0, errors[0])
    return Result(
        rps=len(timings) / elapsed,
        p50_ms=percentile(timings, 0.50) * 1000,
        p99_ms=percentile(timings, 0.99) * 1000,
        p95_ms=percentile(timings, 0.95) * 1000,
        requests=len(timings),
        errors=errors[0],
    )
