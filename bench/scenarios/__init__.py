"""Benchmark scenarios: drop a module here and `python -m bench` finds it by its file name.

A scenario module exposes

    NAME = "groups"            # the module's name; the first column of the figures
    def seed(scale) -> str     # fill the database for scale "small" or "full"; returns what it
                               # made, e.g. "50,000 groups" (printed with the seeding time)
    def run(report) -> None    # time requests with report.measure(label, client, path)

Scenarios may import Django freely at module level: the runner imports them only after it has
chosen the throwaway database and called django.setup(). All scenarios seed the same database
first, then all run, so every figure is taken on the whole seeded data set.
"""
