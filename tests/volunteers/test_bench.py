"""`make bench` keeps working for volunteers: the scenario at small scale on a throwaway SQLite
file prints p50/p95 for the queue and directory, and the import's time and peak memory. It
asserts nothing about speed (the figures live in the benchmark's output)."""

import os
import re
import subprocess
import sys

from tests.servers import ROOT

FIGURES = r"p50\s+\d+\.\d+ ms\s+p95\s+\d+\.\d+ ms\s+\d+ queries"


def test_the_volunteers_benchmark_prints_its_figures():
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"BENCH_DATABASE_URL", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    result = subprocess.run(
        [sys.executable, "-m", "bench", "volunteers", "--scale", "small", "--requests", "3"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert re.search(r"^seed\s+volunteers\s+2,100 people", out, re.M), out
    for label in ("vetting queue, skill \\+ region", "directory, 3 filters"):
        assert re.search(rf"^volunteers\s*{label}.*2,100 people\s+{FIGURES}", out, re.M), out
    assert re.search(r"^volunteers import\s+1,000 rows\s+\d+\.\d+ s", out, re.M), out
    assert re.search(r"import, peak memory\s+1,000 rows\s+peak\s+\d+\.\d+ MiB", out, re.M), out
