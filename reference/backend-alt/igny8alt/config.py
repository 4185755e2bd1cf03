"""Settings, read once from the environment (spec/CONTRACT.md 2.1)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field


class ConfigError(RuntimeError):
    """The environment does not let the backend start."""


_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: int

    @classmethod
    def parse(cls, text: str | None, default: str) -> Rate:
        match = _RATE.match(text or default)
        if not match or int(match.group(1)) < 1 or int(match.group(2)) < 1:
            raise ConfigError(f"a rate is REQUESTS/SECONDS with both at least 1, not {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    allowed_hosts: tuple[str, ...]
    max_payload_bytes: int
    api_rate: Rate
    login_rate: Rate
    fast_password_hash: bool
    seed_api_key: str | None
    seed_username: str | None
    seed_password: str | None
    seed_tenants: tuple[str, ...]
    revision: str | None
    dev: bool
    schema_path: str
    db_wait_seconds: float = field(default=180.0)


def _default_schema_path() -> str:
    here = os.path.dirname(os.path.abspath(__file__))
    bundled = os.path.join(here, "schemas", "structure.schema.json")
    if os.path.exists(bundled):
        return bundled
    # Running from a checkout: the spec's own copy.
    return os.path.normpath(os.path.join(here, "..", "..", "..", "spec", "structure.schema.json"))


def _fast_hasher(names: str | None) -> bool:
    """DJANGO_PASSWORD_HASHERS names hashers by dotted path, the first hashing new passwords.

    This backend has two: a salted PBKDF2-SHA256 of 600 000 rounds (the default) and, when the first
    name is one of Django's fast throwaway hashers (MD5, SHA1, unsalted), a salted single SHA-256.
    """
    if not names:
        return False
    first = names.split(",")[0].strip().rsplit(".", 1)[-1].lower()
    return any(word in first for word in ("md5", "sha1", "unsalted"))


def load() -> Settings:
    env = os.environ
    dev = env.get("IGNY8_DEV") == "1"
    missing = [name for name in ("DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS") if not env.get(name)]
    if missing and not dev:
        raise ConfigError("missing environment: " + ", ".join(missing) + " (IGNY8_DEV=1 for local defaults)")
    hosts = tuple(h.strip().lower() for h in env.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h.strip())
    try:
        max_payload = int(env.get("IGNY8_MAX_PAYLOAD_BYTES", str(5 * 1024 * 1024)))
    except ValueError as exc:
        raise ConfigError("IGNY8_MAX_PAYLOAD_BYTES is a number of bytes") from exc
    tenants = tuple(t.strip() for t in env.get("IGNY8_SEED_TENANTS", "").split(",") if t.strip())
    return Settings(
        database_url=env.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/igny8"),
        secret_key=env.get("DJANGO_SECRET_KEY", "dev-only-secret-key"),
        allowed_hosts=hosts,
        max_payload_bytes=max_payload,
        api_rate=Rate.parse(env.get("IGNY8_API_RATE"), "100/10"),
        login_rate=Rate.parse(env.get("IGNY8_LOGIN_RATE"), "5/300"),
        fast_password_hash=_fast_hasher(env.get("DJANGO_PASSWORD_HASHERS")),
        seed_api_key=env.get("IGNY8_SEED_API_KEY") or None,
        seed_username=env.get("IGNY8_SEED_USERNAME") or None,
        seed_password=env.get("IGNY8_SEED_PASSWORD") or None,
        seed_tenants=tenants,
        revision=env.get("IGNY8_REVISION") or None,
        dev=dev,
        schema_path=env.get("IGNY8_STRUCTURE_SCHEMA") or _default_schema_path(),
        db_wait_seconds=float(env.get("IGNY8_DB_WAIT_SECONDS", "180")),
    )


_settings: Settings | None = None


def settings() -> Settings:
    global _settings
    if _settings is None:
        _settings = load()
    return _settings
