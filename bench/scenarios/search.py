"""Search at provincial scale: about 130,000 documents (6,500 small) across kinds, searched by
a coordinator of 广东省 (who may see every kind), with ten realistic Chinese queries.

Figures, for the database backend (SQLite FTS5, or PostgreSQL with BENCH_DATABASE_URL) and for
the Elasticsearch backend on an Elasticsearch-API-compatible STAND-IN server (noida-db, not a
real Elasticsearch; BENCH_ELASTICSEARCH_URL, or the noida-db installed in the venv is started on
a free port; without either those figures are skipped with a note):
  - p50/p95 server time of /search/?q=... per query (the whole page: permissions, facets, page);
  - index rebuild throughput (documents per second, `search_index --rebuild`);
  - save-to-findable lag: a job's title changes in a transaction, a real Celery worker (Redis
    broker: BENCH_REDIS_URL, default redis://127.0.0.1:6379/11) indexes it; the time from the
    commit until search.query finds the new title (skipped with a note without Redis).
"""

import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

import search
from bench.runner import percentile
from portal import services
from portal.models import AccountKind, Region, StaffRole, User

NAME = "search"
ROOT = Path(__file__).resolve().parents[2]
PROVINCE = "440000"
COORDINATOR = "search.coordinator@bench.example.cn"
SIZES = {
    "small": {
        "groups": 2_000, "volunteers": 2_000, "social_workers": 200, "organisations": 100,
        "jobs": 1_500, "programmes": 300, "lessons": 100,
    },
    "full": {
        "groups": 50_000, "volunteers": 55_000, "social_workers": 5_000, "organisations": 1_000,
        "jobs": 15_000, "programmes": 3_000, "lessons": 1_000,
    },
}  # fmt: skip
QUERIES = (
    "就业",
    "矫正",
    "危险驾驶",
    "心理健康",
    "法律援助",
    "入矫第一课",
    "家风教育",
    "数控车床操作工",
    "职业技能培训",
    "社工 天河区",
)
LAG_SAMPLES = 20
_state: dict = {}


def _counts() -> dict[str, int]:
    from curriculum.models import LessonPage
    from groups.models import CorrectionGroup
    from partners.models import JobPlacement, Organisation, Programme
    from volunteers.models import VolunteerProfile

    return {
        "groups": CorrectionGroup.objects.count(),
        "volunteers": VolunteerProfile.objects.filter(kind="volunteer").count(),
        "social_workers": VolunteerProfile.objects.filter(kind="social_worker").count(),
        "organisations": Organisation.objects.count(),
        "jobs": JobPlacement.objects.count(),
        "programmes": Programme.objects.count(),
        "lessons": LessonPage.objects.count(),
    }


def seed(scale: str) -> str:
    # Other scenarios may have seeded some of it already: top up to the size, no more.
    have = _counts()
    missing = {k: max(0, n - have[k]) for k, n in SIZES[scale].items()}
    call_command("seed_scale", quiet=True, stdout=io.StringIO(), **missing)
    coordinator = services.user_create(
        email=COORDINATOR, password=None, display_name="搜索基准协调员",
        kind=AccountKind.STAFF, email_verified=True,
    )  # fmt: skip
    services.staff_role_grant(
        user=coordinator,
        role=StaffRole.Role.COORDINATOR,
        region=Region.objects.get(code=PROVINCE),
        granted_by=None,
    )
    _state["database_rebuild"] = _rebuild()
    return f"{_state['database_rebuild'][0]:,} documents"


def _rebuild() -> tuple[int, float]:
    from search.services import index_rebuild

    start = time.perf_counter()
    counts = index_rebuild()
    return sum(counts.values()), time.perf_counter() - start


def run(report) -> None:
    out = report.out
    client = Client()
    client.force_login(User.objects.get(email=COORDINATOR))
    documents, seconds = _state.get("database_rebuild") or _rebuild()
    _print_rebuild(out, "database", documents, seconds)
    _measure_queries(report, client, "db")
    _print_lag(out, "database", {})

    url = os.environ.get("BENCH_ELASTICSEARCH_URL", "")
    with _stand_in(url, out) as url:
        if not url:
            return
        old = settings.ELASTICSEARCH_URL, settings.SEARCH_INDEX_PREFIX
        settings.ELASTICSEARCH_URL, settings.SEARCH_INDEX_PREFIX = url, f"bench-{os.getpid()}"
        try:
            documents, seconds = _rebuild()
            _print_rebuild(out, "ES stand-in", documents, seconds)
            _measure_queries(report, client, "es")
            _print_lag(
                out,
                "ES stand-in",
                {"ELASTICSEARCH_URL": url, "SEARCH_INDEX_PREFIX": settings.SEARCH_INDEX_PREFIX},
            )
        finally:
            from search.backends import get_backend

            get_backend().clear()
            settings.ELASTICSEARCH_URL, settings.SEARCH_INDEX_PREFIX = old


