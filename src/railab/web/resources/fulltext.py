"""Full-text search in the database's own index: SQLite FTS5 or PostgreSQL tsvector.

Both backends answer the same three questions for a parsed query: which entries match
(a subquery usable in any queryset filter), in which order of relevance, and with which
highlighted snippet. Snippets come back with \\x02/\\x03 around matches so that the caller
escapes the text first and only then turns the markers into <mark>.
"""

# ruff: noqa: S608, S611  (SQL is built from constants and Django-compiled subqueries;
# every user value is a bound parameter)
from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from railab.web.resources.query import ParsedQuery, fts5_expression, tsquery_expression

START, STOP = "\x02", "\x03"
FTS_TABLE = "resources_entry_fts"


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def match_subquery(parsed: ParsedQuery) -> RawSQL | None:
    """``id IN (…)`` subquery of entries matching the text part, or None without text."""
    if not parsed.has_text:
        return None
    if _is_postgres():
        return RawSQL(
            "SELECT id FROM resources_entry WHERE search_vector @@ to_tsquery('simple', %s)",
            [tsquery_expression(parsed)],
        )
    return RawSQL(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [fts5_expression(parsed)]
    )


def exclusion_subquery(parsed: ParsedQuery) -> RawSQL | None:
    """Entries containing an excluded word or phrase (used when there is no positive text)."""
    if not parsed.excluded or parsed.has_text:
        return None
    only = ParsedQuery(phrases=parsed.excluded)
    return match_subquery(only)


def ranked_ids(
    parsed: ParsedQuery, base: QuerySet[Any], *, limit: int, offset: int = 0
) -> list[int]:
    """Ids of ``base`` entries matching ``parsed``, best first."""
    base_sql, base_params = base.order_by().values("id").query.sql_with_params()
    if _is_postgres():
        sql = (
            "SELECT e.id FROM resources_entry e, to_tsquery('simple', %s) q "
            f"WHERE e.search_vector @@ q AND e.id IN ({base_sql}) "
            "ORDER BY ts_rank_cd(e.search_vector, q, 1) DESC, e.id DESC LIMIT %s OFFSET %s"
        )
        params = [tsquery_expression(parsed), *base_params, limit, offset]
    else:
        # Column weights: title, summary, authors, tags, details (bm25: lower is better).
        # The matches are materialised first: with "rowid IN (…)" next to MATCH, SQLite
        # would evaluate the full-text query once per candidate row (100x slower).
        sql = (
            f"WITH m AS MATERIALIZED (SELECT rowid AS id, "
            f"bm25({FTS_TABLE}, 10.0, 4.0, 2.0, 3.0, 1.0) AS score "
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) "
            f"SELECT m.id FROM m WHERE m.id IN ({base_sql}) "
            "ORDER BY m.score, m.id DESC LIMIT %s OFFSET %s"
        )
        params = [fts5_expression(parsed), *base_params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def snippets(parsed: ParsedQuery, ids: list[int]) -> dict[int, str]:
    """A short extract of each entry's summary with the matches marked."""
    if not ids or not parsed.has_text:
        return {}
    placeholders = ", ".join(["%s"] * len(ids))
    if _is_postgres():
        sql = (
            "SELECT id, ts_headline('simple', summary, to_tsquery('simple', %s), "
            "'StartSel=\x02, StopSel=\x03, MaxWords=40, MinWords=20, MaxFragments=1') "
            f"FROM resources_entry WHERE id IN ({placeholders})"
        )
        params: list[Any] = [tsquery_expression(parsed), *ids]
    else:
        sql = (
            f"SELECT rowid, snippet({FTS_TABLE}, 1, '\x02', '\x03', '…', 40) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})"
        )
        params = [fts5_expression(parsed), *ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: row[1] for row in cursor.fetchall()}


# id, type, country, language, year, title, term_keys
Row = tuple[int, str, str, str, "int | None", str, str]


def _where(base: QuerySet[Any]) -> tuple[str, list[Any]]:
    """The WHERE clause of ``base`` (written against the unaliased entry table)."""
    query = base.order_by().query
    compiler = query.get_compiler(using=base.db)
    sql, params = compiler.compile(query.where)
    return (sql or "1 = 1"), list(params)


def ranked_rows(parsed: ParsedQuery, base: QuerySet[Any], *, with_title: bool = False) -> list[Row]:
    """Every ``base`` entry matching ``parsed``, best first, with the columns that facets
    and sorting need: one evaluation of the full-text query serves the count, the page,
    the facets and any other sort order.

    The visibility and filter conditions of ``base`` are applied to the joined entry
    rows directly (an ``IN (subquery)`` cost a fifth more), and on SQLite the lookup reads
    a covering index instead of the rows with their long summaries.
    """
    base_sql, base_params = base.order_by().values("id").query.sql_with_params()
    if " JOIN " in base_sql:  # conditions on joined tables: keep them in a subquery
        where, where_params = f"resources_entry.id IN ({base_sql})", list(base_params)
    else:
        where, where_params = _where(base)
    title = "resources_entry.title" if with_title else "''"
    columns = (
        "resources_entry.id, resources_entry.type, resources_entry.country, "
        f"resources_entry.language, resources_entry.year, {title}, resources_entry.term_keys"
    )
    if _is_postgres():
        sql = (
            f"SELECT {columns} FROM resources_entry, to_tsquery('simple', %s) q "
            f"WHERE resources_entry.search_vector @@ q AND ({where}) "
            "ORDER BY ts_rank_cd(resources_entry.search_vector, q, 1) DESC, "
            "resources_entry.id DESC"
        )
        params = [tsquery_expression(parsed), *where_params]
    else:
        index = "" if with_title else "INDEXED BY resources_entry_facets "
        sql = (
            f"WITH m AS MATERIALIZED (SELECT rowid AS id, "
            f"bm25({FTS_TABLE}, 10.0, 4.0, 2.0, 3.0, 1.0) AS score "
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) "
            f"SELECT {columns} FROM m JOIN resources_entry {index}"
            f"ON resources_entry.id = m.id WHERE ({where}) ORDER BY m.score, m.id DESC"
        )
        params = [fts5_expression(parsed), *where_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def ids_subquery(ids: list[int]) -> RawSQL:
    """``id IN (…)`` for a long list of ids, passed as one parameter."""
    if _is_postgres():
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])
