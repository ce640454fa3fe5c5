"""The table `make bench-http` prints: one row per page, its figures, the floor's run just before
it, and the ratios (req/s ratio = page ÷ floor, higher is better; p99 ratio = page ÷ floor,
lower is better). Issue 20's targets: req/s ratio ≥ 0.5, p99 ratio ≤ 2, no errors; then the
server-time budgets (p95 of one request after another) and the web process's peak memory."""

from bench.http.load import Result

HEADER = (
    f"{'page':<22}{'role':<14}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>7}  | "
    f"{'floor req/s':>11}{'p99 ms':>9}{'errors':>7}  | {'req/s ratio':>11}{'p99 ratio':>10}"
)


def ratio(page: float, floor: float) -> str:
    return f"{page / floor:.2f}" if floor else "-"


def row(name: str, role: str, page: Result, floor: Result) -> str:
    return (
        f"{name:<22}{role:<14}{page.rps:8.1f}{page.p50_ms:9.1f}{page.p99_ms:9.1f}"
        f"{page.errors:7d}  | {floor.rps:11.1f}{floor.p99_ms:9.1f}{floor.errors:7d}  | "
        f"{ratio(page.rps, floor.rps):>11}{ratio(page.p99_ms, floor.p99_ms):>10}"
    )


BUDGET_HEADER = (
    f"{'server time, one connection':<36}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}"
    f"{'budget':>9}{'errors':>7}"
)


def budget_row(name: str, result: Result, budget_ms: float) -> str:
    verdict = "met" if result.p95_ms < budget_ms and not result.errors else "MISSED"
    return (
        f"{name:<36}{result.requests:9d}{result.p50_ms:9.1f}{result.p95_ms:9.1f}"
        f"{f'< {budget_ms:g}':>9}{result.errors:7d}  {verdict}"
    )


MEMORY_TARGET_MB = 300


def memory(label: str, megabytes: float | None, *, target: bool = False) -> str:
    if megabytes is None:
        return f"peak RSS  {label:<34}unknown (no /proc)"
    aim = f"; target < {MEMORY_TARGET_MB} MB" if target else ""
    return f"peak RSS  {label:<34}{megabytes:.0f} MB (VmHWM{aim})"
