"""Run by the regions scenario in a child process (fresh memory): check, then apply, a region
file inside a transaction rolled back; prints one JSON line of figures."""

import json
import resource
import sys
import time


def main(path: str) -> None:
    import django

    django.setup()
    from django.db import transaction

    from portal.region_import.services import region_import_load

    rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    figures = {}
    with transaction.atomic():
        for step, apply in (("check_s", False), ("apply_s", True)):
            started = time.perf_counter()
            with open(path, "rb") as f:
                found = region_import_load(file=f, file_name=path, apply=apply, applied_by=None)
            figures[step] = time.perf_counter() - started
            if not found.ok:
                raise SystemExit(f"refused: {found.file_error} {found.errors[:3]}")
        transaction.set_rollback(True)
    figures.update(
        rows=found.rows,
        rss_start_mb=rss_start,
        rss_peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main(sys.argv[1])
