"""SQLite: a covering index for the columns a full-text search reads of each match.

Full-text matches are joined to their entries by id; reading those rows means reading
their long summaries too. This index holds only what the search needs (visibility
filters, facets, sort), so the join reads it instead (``INDEXED BY`` in fulltext.py).
PostgreSQL plans this join well without it.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS resources_entry_facets ON resources_entry "
    "(id, status, visibility, agency_id, type, country, language, year, term_keys)"
)


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS resources_entry_facets")


class Migration(migrations.Migration):
    dependencies = [("resources", "0007_newest_first_index")]
    operations = [migrations.RunPython(forwards, backwards)]
