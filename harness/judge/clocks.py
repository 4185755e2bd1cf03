"""A time another machine recorded is compared on that machine's clock, not this one's: the backend
and WordPress may run on an engine elsewhere (README, "On another Docker engine"), whose clock is
not the harness's. Each machine's skew is read from its own HTTP Date header, which is whole
seconds; a window [started, finished] on the harness's clock becomes that machine's window, widened
by the second its Date header cannot tell."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import requests

RESOLUTION = timedelta(seconds=1)  # an HTTP Date is whole seconds


@dataclass(frozen=True)
class Clock:
    name: str
    skew: timedelta  # that machine's clock minus the harness's, to within RESOLUTION

    def window(self, started: datetime, finished: datetime) -> tuple[datetime, datetime]:
        """[started, finished] on the harness's clock, as this machine's clock reads it."""
        return started + self.skew - RESOLUTION, finished + self.skew + RESOLUTION

    def between(self, moment: datetime, started: datetime, finished: datetime) -> bool:
        """Whether this machine's `moment` falls within [started, finished] of the harness's clock."""
        low, high = self.window(started, finished)
        return low <= moment <= high


def read(name: str, get: Callable[[], requests.Response]) -> Clock:
    """A machine's clock, from the Date header of one of its answers."""
    before = datetime.now(UTC)
    answer = get()
    after = datetime.now(UTC)
    theirs = parsedate_to_datetime(answer.headers["Date"]) + RESOLUTION / 2  # the middle of the second it names
    return Clock(name, theirs - (before + (after - before) / 2))
