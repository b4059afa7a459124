from __future__ import annotations

from django.db import migrations, models

from railab.web.resources.migrations import _fulltext


class Migration(migrations.Migration):
    dependencies = [("resources", "0003_terms")]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="term_keys",
            field=models.CharField(blank=True, editable=False, max_length=1000),
        ),
        # SQLite rebuilt the table to add the column, dropping the full-text triggers.
        migrations.RunPython(_fulltext.sqlite_triggers, migrations.RunPython.noop),
    ]
