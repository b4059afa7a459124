"""Backup and restore on the database the suite runs on (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from railab.web.accounts.models import Agency
from railab.web.core.backup import BackupError, backup_create, backup_restore
from tests.factories import AgencyFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_restore_brings_back_the_backed_up_state(tmp_path: Path) -> None:
    AgencyFactory(slug="kept")
    backup = backup_create(tmp_path / "railab.backup")
    AgencyFactory(slug="added-later")
    backup_restore(backup)
    assert set(Agency.objects.values_list("slug", flat=True)) == {"kept"}


def test_corrupt_backup_is_refused_before_anything_changes(tmp_path: Path) -> None:
    AgencyFactory(slug="kept")
    bad = tmp_path / "bad.backup"
    bad.write_bytes(b"PGDMP garbage" + b"\x00" * 100)
    with pytest.raises(BackupError):
        backup_restore(bad)
    with pytest.raises(BackupError, match="does not exist"):
        backup_restore(tmp_path / "missing.backup")
    assert Agency.objects.filter(slug="kept").exists()
