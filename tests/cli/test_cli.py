"""The `railab` command, run as a user runs it: in a fresh process and data directory."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def railab(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RAILAB_", "DATABASE_URL", "DJANGO_"))
    }
    clean.update({"RAILAB_DATA_DIR": str(data_dir), **env})
    return subprocess.run(
        [sys.executable, "-m", "railab.cli", *args],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("demo")
    result = railab(data, "demo", "--no-serve")
    assert result.returncode == 0, result.stderr
    return data


def test_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "railab.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith("railab ")


def test_demo_prints_sign_ins_and_is_idempotent(demo_dir: Path) -> None:
    again = railab(demo_dir, "demo", "--no-serve")
    assert again.returncode == 0, again.stderr
    out = again.stdout
    for email in [
        "admin.fr@railab.example",
        "assessor.fr@railab.example",
        "viewer.fr@railab.example",
        "admin.ke@railab.example",
        "assessor.ke@railab.example",
        "viewer.ke@railab.example",
        "curator@railab.example",
    ]:
        assert email in out
    assert "railab-demo-2026" in out
    con = sqlite3.connect(demo_dir / "railab.sqlite3")
    assert con.execute("select count(*) from accounts_agency").fetchone()[0] == 2
    assert con.execute("select count(*) from accounts_membership").fetchone()[0] == 6
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
    con.close()


def test_audit_log_verify_on_the_demo_then_after_tampering(demo_dir: Path, tmp_path: Path) -> None:
    ok = railab(demo_dir, "audit-log", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "intact" in ok.stdout
    tampered = tmp_path / "tampered"
    tampered.mkdir()
    (tampered / "secret_key").write_text((demo_dir / "secret_key").read_text())
    con = sqlite3.connect(demo_dir / "railab.sqlite3")
    copy = sqlite3.connect(tampered / "railab.sqlite3")
    con.backup(copy)
    copy.execute("update auditlog_auditevent set actor_label = 'someone else' where seq = 2")
    copy.commit()
    copy.close()
    con.close()
    broken = railab(tampered, "audit-log", "verify")
    assert broken.returncode == 1
    assert "BROKEN at event #2" in broken.stderr


def test_busy_port_gives_a_clear_message(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = railab(tmp_path, "demo", "--port", str(port))
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "--port" in result.stderr
    assert "Traceback" not in result.stderr


def test_backup_and_restore_refuse_a_corrupt_file(demo_dir: Path, tmp_path: Path) -> None:
    backup = tmp_path / "railab.backup"
    made = railab(demo_dir, "backup", str(backup))
    assert made.returncode == 0, made.stderr
    corrupt = tmp_path / "corrupt.backup"
    data = bytearray(backup.read_bytes())
    data[4096:8192] = b"\xff" * 4096
    corrupt.write_bytes(bytes(data))
    before = (demo_dir / "railab.sqlite3").read_bytes()
    refused = railab(demo_dir, "restore", "--yes", str(corrupt))
    assert refused.returncode == 2
    assert "damaged" in refused.stderr or "not a railab backup" in refused.stderr
    assert (demo_dir / "railab.sqlite3").read_bytes() == before
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("hello")
    refused = railab(demo_dir, "restore", "--yes", str(not_sqlite))
    assert "not a railab backup" in refused.stderr
    restored = railab(demo_dir, "restore", "--yes", str(backup))
    assert restored.returncode == 0, restored.stderr


def test_bad_setting_is_one_line(tmp_path: Path) -> None:
    result = railab(tmp_path, "audit-log", "verify", RAILAB_ENV="production")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "SECRET_KEY is not set" in result.stderr


def test_createadmin(tmp_path: Path) -> None:
    railab(tmp_path, "manage", "migrate", "--no-input", "-v0")
    result = railab(
        tmp_path,
        "createadmin",
        "--email",
        "lab.admin@lab.example",
        "--name",
        "Lab Admin",
        RAILAB_ADMIN_PASSWORD="a sufficiently long passphrase",
    )
    assert result.returncode == 0, result.stderr
    weak = railab(
        tmp_path,
        "createadmin",
        "--email",
        "x@lab.example",
        "--name",
        "X",
        RAILAB_ADMIN_PASSWORD="123",
    )
    assert weak.returncode == 2
    assert "too short" in weak.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_demo_serves_the_platform_with_its_worker(tmp_path: Path) -> None:
    """README command one: `railab demo` answers on / with demo data, worker running."""
    import signal
    import time
    import urllib.request

    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RAILAB_", "DATABASE_URL", "DJANGO_"))
    }
    env["RAILAB_DATA_DIR"] = str(tmp_path)
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "railab.cli", "demo", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            status = None
            while time.monotonic() < deadline:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                        status = r.status
                        body = r.read().decode()
                    break
                except OSError:
                    time.sleep(0.5)
            assert status == 200, log.read_text()
            assert "Resource bank" in body
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/countries", timeout=5) as r:
                assert r.status == 200
            deadline = time.monotonic() + 30
            while "Starting worker" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.5)
            assert "Starting worker" in log.read_text()
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
    assert "admin.fr@railab.example" in log.read_text()
