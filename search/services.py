"""Keeping the index in step with the database (DESIGN.md, "How data flows").

Services of other apps call `index_later(kind, pk)` inside their transaction; after commit one
Celery task per kind takes every id changed in that transaction (batched), reads each object
again and indexes it, or removes it when it is gone or no longer searchable (a closed job, an
unpublished lesson). Reading the database afresh makes the task idempotent: run it twice, or
late, and the index ends up the same.
"""

import logging
from collections.abc import Iterable, Iterator

from django.db import transaction

from search.backends import get_backend
from search.documents import KINDS, Doc, Regions, build_docs

logger = logging.getLogger(__name__)
BATCH = 500


class _Pending:
    """The ids changed in the current transaction, flushed once on commit."""

    def __init__(self):
        self.ids: dict[str, set[int]] = {}

    def add(self, kind: str, pk: int) -> None:
        self.ids.setdefault(kind, set()).add(int(pk))

    def flush(self) -> None:
        for kind, ids in self.ids.items():
            _enqueue(kind, sorted(ids))
        self.ids = {}


def index_later(kind: str, pk) -> None:
    """Index (or remove) one object once the current transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown search kind {kind!r}")
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _enqueue(kind, [int(pk)])
        return
    # One batch per atomic block; a rolled-back block discards its on-commit callbacks, and
    # with them its batch, so a batch whose flush is no longer registered is started afresh.
    registered = {id(getattr(f, "__self__", None)) for _, f, _ in connection.run_on_commit}
    batches = connection.__dict__.setdefault("_search_pending", {})
    key = tuple(connection.savepoint_ids)
    pending = batches.get(key)
    if pending is None or id(pending) not in registered:
        for stale in [k for k, b in batches.items() if id(b) not in registered]:
            del batches[stale]
        pending = batches[key] = _Pending()
        transaction.on_commit(pending.flush, robust=True)
    pending.add(kind, pk)


def _enqueue(kind: str, ids: list[int]) -> None:
    from search.tasks import index_documents

    try:
        index_documents.apply_async(args=[kind, ids], retry=False)
    except Exception:  # noqa: BLE001 - kombu/redis raise many kinds when the broker is away
        # A person's action never fails for the index; the nightly check repairs the drift.
        logger.warning("broker unavailable; search index update of %s %s deferred", kind, ids)


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


MODEL_KINDS = {
    "partners.jobplacement": "job",
    "partners.programme": "programme",
    "partners.organisation": "organisation",
    "volunteers.activity": "activity",
    "volunteers.volunteerprofile": "volunteer",
    "groups.correctiongroup": "group",
}


def index_object_later(obj) -> None:
    """index_later for a model instance of a searchable kind (the one call services make)."""
    if obj is None:
        return
    index_later(MODEL_KINDS[obj._meta.label_lower], obj.pk)
