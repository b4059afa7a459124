"""PostgreSQL: split on punctuation before indexing, like SQLite's unicode61 tokenizer.

The 'simple' parser keeps "2024/1689" or "e-mail" as single tokens (file paths, hyphenated
words) where FTS5 and the query parser see two words, so the same search found different
entries on the two engines.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION resources_entry_search_vector() RETURNS trigger AS $$
DECLARE
  punct CONSTANT text := '[[:punct:]]+';
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('simple', regexp_replace(coalesce(NEW.title, ''), punct, ' ', 'g')), 'A') ||
    setweight(to_tsvector('simple', regexp_replace(coalesce(NEW.summary, ''), punct, ' ', 'g')), 'B') ||
    setweight(to_tsvector('simple', regexp_replace(
        coalesce(NEW.authors::text, '') || ' ' || coalesce(NEW.tags::text, ''), punct, ' ', 'g')), 'C') ||
    setweight(to_tsvector('simple', regexp_replace(coalesce(NEW.details::text, ''), punct, ' ', 'g')), 'D');
  RETURN NEW;
END
$$ LANGUAGE plpgsql
"""


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute("UPDATE resources_entry SET title = title")  # re-index


class Migration(migrations.Migration):
    dependencies = [("resources", "0004_term_keys")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
