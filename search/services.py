"""Keeping the index in step with the database (DESIGN.md, "How data flows").

Services of other apps announce what they changed (portal.changes); search subscribes to the
labels of every kind it indexes (SearchConfig.ready). After each commit it gets one call with
everything the transaction changed and starts one Celery task per kind with those ids; the task
reads each object again and indexes it, or removes it when it is gone or no longer searchable (a
closed job, an unpublished lesson). Reading the database afresh makes the task idempotent: run
it twice, or late, and the index ends up the same.
"""

import logging
from collections.abc import Iterable, Iterator

from portal.changes import Changes
from search.backends import get_backend
from search.documents import KINDS, Doc, Regions, build_docs

logger = logging.getLogger(__name__)
BATCH = 500
# Model label -> the search kind that indexes it.
LABEL_KINDS = {label: kind.name for kind in KINDS.values() for label in kind.labels}


def changes_index(changes: Changes) -> None:
    """Subscriber of portal.changes: one index task per kind for a committed transaction."""
    by_kind: dict[str, set[int]] = {}
    for label, kind in LABEL_KINDS.items():
        by_kind.setdefault(kind, set()).update(changes.ids(label))
    for kind, ids in by_kind.items():
        if ids:
            index_enqueue(kind, sorted(ids))


def index_enqueue(kind: str, ids: list[int]) -> None:
    """Start the index task for these ids of one kind; a broker that is down is only logged."""
    from search.tasks import index_documents

    try:
        index_documents.apply_async(args=[kind, ids], retry=False)
    except Exception as error:  # noqa: BLE001 - kombu/redis raise many kinds when it is away
        # A person's action never fails for the index; the nightly check repairs the drift.
        logger.warning(
            "broker unavailable; search index update of %s %s deferred (%r)", kind, ids, error
        )


def documents_sync(*, kind: str, ids: Iterable[int]) -> dict[str, int]:
    """Index the searchable objects among `ids` and remove the others; then the same for the
    documents that depend on them (an organisation's postings). Returns counts."""
    spec = KINDS[kind]
    ids = sorted({int(i) for i in ids})
    backend = get_backend()
    objects = list(spec.queryset().filter(pk__in=ids))
    docs = build_docs(spec, objects)
    if docs:
        backend.upsert(docs)
    gone = set(ids) - {d.object_id for d in docs}
    if gone:
        backend.delete(kind, gone)
    for other, other_ids in spec.related(ids).items():
        if other_ids:
            documents_sync(kind=other, ids=other_ids)
    return {"indexed": len(docs), "removed": len(gone)}


def _batches(kind: str, regions: Regions, progress=None) -> Iterator[list[Doc]]:
    spec = KINDS[kind]
    queryset = spec.queryset()
    pks = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        objects = list(spec.queryset().filter(pk__in=chunk))
        docs = build_docs(spec, objects, regions)
        if progress is not None:
            progress(len(docs))
        yield docs


def index_rebuild(*, kinds: Iterable[str] | None = None, progress=None) -> dict[str, int]:
    """Rebuild the index of each kind from the database, behind the alias (Elasticsearch) or
    in one transaction (database): searches keep answering from the old index meanwhile."""
    backend = get_backend()
    regions = Regions()
    counts = {}
    for kind in kinds or KINDS:
        counts[kind] = backend.replace_kind(kind, _batches(kind, regions, progress))
    return counts


def index_count(kind: str) -> int:
    return KINDS[kind].queryset().count()


def index_check(*, repair: bool = True) -> dict[str, dict[str, int]]:
    """Compare the index with the database, kind by kind: documents missing, stale (their
    digest differs) and extra (no longer searchable). With `repair` the drift is synced."""
    backend = get_backend()
    regions = Regions()
    report = {}
    for kind in KINDS:
        indexed = backend.digests(kind)
        missing, stale, seen = [], [], set()
        for docs in _batches(kind, regions):
            for doc in docs:
                seen.add(doc.object_id)
                digest = indexed.get(doc.object_id)
                if digest is None:
                    missing.append(doc.object_id)
                elif digest != doc.digest:
                    stale.append(doc.object_id)
        extra = sorted(set(indexed) - seen)
        report[kind] = {"missing": len(missing), "stale": len(stale), "extra": len(extra)}
        if repair and (missing or stale or extra):
            logger.warning("search index drift for %s: %s", kind, report[kind])
            documents_sync(kind=kind, ids=[*missing, *stale, *extra])
    return report
