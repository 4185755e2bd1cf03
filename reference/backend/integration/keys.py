"""API keys: shown once, stored as prefix + SHA-256 (SEC-3).

Keys carry 256 bits of randomness, so a fast hash is enough (as with GitHub tokens);
a slow password hash would only slow every request.
"""

import hashlib
import hmac
import secrets

PREFIX = "igny8_"
PREFIX_LEN = 8  # characters after "igny8_" used to find the row


def new_key():
    return PREFIX + secrets.token_urlsafe(32)


def key_prefix(key):
    return key[len(PREFIX) : len(PREFIX) + PREFIX_LEN]


def key_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def matches(key, stored_hash):
    return hmac.compare_digest(key_hash(key), stored_hash)


def looks_like_key(key):
    return key.startswith(PREFIX) and len(key) >= len(PREFIX) + PREFIX_LEN + 8 and key.isascii()


def mask(key):
    """What may be shown of a key: fewer than 10 of its characters (SEC-3)."""
    return f"{key[: len(PREFIX) + 2]}…" if key else ""
