"""The table `make bench-http` prints: one row per page, its figures, the floor's run just before
it, and the ratios (req/s ratio = page ÷ floor, higher is better; p99 ratio = page ÷ floor,
lower is better). Issue 20's targets: req/s ratio ≥ 0.5, p99 ratio ≤ 2, no errors."""

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


def memory(label: str, megabytes: float | None) -> str:
    figure = f"{megabytes:.0f} MB" if megabytes is not None else "unknown (no /proc)"
    return f"peak RSS  {label:<34}{figure} (VmHWM)"
