"""Django settings for railab, read from the environment (see README, "Configuration").

Defaults run locally with zero set-up: an SQLite database and a generated secret key in
the data directory. With ``RAILAB_ENV=production`` the platform refuses to start without
an explicit secret key, allowed hosts and an HTTPS base URL.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from railab.web.config.env import (
    SettingError,
    env_bool,
    env_int,
    env_list,
    env_path,
    env_secret,
    env_str,
)

WEB_DIR = Path(__file__).resolve().parent.parent

RAILAB_ENV = env_str("RAILAB_ENV", "local")
if RAILAB_ENV not in {"local", "production", "test"}:
    raise SettingError(f"RAILAB_ENV={RAILAB_ENV!r} is unknown; set it to local or production")
PRODUCTION = RAILAB_ENV == "production"

DATA_DIR = env_path("RAILAB_DATA_DIR", Path.home() / ".local" / "share" / "railab")
DEBUG = env_bool("RAILAB_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise SettingError("RAILAB_DEBUG=1 is not allowed with RAILAB_ENV=production; unset it")


def _secret_key() -> str:
    explicit = env_secret("SECRET_KEY")
    if explicit:
        if PRODUCTION and len(explicit) < 40:
            raise SettingError("SECRET_KEY is shorter than 40 characters; generate a long one")
        return explicit
    if PRODUCTION:
        raise SettingError(
            "SECRET_KEY is not set; with RAILAB_ENV=production set SECRET_KEY or SECRET_KEY_FILE"
        )
    # Local default: generate once and keep it in the data directory, readable by us only.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()

BASE_URL = env_str("RAILAB_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not BASE_URL.startswith("https://"):
    raise SettingError(
        f"RAILAB_BASE_URL={BASE_URL!r} must start with https:// in production; "
        "serve railab over HTTPS behind a proxy and give its public address"
    )
ALLOWED_HOSTS = env_list("RAILAB_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not env_list("RAILAB_ALLOWED_HOSTS"):
    raise SettingError(
        "RAILAB_ALLOWED_HOSTS is not set; list the host names railab answers to, comma-separated"
    )
CSRF_TRUSTED_ORIGINS = [BASE_URL] if BASE_URL.startswith("https://") else []

# HTTPS: on in production; the local default serves plain HTTP on 127.0.0.1.
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("RAILAB_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_HSTS_SECONDS = 31_536_000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("RAILAB_SESSION_HOURS", 12, minimum=1) * 3600

CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "csp",
    "railab.web.core",
    "railab.web.accounts",
    "railab.web.auditlog",
    "railab.web.jobs",
    "railab.web.api",
    "railab.web.resources",
    "railab.web.toolkit",
    "railab.web.learning",
    "railab.web.register",
    "railab.web.evaluations",
    "railab.web.sharing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "railab.web.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes must come last: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "railab.web.config.urls"
WSGI_APPLICATION = "railab.web.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "railab.web.core.context_processors.railab",
            ],
        },
    },
]


def _databases() -> dict[str, Any]:
    default_url = f"sqlite:///{DATA_DIR / 'railab.sqlite3'}"
    url = env_str("DATABASE_URL", default_url) or default_url
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise SettingError(
            f"DATABASE_URL is not a database address ({exc}); use "
            "sqlite:////path/to/file.sqlite3 or postgres://user@host:5432/name"
        ) from None
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # WAL lets readers proceed while one writer commits; IMMEDIATE takes the write
            # lock at BEGIN so two writers never deadlock on a lock upgrade.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
        name = config.get("NAME") or ""
        if name and name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
    elif engine != "django.db.backends.postgresql":
        raise SettingError(
            f"DATABASE_URL uses {engine.rsplit('.', 1)[-1]}; railab supports sqlite:// "
            "and postgres:// only"
        )
    return {"default": config}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_RESET_TIMEOUT = 3600 * 24

# Sign-in lockout (django-axes): per user name and address, same answer for unknown users.
AXES_ENABLED = env_bool("RAILAB_LOCKOUT", default=True)
AXES_FAILURE_LIMIT = env_int("RAILAB_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("RAILAB_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The sign-in form names its field "username" although users sign in with an e-mail.
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Reverse proxies in front of railab (production requires a TLS proxy): the client's
# address is read from X-Forwarded-For accordingly, for lockouts and rate limits alike.
RAILAB_PROXY_COUNT = env_int("RAILAB_PROXY_COUNT", 1 if PRODUCTION else 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "railab.web.core.http.client_ip"

OTP_TOTP_ISSUER = "railab"
# Server directories from which evaluations may read data files in place (comma-separated).
RAILAB_EVALUATION_DIRS = env_list("RAILAB_EVALUATION_DIRS")
INVITATION_DAYS = env_int("RAILAB_INVITATION_DAYS", 7, minimum=1)

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [WEB_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The demo serves straight from the packages; production serves collected, hashed files.
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(env_path("RAILAB_MEDIA_DIR", DATA_DIR / "media"))},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("RAILAB_FROM_EMAIL", "railab <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Without an SMTP server, mail is printed where the server runs (fine for the demo).
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("RAILAB_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
