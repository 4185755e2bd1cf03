"""Fixed-window counters (OPS-4, SEC-13): N requests per S seconds for one key; over that, the key
waits until the window ends. One statement per count, atomic across workers."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from .models import Hits


@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: int

    @classmethod
    def parse(cls, text: str, setting: str) -> Rate:
        """ "100/10": 100 requests per 10 seconds."""
        requests, _, seconds = text.partition("/")
        if not (requests.isdigit() and seconds.isdigit() and int(requests) > 0 and int(seconds) > 0):
            raise ImproperlyConfigured(f"{setting} must be REQUESTS/SECONDS, two positive whole numbers such as 100/10; it is {text!r}")
        return cls(int(requests), int(seconds))

    def window(self, now: float) -> int:
        return int(now) // self.seconds * self.seconds

    def wait(self, window: int, now: float) -> int:
        """Whole seconds until `window` ends: what Retry-After says (at least 1)."""
        return max(1, math.ceil(window + self.seconds - now))


@cache
def _parsed(text: str, setting: str) -> Rate:
    return Rate.parse(text, setting)


def configured_rate(setting: str) -> Rate:
    """The rate a setting holds now (read per request: a test or a deployment may change it)."""
    return _parsed(getattr(settings, setting), setting)


_TABLE = Hits._meta.db_table
_COUNT = f"""INSERT INTO {_TABLE} (scope, key, "window", count) VALUES (%s, %s, %s, 1)
             ON CONFLICT (scope, key, "window") DO UPDATE SET count = {_TABLE}.count + 1 RETURNING count"""


def count(scope: str, key: str, rate: Rate) -> int | None:
    """Counts one request of `key`; returns the seconds it must wait when that was one too many, else None."""
    now = time.time()
    window = rate.window(now)
    with connection.cursor() as cursor:
        cursor.execute(_COUNT, [scope, key, window])
        (hits,) = cursor.fetchone()
        if hits == 1:  # the key's first request in a new window: its older windows are done with
            Hits.objects.filter(scope=scope, key=key, window__lt=window).delete()
    return rate.wait(window, now) if hits > rate.requests else None


def waiting(scope: str, key: str, rate: Rate) -> int | None:
    """Without counting: the seconds `key` must still wait, or None when it may go on."""
    now = time.time()
    window = rate.window(now)
    hits = Hits.objects.filter(scope=scope, key=key, window=window).values_list("count", flat=True).first() or 0
    return rate.wait(window, now) if hits >= rate.requests else None
