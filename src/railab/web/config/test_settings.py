"""Settings for the test suite: the real settings, with a throw-away data directory."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("RAILAB_DATA_DIR", tempfile.mkdtemp(prefix="railab-test-"))
os.environ.setdefault("RAILAB_ENV", "test")

from railab.web.config.settings import *  # noqa: F403

# Argon2 is deliberately slow; tests that check hashing override this.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# A file, not Django's in-memory default, so that SQLite runs in WAL mode as in
# production and backups can be tested.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
