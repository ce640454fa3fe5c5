"""`make bench` includes the dashboards scenario: at small scale on a throwaway SQLite file it
prints p50/p95 and query counts of the three dashboards, the full recompute and one incremental
update. Nothing is asserted about speed (the benchmark's figures are for that)."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIGURES = r"p50\s+\d+\.\d+ ms\s+p95\s+\d+\.\d+ ms\s+(\d+) queries"


def test_the_dashboards_benchmark_prints_its_figures():
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"BENCH_DATABASE_URL", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    result = subprocess.run(
        [sys.executable, "-m", "bench", "dashboards", "--scale", "small", "--requests", "3"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for label in ("province", "city", "county"):
        found = re.search(rf"^dashboards\s+{label} dashboard.*{FIGURES}", out, re.M)
        assert found, out
        assert int(found[1]) <= 15
    assert re.search(r"^dashboards\s+full recompute \(nightly\)\s+\d+\.\d+ s", out, re.M), out
    assert re.search(r"^dashboards\s+incremental update \(one group\)\s+\d+\.\d+ ms", out, re.M), (
        out
    )
