"""The database backend: PostgreSQL full-text search, or SQLite FTS5, over the search_document
table (see search/migrations/0002_full_text.py for the index each one builds).

Every part of a query, text, permissions and facet filters, is one WHERE clause, so a page,
its total and its facet counts all come from the same rows.
"""

from datetime import UTC

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from search.backends import FACETS, Ending, Found, Query, Row, index_changed
from search.documents import Doc
from search.models import SearchDocument

TABLE = SearchDocument._meta.db_table
# The GROUPING value that marks an ending's row in _postgres_one_pass (GROUPING is never < 0).
ENDING = -1


def _quoted_words(tokens) -> list[str]:
    # Tokens are letters and digits only (search.text); quoting is belt and braces.
    return ['"' + t.replace('"', '""') + '"' for t in tokens]


class DatabaseBackend:
    name = "database"

    # --- writing -------------------------------------------------------------------------

    def upsert(self, docs: list[Doc]) -> None:
        by_kind: dict[str, list[int]] = {}
        for doc in docs:
            by_kind.setdefault(doc.kind, []).append(doc.object_id)
        with transaction.atomic():
            for kind, ids in by_kind.items():
                SearchDocument.objects.filter(kind=kind, object_id__in=ids).delete()
            SearchDocument.objects.bulk_create([self._row(d) for d in docs], batch_size=500)
        index_changed()

    def delete(self, kind: str, ids) -> None:
        SearchDocument.objects.filter(kind=kind, object_id__in=list(ids)).delete()
        index_changed()

    def replace_kind(self, kind: str, batches) -> int:
        """Rebuild one kind in one transaction: searches see the old documents until commit."""
        count = 0
        with transaction.atomic():
            SearchDocument.objects.filter(kind=kind).delete()
            for docs in batches:
                SearchDocument.objects.bulk_create([self._row(d) for d in docs], batch_size=500)
                count += len(docs)
        index_changed()
        return count

    def digests(self, kind: str) -> dict[int, str]:
        return dict(
            SearchDocument.objects.filter(kind=kind).values_list("object_id", "digest").iterator()
        )

    def clear(self) -> None:
        SearchDocument.objects.all().delete()
        index_changed()

    @staticmethod
    def _row(doc: Doc) -> SearchDocument:
        return SearchDocument(
            kind=doc.kind,
            object_id=doc.object_id,
            title=doc.title[:200],
            body=doc.body,
            url=doc.url,
            region=doc.region,
            region_path=doc.region_path,
            industry=doc.industry,
            stage=doc.stage,
            acl=" ".join(doc.acl),
            until=doc.until,
            title_tokens=doc.title_tokens,
            body_tokens=doc.body_tokens,
            digest=doc.digest,
        )

    # --- reading -------------------------------------------------------------------------

    def search(self, query: Query) -> Found:
        if connection.vendor == "postgresql":
            joins, where, params, rank, ends = self._postgres(query)
            base = f"FROM {TABLE} d {joins} WHERE {where}"
            if query.facets:
                with connection.cursor() as cursor:
                    return self._postgres_one_pass(cursor, base, params, rank, ends, query)
            rank += " DESC"
        else:
            joins, where, params, rank, ends = self._sqlite(query)
        base = f"FROM {TABLE} d {joins} WHERE {where}"
        expires, endings = None, []
        with connection.cursor() as cursor:
            if query.facets:
                facets, total, expires = self._facets(cursor, base, params, ends)
                if total and query.endings_limit:
                    endings = self._endings(cursor, base, params, ends, query)
            else:  # rows only: the total is what the page of rows holds
                facets, total = {name: {} for name in FACETS}, None
            rows = []
            if total is None or total:
                cursor.execute(
                    f"SELECT d.kind, d.object_id, d.title, d.body, d.url {base} "  # noqa: S608
                    f"ORDER BY {rank}, d.kind, d.object_id LIMIT %s OFFSET %s",
                    [*params, query.limit, query.offset],
                )
                rows = [Row(*r) for r in cursor.fetchall()]
        if total is None:
            total = query.offset + len(rows)
        return Found(
            total=total,
            rows=rows,
            facets=facets,
            timed=query.facets,
            expires=expires,
            endings=endings,
        )

    @staticmethod
    def _postgres_one_pass(cursor, base, params, rank, ends, query: Query) -> Found:
        """Facet counts, total, first end, the endings asked for and the page of rows from one
        pass over the matching rows: each is read (and ranked) once, not once for the counts
        and again for the page."""
        cursor.execute(
            f"""WITH m AS MATERIALIZED (
                SELECT d.id, d.kind, d.region, d.industry, d.stage, {ends} AS e, d.object_id,
                    {rank} AS r {base}
            ), f AS (
                SELECT GROUPING(kind, region, industry, stage) AS g, kind, region, industry,
                    stage, count(*) AS n, min(e) AS e
                FROM m GROUP BY GROUPING SETS ((kind), (region), (industry), (stage), ())
            ), t AS (
                SELECT id, kind, object_id, r FROM m
                ORDER BY r DESC, kind, object_id LIMIT %s OFFSET %s
            ), x AS (
                SELECT kind, region, industry, stage, e, object_id FROM m
                WHERE e < %s ORDER BY e, kind, object_id LIMIT %s
            )
            SELECT f.g, f.kind, f.region, f.industry, f.stage, f.n, f.e,
                NULL::real, NULL::bigint, NULL, NULL, NULL FROM f
            UNION ALL
            SELECT NULL, t.kind, NULL, NULL, NULL, NULL, NULL, t.r, t.object_id, d.title,
                d.body, d.url FROM t JOIN {TABLE} d ON d.id = t.id
            UNION ALL
            SELECT {ENDING}, x.kind, x.region, x.industry, x.stage, NULL, x.e, NULL,
                x.object_id, NULL, NULL, NULL FROM x""",  # noqa: S608
            [
                *params,
                query.limit,
                query.offset,
                # None asked for: LIMIT 0 (PostgreSQL reads nothing for it).
                _time(query.endings_before or query.now),
                query.endings_limit,
            ],
        )
        facets = {name: {} for name in FACETS}
        total, expires, ranked, endings = 0, None, [], []
        # GROUPING's bits: kind 8, region 4, industry 2, stage 1 (a set bit: not grouped).
        columns = {7: "kind", 11: "region", 13: "industry", 14: "stage"}
        for row in cursor.fetchall():
            grouping, *values, count, first_end, rank_of, object_id, title, body, url = row
            if rank_of is not None:  # a row of the page
                ranked.append(
                    (-rank_of, values[0], object_id, Row(values[0], object_id, title, body, url))
                )
            elif grouping == ENDING:
                endings.append(Ending(first_end, values[0], object_id, *values[1:]))
            elif grouping == 15:
                total, expires = count, first_end
            elif grouping in columns:
                name = columns[grouping]
                value = values[FACETS.index(name)]
                if value:
                    facets[name][value] = count
        # The page's order (rank, then kind and id), and the endings' (soonest first), which
        # the union does not keep.
        ranked.sort(key=lambda item: item[:3])
        rows = [item[3] for item in ranked]
        endings.sort(key=lambda e: (e.until, e.kind, e.object_id))
        return Found(
            total=total, rows=rows, facets=facets, timed=True, expires=expires, endings=endings
        )

    @staticmethod
    def _facets(cursor, base, params, ends):
        """SQLite: counts per facet value, the total, and when the first matching document's
        end comes for the searcher, over the matching rows."""
        facets = {name: {} for name in FACETS}
        cursor.execute(f"SELECT count(*), min({ends}) {base}", params)  # noqa: S608
        total, first_end = cursor.fetchone()
        if total:
            for name in FACETS:
                cursor.execute(
                    f"SELECT d.{name}, count(*) {base} AND d.{name} != '' GROUP BY d.{name}",  # noqa: S608
                    params,
                )
                facets[name] = dict(cursor.fetchall())
        return facets, total, _aware(first_end)

    @staticmethod
    def _endings(cursor, base, params, ends, query: Query) -> list[Ending]:
        """SQLite: the matching documents whose end for the searcher comes before
        query.endings_before, soonest first, at most query.endings_limit."""
        cursor.execute(
            f"SELECT {ends} AS e, d.kind, d.object_id, d.region, d.industry, d.stage "  # noqa: S608
            f"{base} AND ({ends}) < %s ORDER BY e, d.kind, d.object_id LIMIT %s",
            [*params, _time(query.endings_before), query.endings_limit],
        )
        return [Ending(_aware(until), *rest) for until, *rest in cursor.fetchall()]

    @staticmethod
    def _filters(query: Query) -> tuple[list[str], list]:
        where, params = [], []
        for name in ("kind", "industry", "stage"):
            value = getattr(query, name)
            if value:
                where.append(f"d.{name} = %s")
                params.append(value)
        if query.region_path:
            # Paths are [0-9A-Z] (treebeard): no LIKE wildcard can hide in them.
            where.append("d.region_path LIKE %s")
            params.append(query.region_path + "%")
        return where, params

    def _postgres(self, query: Query):
        """(joins, where, params, rank, ends): `ends` is when a matching row stops being
        visible to the searcher, NULL when never (search.access: a staff grant sees a document
        whatever its end, an ordinary one until it). Rank and ends are written into the SQL:
        they come before the WHERE's parameters in _postgres_one_pass, after them in search();
        they hold only words and grant tokens (letters and digits, search.text and access)."""
        text = " & ".join(f"'{t}':AB" for t in query.tokens)
        where, params = ["d.vector @@ to_tsquery('simple', %s)"], [text]
        grants, ends = query.grants, "NULL::timestamptz"
        if not grants.everything:
            ordinary = " | ".join(f"'{t}':D" for t in grants.ordinary)
            clause = "(d.vector @@ to_tsquery('simple', %s) AND (d.until IS NULL OR d.until >= %s))"
            params += [ordinary, _now(query)]
            ends = "d.until"
            if grants.staff:
                staff = " | ".join(f"'{t}':D" for t in grants.staff)
                seen_by_staff = f"d.vector @@ to_tsquery('simple', {_literal(staff)})"
                clause = f"({seen_by_staff} OR {clause})"
                ends = f"CASE WHEN {seen_by_staff} THEN NULL ELSE d.until END"
            where.append(clause)
        more, more_params = self._filters(query)
        rank = "ts_rank(d.vector, to_tsquery('simple', %s))"
        return (
            "",
            " AND ".join(where + more),
            params + more_params,
            rank.replace("%s", _literal(text)),
            ends,
        )

    def _sqlite(self, query: Query):
        """As _postgres, for FTS5 (the grant tokens of `ends` written into the SQL)."""
        match = " AND ".join(_quoted_words(query.tokens))
        where = ["search_fts MATCH %s"]
        params = [match]
        grants, ends = query.grants, "NULL"
        if not grants.everything:
            ordinary = _acl_holds_any(["%s"] * len(grants.ordinary))
            clause = f"({ordinary} AND (d.until IS NULL OR d.until >= %s))"
            params += [f" {t} " for t in grants.ordinary] + [_now(query)]
            ends = "d.until"
            if grants.staff:
                seen_by_staff = _acl_holds_any(_literal(f" {t} ") for t in grants.staff)
                clause = f"({seen_by_staff} OR {clause})"
                ends = f"CASE WHEN {seen_by_staff} THEN NULL ELSE d.until END"
            where.append(clause)
        more, more_params = self._filters(query)
        joins = "JOIN search_fts ON search_fts.rowid = d.id"
        # bm25 weights: a title match counts ten times a body match (lower is better).
        return (
            joins,
            " AND ".join(where + more),
            params + more_params,
            "bm25(search_fts, 10.0, 1.0)",
            ends,
        )


def _acl_holds_any(values) -> str:
    """SQLite: whether the row's acl holds any of `values` (SQL strings of ' token ')."""
    return "(" + " OR ".join(f"instr(' ' || d.acl || ' ', {v}) > 0" for v in values) + ")"


def _now(query: Query):
    return _time(query.now)


def _time(value):
    return connection.ops.adapt_datetimefield_value(value)


def _aware(value):
    """SQLite answers an aggregate of a datetime column as its stored text (UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _literal(text: str) -> str:
    """A tsquery string as an SQL literal; it holds only letters, digits and tsquery syntax."""
    return "'" + text.replace("'", "''") + "'"
