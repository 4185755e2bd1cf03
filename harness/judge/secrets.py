"""Looking for a secret the way a leak would show it (SEC-3, SEC-5, LOG-4): one function, used by
every test that looks for a secret.

A key can leak in part (a page that shows "which key" by too many of its characters, a log line cut
short) and encoded (a header dumped as base64, bytes as hex, a URL). So the search is for every
WINDOW consecutive characters of it, and for every stretch of its base64 (standard and URL-safe, at
each of the three byte alignments), hex (either case) and percent-encoding long enough to carry WINDOW
of its characters. A shorter piece of a key-shaped string could occur by chance; the spec allows a
page to show which key it holds by fewer characters."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from harness.clients.wordpress import WordPressClient

WINDOW = 10  # the spec's bound: no 10 consecutive characters of a key, in clear or encoded


@lru_cache(maxsize=64)
def forms(secret: str) -> tuple[tuple[str, str], ...]:
    """(name, needle) for every form of `secret` a leak could take."""
    found: dict[str, str] = {}
    for i in range(max(1, len(secret) - WINDOW + 1)):
        found.setdefault(secret[i : i + WINDOW], f"its characters {i + 1}-{i + WINDOW}")
    data = secret.encode()
    for name, encode, per_char in (
        ("base64", base64.b64encode, 4 / 3),
        ("URL-safe base64", base64.urlsafe_b64encode, 4 / 3),
        ("hex", lambda b: b.hex().encode(), 2),
        ("HEX", lambda b: b.hex().upper().encode(), 2),
    ):
        span = int(WINDOW * per_char) + 4  # long enough to hold WINDOW characters at any alignment
        for shift in range(3 if "base64" in name else 1):
            text = encode(data[shift:]).decode().rstrip("=")
            text = text[:-4] if "base64" in name else text  # the last characters depend on what follows
            for i in range(0, max(1, len(text) - span + 1)):
                found.setdefault(text[i : i + span], f"{name} of it")
    encoded = quote(secret, safe="")
    if encoded != secret:
        for i in range(max(1, len(encoded) - WINDOW * 3 + 1)):
            found.setdefault(encoded[i : i + WINDOW * 3], "it URL-encoded")
    found[secret] = "the whole of it"
    return tuple((name, needle) for needle, name in found.items())


def leaks(secrets: Mapping[str, str], places: Mapping[str, str]) -> list[str]:
    """ "<place>: <secret> (<form>)" for each place that holds a form of a secret. `secrets` maps a
    secret's description ("the API key") to its value; `places` a surface's name to its text."""
    said = []
    for place, text in places.items():
        for what, secret in secrets.items():
            names = sorted({name for name, needle in forms(secret) if needle in text})
            if names:
                said.append(f"{place}: {what} ({', '.join(names[:3])}{', …' if len(names) > 3 else ''})")
    return said


def pattern(secret: str) -> str:
    """One regular expression that matches every form of `secret`: for a database's REGEXP."""
    return "|".join(re.escape(needle) for _, needle in forms(secret))


def kept_in_wordpress(wp: WordPressClient, secret: str) -> list[str]:
    """The WordPress database's table.column places holding any form of `secret`."""
    return wp.stored_matching(pattern(secret))


def in_any(secret: str, texts: Iterable[str]) -> bool:
    return any(needle in text for text in texts for _, needle in forms(secret))
