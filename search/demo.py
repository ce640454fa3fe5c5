"""seed_demo: index what the other apps' demo data made (search comes last in the registry)."""

from search.services import index_rebuild


def seed(*, stdout) -> None:
    counts = index_rebuild()
    stdout.write(f"Search: {sum(counts.values())} documents indexed.")
