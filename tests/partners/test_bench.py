"""`make bench` includes the partners scenario: it runs at small scale on a throwaway SQLite file
and prints p50/p95 and query counts for the public list and the employer dashboard. Nothing is
asserted about speed here (that is what the benchmark's figures are for)."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIGURES = r"p50\s+\d+\.\d+ ms\s+p95\s+\d+\.\d+ ms\s+\d+ queries"


def test_the_partners_benchmark_prints_its_figures():
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"BENCH_DATABASE_URL", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    result = subprocess.run(
        [sys.executable, "-m", "bench", "partners", "--scale", "small", "--requests", "3"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for label in ("public job list, 3 filters", r"employer dashboard \(50 referrals\)"):
        assert re.search(rf"^partners\s+{label}.*{FIGURES}", out, re.M), out
