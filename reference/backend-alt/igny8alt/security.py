"""API keys, passwords, login names and the two throttles (SEC-3, SEC-13, OPS-4)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
import unicodedata
from dataclasses import dataclass

import psycopg

from .config import Rate, settings

KEY_PREFIX_LENGTH = 8  # kept to find a key: shorter than the 10 characters SEC-3 forbids storing
KEY_LOOKUP_LOCK = 0x5EC3  # advisory lock namespace of the API throttle


# --- API keys ----------------------------------------------------------------------------------------


def new_api_key() -> str:
    return "igny8_" + secrets.token_urlsafe(30)


def key_prefix(key: str) -> str:
    return key[:KEY_PREFIX_LENGTH]


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def digests_match(stored: str, key: str) -> bool:
    return hmac.compare_digest(stored.encode("ascii"), key_digest(key).encode("ascii"))


# --- Passwords ---------------------------------------------------------------------------------------

PBKDF2_ROUNDS = 600_000


def hash_password(password: str) -> str:
    salt = secrets.token_hex(16)
    if settings().fast_password_hash:
        digest = hashlib.sha256((salt + password).encode("utf-8")).hexdigest()
        return f"sha256${salt}${digest}"
    raw = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode("ascii"), PBKDF2_ROUNDS)
    return f"pbkdf2_sha256${PBKDF2_ROUNDS}${salt}${base64.b64encode(raw).decode('ascii')}"


def check_password(password: str, stored: str) -> bool:
    try:
        data = password.encode("utf-8")
    except UnicodeEncodeError:
        return False
    parts = stored.split("$")
    if parts[0] == "sha256" and len(parts) == 3:
        digest = hashlib.sha256(parts[1].encode("ascii") + data).hexdigest()
        return hmac.compare_digest(digest, parts[2])
    if parts[0] == "pbkdf2_sha256" and len(parts) == 4:
        raw = hashlib.pbkdf2_hmac("sha256", data, parts[2].encode("ascii"), int(parts[1]))
        return hmac.compare_digest(base64.b64encode(raw).decode("ascii"), parts[3])
    return False


DUMMY_HASH_FAST = "sha256$00$" + "0" * 64


def burn_password_check(password: str) -> None:
    """Spend a check's time for an unknown name, so that timing does not tell names apart."""
    check_password(password, DUMMY_HASH_FAST if settings().fast_password_hash else f"pbkdf2_sha256${PBKDF2_ROUNDS}$00$" + "A" * 44)


def new_password() -> str:
    return secrets.token_urlsafe(18)


def login_key(username: str) -> str:
    """The one form of a user name that logs in and is throttled (SEC-13).

    Every form of a name that means the same account maps here: surrounding blanks dropped,
    compatibility forms folded (fullwidth letters, ligatures), and case folded.
    """
    text = unicodedata.normalize("NFKC", username).strip()
    text = unicodedata.normalize("NFKC", text.casefold())
    return " ".join(text.split())


# --- Throttles ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def _retry_after(seconds: float, rate: Rate) -> int:
    return max(1, min(rate.seconds, math.ceil(seconds)))


def api_hit(conn: psycopg.Connection, integration_id: int) -> Verdict:
    """Count one request of a key; refuse it when the key is over its rate (OPS-4).

    A sliding window kept in PostgreSQL, so that every worker shares it. A refused request is not
    counted: once Retry-After has passed, the oldest counted request has left the window.
    """
    rate = settings().api_rate
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (KEY_LOOKUP_LOCK, integration_id % 2_000_000_000))
        row = conn.execute(
            """
            WITH gone AS (
                DELETE FROM ig_api_hits
                 WHERE integration_id = %(id)s AND hit_at <= clock_timestamp() - make_interval(secs => %(window)s)
            )
            SELECT count(*) AS n,
                   EXTRACT(EPOCH FROM (min(hit_at) + make_interval(secs => %(window)s) - clock_timestamp())) AS wait
              FROM ig_api_hits
             WHERE integration_id = %(id)s AND hit_at > clock_timestamp() - make_interval(secs => %(window)s)
            """,
            {"id": integration_id, "window": rate.seconds},
        ).fetchone()
        if row["n"] >= rate.requests:
            return Verdict(False, _retry_after(float(row["wait"] or rate.seconds), rate))
        conn.execute("INSERT INTO ig_api_hits (integration_id, hit_at) VALUES (%s, clock_timestamp())", (integration_id,))
    return Verdict(True)


def login_wait(conn: psycopg.Connection, key: str) -> Verdict:
    """Whether a name's failed logins have reached the rate (SEC-13)."""
    rate = settings().login_rate
    row = conn.execute(
        """
        SELECT count(*) AS n,
               EXTRACT(EPOCH FROM (min(failed_at) + make_interval(secs => %(window)s) - clock_timestamp())) AS wait
          FROM ig_login_failures
         WHERE login_key = %(key)s AND failed_at > clock_timestamp() - make_interval(secs => %(window)s)
        """,
        {"key": key, "window": rate.seconds},
    ).fetchone()
    if row["n"] >= rate.requests:
        return Verdict(False, _retry_after(float(row["wait"] or rate.seconds), rate))
    return Verdict(True)


def login_failed(conn: psycopg.Connection, key: str) -> None:
    rate = settings().login_rate
    conn.execute(
        "DELETE FROM ig_login_failures WHERE login_key = %s AND failed_at <= clock_timestamp() - make_interval(secs => %s)",
        (key, rate.seconds),
    )
    conn.execute("INSERT INTO ig_login_failures (login_key, failed_at) VALUES (%s, clock_timestamp())", (key,))
