"""Settings come from the environment; bad values stop the start with one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from railab.web.config.env import SettingError, env_bool, env_int, env_list, env_secret


def _load_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RAILAB_", "DATABASE_URL", "DJANGO_"))
    }
    clean.pop("SECRET_KEY", None)
    clean.update({"RAILAB_DATA_DIR": str(tmp_path / "data"), **env})
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import railab.web.config.settings as s; print(s.DATABASES['default']['ENGINE'])",
        ],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_local_default_is_sqlite_with_a_generated_secret(tmp_path: Path) -> None:
    result = _load_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"
    key_file = tmp_path / "data" / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    first = key_file.read_text()
    assert _load_settings(tmp_path).returncode == 0
    assert key_file.read_text() == first  # stable across starts


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RAILAB_ENV": "production"}, "SECRET_KEY is not set"),
        (
            {"RAILAB_ENV": "production", "SECRET_KEY": "k" * 50},
            "RAILAB_BASE_URL='http://127.0.0.1:8000' must start with https://",
        ),
        (
            {
                "RAILAB_ENV": "production",
                "SECRET_KEY": "k" * 50,
                "RAILAB_BASE_URL": "https://railab.example.org",
            },
            "RAILAB_ALLOWED_HOSTS is not set",
        ),
        ({"RAILAB_ENV": "staging"}, "RAILAB_ENV='staging' is unknown"),
        ({"RAILAB_DEBUG": "maybe"}, "RAILAB_DEBUG='maybe' is not a boolean"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL uses mysql"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL is not a database address"),
        ({"RAILAB_LOGIN_FAILURE_LIMIT": "five"}, "RAILAB_LOGIN_FAILURE_LIMIT='five' is not an"),
    ],
)
def test_bad_settings_stop_with_one_clear_line(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = _load_settings(tmp_path, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_everything_set(tmp_path: Path) -> None:
    result = _load_settings(
        tmp_path,
        RAILAB_ENV="production",
        SECRET_KEY="k" * 50,
        RAILAB_BASE_URL="https://railab.example.org",
        RAILAB_ALLOWED_HOSTS="railab.example.org",
        DATABASE_URL="postgres://u@db:5432/railab",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_helpers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("X_BOOL", "yes")
    assert env_bool("X_BOOL") is True
    monkeypatch.setenv("X_INT", "3")
    with pytest.raises(SettingError, match="at least 5"):
        env_int("X_INT", 10, minimum=5)
    monkeypatch.setenv("X_LIST", " a, b ,,c ")
    assert env_list("X_LIST") == ["a", "b", "c"]
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.delenv("X_SECRET", raising=False)
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_secret("X_SECRET") == "s3cret"
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(SettingError, match="X_SECRET_FILE"):
        env_secret("X_SECRET")


def test_security_headers_and_cookies(client) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.cookies["csrftoken"]["httponly"]


def test_client_address_behind_a_proxy(rf, settings) -> None:
    from railab.web.core.http import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.RAILAB_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.RAILAB_PROXY_COUNT = 1  # a spoofed left-hand entry is ignored
    assert client_ip(request) == "203.0.113.9"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
