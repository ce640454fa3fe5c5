"""A real OpenID Connect provider for the single sign-on tests: the npm package oidc-provider
(server.mjs beside this file) under the machine's Node.js, on a free port of 127.0.0.1.

Its packages are pinned by package-lock.json and installed with `npm ci` into node_modules here
(not committed) the first time; CI may install them beforehand (`npm ci --prefix
tests/oidc_provider`). Its login pages are oidc-provider's development ones: any password, and
the login name picks one of the accounts given to `running`."""

import fcntl
import json
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLIENT_ID = "portal-tests"
CLIENT_SECRET = "portal-tests-secret"  # noqa: S105 - the test provider's only client


def installed() -> None:
    """node_modules, installed once: pytest-xdist's workers wait for each other on a lock, as
    two `npm ci` in one folder would delete each other's files."""
    marker = HERE / "node_modules" / "oidc-provider" / "package.json"
    lock = Path(tempfile.gettempdir()) / "portal-oidc-provider-npm.lock"
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if marker.is_file():
            return
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("The single sign-on tests need Node.js and npm (node 20 or later).")
        subprocess.run(  # noqa: S603 - a fixed command
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(*, redirect_uris: list[str], accounts: dict[str, dict]):
    """Start the provider; yields its issuer URL (what OIDC_SERVER_URL holds), stops it after."""
    installed()
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("The single sign-on tests need Node.js (node 20 or later).")
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.json"
        config.write_text(
            json.dumps(
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": redirect_uris,
                    "accounts": accounts,
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        log = Path(folder) / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 - a fixed command
                [node, str(HERE / "server.mjs"), str(port), str(config)],
                cwd=HERE,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            issuer = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 20
            while b"ready " not in log.read_bytes():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"The test provider did not start:\n{log.read_text()}")
                time.sleep(0.1)
            yield issuer
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
