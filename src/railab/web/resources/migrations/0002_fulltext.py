"""The full-text index and the triggers that keep it in step (see _fulltext.py)."""

from __future__ import annotations

from django.db import migrations

from railab.web.resources.migrations import _fulltext


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]
    operations = [migrations.RunPython(_fulltext.forwards, _fulltext.backwards)]
