"""Consistent backups of the platform's database, and a restore that checks first.

SQLite: the online backup API (a consistent copy while the platform runs).
PostgreSQL: pg_dump's custom format, restored with pg_restore in one transaction.
A file that is not a railab backup is refused before anything is overwritten.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.db import connection, connections

REQUIRED_TABLES = {"django_migrations", "accounts_agency", "auditlog_auditevent"}


class BackupError(Exception):
    """Shown to the user as one line."""


def _settings() -> dict[str, Any]:
    return dict(connection.settings_dict)


def _pg_env(cfg: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if cfg.get(key):
            env[var] = str(cfg[key])
    if cfg.get("PASSWORD"):
        env["PGPASSWORD"] = str(cfg["PASSWORD"])
    return env


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(
            f"{tool} is not installed; install the PostgreSQL client tools (e.g. postgresql-client)"
        )
    return path


def backup_create(target: Path) -> Path:
    cfg = _settings()
    target = target.expanduser().resolve()
    if target.parent and not target.parent.is_dir():
        raise BackupError(f"folder {target.parent} does not exist; create it or choose another")
    if cfg["ENGINE"].endswith("sqlite3"):
        tmp = target.with_name(target.name + ".partial")
        src = sqlite3.connect(str(cfg["NAME"]))
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        tmp.replace(target)
        return target
    result = subprocess.run(
        [_need("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", str(cfg["NAME"])],
        env=_pg_env(cfg),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip().splitlines()[-1]}")
    return target


def _check_sqlite_backup(path: Path) -> None:
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{path} is not a railab backup (not an SQLite database)")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            status = con.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is damaged ({exc}); use another backup") from None
    if status != "ok":
        raise BackupError(f"{path} is damaged (integrity check: {status}); use another backup")
    missing = REQUIRED_TABLES - tables
    if missing:
        raise BackupError(f"{path} is not a railab backup (no {', '.join(sorted(missing))} table)")


def _check_pg_backup(path: Path, cfg: dict[str, Any]) -> None:
    result = subprocess.run(
        [_need("pg_restore"), "--list", str(path)],
        env=_pg_env(cfg),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{path} is not a readable pg_dump archive; use another backup")
    listing = result.stdout
    missing = [t for t in sorted(REQUIRED_TABLES) if f"TABLE public {t} " not in listing]
    if missing:
        raise BackupError(f"{path} is not a railab backup (no {', '.join(missing)} table)")


def backup_restore(source: Path) -> None:
    """Replace the database with ``source`` after checking that it is a sound backup."""
    source = source.expanduser().resolve()
    if not source.is_file():
        raise BackupError(f"{source} does not exist; give the path of a backup file")
    cfg = _settings()
    if cfg["ENGINE"].endswith("sqlite3"):
        _check_sqlite_backup(source)
        connections.close_all()
        # Copy first, then let SQLite's backup API swap the pages in under its own lock.
        with tempfile.TemporaryDirectory() as tmpdir:
            staged = Path(tmpdir) / "restore.sqlite3"
            shutil.copyfile(source, staged)
            src = sqlite3.connect(str(staged))
            dst = sqlite3.connect(str(cfg["NAME"]))
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
        return
    _check_pg_backup(source, cfg)
    connections.close_all()
    result = subprocess.run(
        [
            _need("pg_restore"),
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--no-owner",
            f"--dbname={cfg['NAME']}",
            str(source),
        ],
        env=_pg_env(cfg),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise BackupError(f"pg_restore failed, nothing was changed: {last}")
