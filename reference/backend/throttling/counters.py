"""Rates in PostgreSQL, shared by every worker. The API's (OPS-4): fixed windows, N requests per S
seconds for one key, one statement per request; over that, the key waits until the window ends.
Failed logins (SEC-13): a sliding log, each failure a row, so that N failures within any S seconds
count, even across a window's edge (few rows: a failure is rare, and each must count)."""

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


MICROS = 1_000_000


def note(scope: str, key: str, rate: Rate) -> None:
    """One event of `key` now, in its sliding log; the events older than the rate's span are dropped."""
    now = time.time()
    Hits.objects.bulk_create([Hits(scope=scope, key=key, window=int(now * MICROS), count=1)], ignore_conflicts=True)
    Hits.objects.filter(scope=scope, key=key, window__lt=int((now - rate.seconds) * MICROS)).delete()


def waiting(scope: str, key: str, rate: Rate) -> int | None:
    """The seconds `key` must still wait, or None: it waits while `rate.requests` of its events fall
    within the last `rate.seconds`, until the oldest of those that make the count leaves the span."""
    now = time.time()
    since = int((now - rate.seconds) * MICROS)
    times = list(Hits.objects.filter(scope=scope, key=key, window__gte=since).order_by("window").values_list("window", flat=True))
    if len(times) < rate.requests:
        return None
    return max(1, math.ceil(times[len(times) - rate.requests] / MICROS + rate.seconds - now))
