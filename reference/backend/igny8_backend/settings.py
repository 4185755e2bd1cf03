"""Settings come from the environment; the safe defaults apply only with IGNY8_DEV=1."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DEV = os.environ.get("IGNY8_DEV") == "1"


def _env(name, dev_default=None):
    value = os.environ.get(name)
    if value:
        return value
    if DEV and dev_default is not None:
        return dev_default
    raise ImproperlyConfigured(f"Set the environment variable {name} (or IGNY8_DEV=1 for development defaults).")


SECRET_KEY = _env("DJANGO_SECRET_KEY", "dev-only-not-secret")
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = _env("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Dotted paths, the first hashing new passwords. Django's default (PBKDF2, a million rounds) costs
# 0.6 s of a 2-core machine per login and per user made: a throwaway test stack names a fast one.
if hashers := [h for h in os.environ.get("DJANGO_PASSWORD_HASHERS", "").split(",") if h]:
    PASSWORD_HASHERS = hashers
# Connections are kept, and checked before reuse: after PostgreSQL restarts (a failover, a deploy),
# each worker's kept connection is dead, and without the check its next request answers 500.
DATABASES = {"default": dj_database_url.parse(_env("DATABASE_URL", "postgresql:///igny8"), conn_max_age=60, conn_health_checks=True)}

# ERR-3: the largest request body the API accepts.
IGNY8_MAX_PAYLOAD_BYTES = int(os.environ.get("IGNY8_MAX_PAYLOAD_BYTES", 5 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = IGNY8_MAX_PAYLOAD_BYTES
IGNY8_STRUCTURE_SCHEMA = Path(os.environ.get("IGNY8_STRUCTURE_SCHEMA", BASE_DIR.parent.parent / "spec" / "structure.schema.json"))
IGNY8_REVISION = os.environ.get("IGNY8_REVISION", "unknown")
# OPS-4: requests per integration key, and SEC-13: failed logins per account (every spelling of its name that logs in), as REQUESTS/SECONDS.
IGNY8_API_RATE = os.environ.get("IGNY8_API_RATE", "100/10")
IGNY8_LOGIN_RATE = os.environ.get("IGNY8_LOGIN_RATE", "5/300")

# Table names. A deployment may name its tables otherwise: IGNY8_TABLE_STYLE=renamed is one that does,
# to show that the conformance harness reads what is stored only through the observer file that goes
# with a backend (reference/backend/igny8-observer-renamed.yaml), never by the reference's table names.
TABLE_STYLES = {
    "django": {"integration": "integration_siteintegration", "content": "content_syncedcontent", "term": "content_syncedterm"},
    "renamed": {"integration": "igny8_integrations", "content": "igny8_synced_items", "term": "igny8_synced_terms"},
}
if os.environ.get("IGNY8_TABLE_STYLE", "django") not in TABLE_STYLES:
    raise ImproperlyConfigured(f"IGNY8_TABLE_STYLE must be one of {sorted(TABLE_STYLES)}")
IGNY8_TABLES = TABLE_STYLES[os.environ.get("IGNY8_TABLE_STYLE", "django")]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # content_by_term's operator class (content/models.py)
    "rest_framework",
    "drf_spectacular",
    "accounts",
    "integration",
    "content",
    "webtab",
    "throttling",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "igny8_backend.urls"
WSGI_APPLICATION = "igny8_backend.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

# Behind the stack's TLS proxy the original scheme arrives in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = True
SESSION_COOKIE_SECURE = not DEV
CSRF_COOKIE_SECURE = not DEV
# SEC-10: only HTTPS is answered; SecurityMiddleware (first in MIDDLEWARE) redirects plain HTTP (301)
# before any view runs, so a POST over it changes nothing. SEC-11: HSTS, a year, subdomains too.
SECURE_SSL_REDIRECT = not DEV
SECURE_HSTS_SECONDS = 0 if DEV else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEV

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
# Log out ends the session and goes back to the login page (SEC-16): LogoutView would otherwise
# render registration/logged_out.html, which this backend does not have (it answered 500).
LOGOUT_REDIRECT_URL = LOGIN_URL
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["integration.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["integration.auth.HasIntegrationKey"],
    "DEFAULT_THROTTLE_CLASSES": ["throttling.throttles.IntegrationKeyThrottle"],
    "DEFAULT_PARSER_CLASSES": ["integration.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "igny8_backend.exception_handler.json_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IGNY8 integration API (reference backend)",
    "DESCRIPTION": "The backend side of the IGNY8 WordPress sync protocol. Requirements: spec/requirements.yaml.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("IGNY8_LOG_LEVEL", "INFO")},
}
