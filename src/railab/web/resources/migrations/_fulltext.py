"""The full-text index, kept in step with resources_entry by triggers.

SQLite: an FTS5 table with external content (the entry table itself), so snippets come
from the real text. PostgreSQL: a tsvector column filled by a trigger, with a GIN index.
The 'simple' configuration and FTS5's unicode61 tokenizer both match whole words without
stemming, so the two engines rank the same way; morphology and cross-language matches
are the semantic search's job.
"""

from __future__ import annotations

from typing import Any



SQLITE = [
    """
    CREATE VIRTUAL TABLE resources_entry_fts USING fts5(
        title, summary, authors, tags, details,
        content='resources_entry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER resources_entry_fts_ai AFTER INSERT ON resources_entry BEGIN
      INSERT INTO resources_entry_fts(rowid, title, summary, authors, tags, details)
      VALUES (new.id, new.title, new.summary, new.authors, new.tags, new.details);
    END
    """,
    """
    CREATE TRIGGER resources_entry_fts_ad AFTER DELETE ON resources_entry BEGIN
      INSERT INTO resources_entry_fts(resources_entry_fts, rowid, title, summary, authors, tags, details)
      VALUES ('delete', old.id, old.title, old.summary, old.authors, old.tags, old.details);
    END
    """,
    """
    CREATE TRIGGER resources_entry_fts_au AFTER UPDATE ON resources_entry BEGIN
      INSERT INTO resources_entry_fts(resources_entry_fts, rowid, title, summary, authors, tags, details)
      VALUES ('delete', old.id, old.title, old.summary, old.authors, old.tags, old.details);
      INSERT INTO resources_entry_fts(rowid, title, summary, authors, tags, details)
      VALUES (new.id, new.title, new.summary, new.authors, new.tags, new.details);
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS resources_entry_fts_au",
    "DROP TRIGGER IF EXISTS resources_entry_fts_ad",
    "DROP TRIGGER IF EXISTS resources_entry_fts_ai",
    "DROP TABLE IF EXISTS resources_entry_fts",
]

POSTGRES = [
    """
    CREATE FUNCTION resources_entry_search_vector() RETURNS trigger AS $$
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('simple', coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(NEW.summary, '')), 'B') ||
        setweight(to_tsvector('simple', coalesce(NEW.authors::text, '') || ' ' ||
                                        coalesce(NEW.tags::text, '')), 'C') ||
        setweight(to_tsvector('simple', coalesce(NEW.details::text, '')), 'D');
      RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER resources_entry_search_vector_trg
    BEFORE INSERT OR UPDATE ON resources_entry
    FOR EACH ROW EXECUTE FUNCTION resources_entry_search_vector()
    """,
    "CREATE INDEX resources_entry_search_gin ON resources_entry USING GIN (search_vector)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS resources_entry_search_gin",
    "DROP TRIGGER IF EXISTS resources_entry_search_vector_trg ON resources_entry",
    "DROP FUNCTION IF EXISTS resources_entry_search_vector()",
]


def sqlite_triggers(apps: Any, schema_editor: Any) -> None:
    """(Re)create the SQLite triggers and rebuild the index from the entry table.

    Django's SQLite schema editor rebuilds a table to alter it (new table, copy, drop,
    rename), which drops its triggers: every later migration that alters resources_entry
    must end with ``RunPython(sqlite_triggers, ...)``. A test checks the triggers exist.
    """
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in SQLITE_REVERSE[:3]:
        schema_editor.execute(sql)
    for sql in SQLITE[1:]:
        schema_editor.execute(sql)
    schema_editor.execute("INSERT INTO resources_entry_fts(resources_entry_fts) VALUES('rebuild')")


def forwards(apps: Any, schema_editor: Any) -> None:
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps: Any, schema_editor: Any) -> None:
    statements = (
        POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    )
    for sql in statements:
        schema_editor.execute(sql)


