"""The full-text index follows every write (a table rebuild by a migration once dropped
the SQLite triggers silently)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import connection

from railab.web.resources.models import Entry
from railab.web.resources.search import search
from tests.web.resources.conftest import make_entry


def test_sqlite_triggers_exist(db: None) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'resources_entry'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"resources_entry_fts_ai", "resources_entry_fts_au", "resources_entry_fts_ad"}


def test_index_follows_insert_update_delete(world) -> None:
    entry = make_entry("frvt")
    assert search(user=AnonymousUser(), query="demographic ").total == 1
    Entry.objects.filter(pk=entry.pk).update(title="Quokka census", summary="Marsupials.")
    assert search(user=AnonymousUser(), query="demographic ").total == 0
    assert search(user=AnonymousUser(), query="quokka ").total == 1
    Entry.objects.filter(pk=entry.pk).delete()
    assert search(user=AnonymousUser(), query="quokka ").total == 0
