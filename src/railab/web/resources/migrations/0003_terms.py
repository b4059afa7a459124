"""Every code of every vocabulary exists as a Term row."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def create_terms(apps: Any, schema_editor: Any) -> None:
    from railab.web.resources.taxonomy import VOCABULARIES

    term = apps.get_model("resources", "Term")
    for vocabulary, choices in VOCABULARIES.items():
        for code in choices.values:
            term.objects.get_or_create(vocabulary=vocabulary, code=code)


class Migration(migrations.Migration):
    dependencies = [("resources", "0002_fulltext")]
    operations = [migrations.RunPython(create_terms, migrations.RunPython.noop)]
