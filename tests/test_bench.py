"""`make bench` keeps working: the groups and API scenarios at small scale, on a throwaway
SQLite file. The API scenario seeds the data of the groups scenario it builds on, and the groups
scenario, run after it, measures that same data instead of seeding again.

This checks the benchmark runs and prints figures; it asserts nothing about speed (speed targets
live in the benchmark's output, never in a timed unit test).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES = r"p50\s+\d+\.\d+ ms\s+p95\s+\d+\.\d+ ms\s+\d+ queries"


def test_the_groups_and_api_benchmarks_print_p50_and_p95_of_their_pages():
    # No BENCH_DATABASE_URL: a temporary SQLite file. DATABASE_URL and the service URLs of the
    # suite's own run (CI's PostgreSQL and Redis) must not reach the benchmark either.
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"BENCH_DATABASE_URL", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    result = subprocess.run(
        [sys.executable, "-m", "bench", "api", "groups", "--scale", "small", "--requests", "3"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert re.search(
        r"^seed\s+api\s+2,000 groups; 1,000 jobs, 50 referrals\s+\d+\.\d+ s$", out, re.M
    ), out
    assert re.search(r"^seed\s+groups\s+2,000 groups\s+\d+\.\d+ s$", out, re.M), out
    assert "database  sqlite" in out, out
    for label in ("coordinator list, 2 filters", "group page"):
        assert re.search(rf"^groups\s+{label}.*2,000 groups\s+{FIGURES}", out, re.M), out
    # The app's token from the headless login opens each call (every answer must be 200).
    for label in ("me \\(volunteer\\)", "my hours", "my lessons", "room messages", "referrals"):
        assert re.search(rf"^api\s+{label}.*referrals\s+{FIGURES}", out, re.M), out
