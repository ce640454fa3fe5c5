"""Demo figures (called by `manage.py seed_demo`, after every other app's demo data): the full
recompute, so the dashboards open with figures for the whole history at once."""

from dashboards.services import figures_recompute_all


def seed(*, stdout) -> None:
    result = figures_recompute_all()
    stdout.write(
        f"Dashboards: {result.total} figure cells counted over {result.months} months "
        f"in {result.seconds:.1f} s."
    )