def _print_rebuild(out, backend: str, documents: int, seconds: float) -> None:
    print(
        f"{NAME:<11}{'rebuild, ' + backend:<38}{documents:>16,}   "
        f"{seconds:7.1f} s  {documents / seconds:9,.0f} documents/s",
        file=out,
        flush=True,
    )


def _measure_queries(report, client, label: str) -> None:
    base = reverse("search:results")
    for text in QUERIES:
        results = search.query(User.objects.get(email=COORDINATOR), text, {}, 1)
        if results.unavailable:
            # The stand-in is not Elasticsearch: at full scale a broad query can outlast the
            # backend's 10-second timeout. Say so and go on rather than time an error page.
            print(f"{NAME:<11}{label + ' q=' + text:<38}{'':>16}   no answer within 10 s",
                  file=report.out, flush=True)  # fmt: skip
            continue
        report.measure(
            f"{label} q={text}",
            client,
            f"{base}?{urlencode({'q': text})}",
            size=f"{results.total:,} hits",
        )


# ---------------------------------------------------------------------------
# Save to findable, with a real worker
# ---------------------------------------------------------------------------


def _print_lag(out, backend: str, extra_env: dict) -> None:
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
    try:
        import redis

        redis.Redis.from_url(redis_url, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any failure means: no broker to measure with
        print(f"{NAME:<11}lag, {backend}: skipped (no Redis at {redis_url})", file=out)
        return
    lags = _lags(redis_url, extra_env)
    print(
        f"{NAME:<11}{'save to findable, ' + backend:<38}{len(lags):>10} saves   "
        f"p50 {percentile(lags, 0.5) * 1000:7.1f} ms  p95 {percentile(lags, 0.95) * 1000:7.1f} ms"
        "  (commit → worker → searchable)",
        file=out,
        flush=True,
    )


def _lags(redis_url: str, extra_env: dict) -> list[float]:
    import redis

    from partners.models import JobPlacement
    from portal import changes
    from portal.celery import app

    redis.Redis.from_url(redis_url).flushdb()
    env = {
        **os.environ,
        "CELERY_BROKER_URL": redis_url,
        "PYTHONPATH": str(ROOT),
        **extra_env,
    }
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    eager = app.conf.task_always_eager, app.conf.broker_url
    app.conf.update(task_always_eager=False, broker_url=redis_url)
    try:
        job = JobPlacement.objects.filter(status="open").order_by("pk").first()
        from search.documents import KINDS

        job = KINDS["job"].queryset().order_by("pk").first() or job
        lags = []
        for i in range(LAG_SAMPLES + 1):
            word = f"测速岗位{i:04d}号"
            with transaction.atomic():
                JobPlacement.objects.filter(pk=job.pk).update(title=word)
                changes.announce(job, what={"updated"})  # as every write service does
            start = time.perf_counter()
            while not search.query(None, word, {"kind": "job"}, 1).total:
                if time.perf_counter() - start > 30:
                    raise RuntimeError("the worker never indexed the change")
                time.sleep(0.005)
            if i:  # the first one waits for the worker to start
                lags.append(time.perf_counter() - start)
        return lags
    finally:
        app.conf.update(task_always_eager=eager[0], broker_url=eager[1])
        worker.terminate()
        worker.wait(timeout=30)


# ---------------------------------------------------------------------------
# The stand-in server
# ---------------------------------------------------------------------------


@contextmanager
def _stand_in(url: str, out):
    """The given URL, or noida-db's Elasticsearch API started for this run, or nothing."""
    if url:
        yield url
        return
    binary = shutil.which("noida-db") or str(Path(sys.executable).with_name("noida-db"))
    if not Path(binary).exists():
        print(
            f"{NAME:<11}ES stand-in: skipped (set BENCH_ELASTICSEARCH_URL or pip install noida-db)",
            file=out,
        )
        yield ""
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tempfile.mkdtemp(prefix="bench-es-")
    server = subprocess.Popen(  # noqa: S603 - the stand-in installed in our venv
        [binary, "start", "--only", "elasticsearch", "--elasticsearch-port", str(port),
         "--data-dir", data],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        print(f"{NAME:<11}ES stand-in: noida-db at {url} (an Elasticsearch-API stand-in)", file=out)
        yield url
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)
