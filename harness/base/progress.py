"""Progress for long work: one line when a step starts, one with its time when it ends."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


def say(message: str) -> None:
    print(f"[igny8] {message}", file=sys.stderr, flush=True)


@contextmanager
def step(message: str) -> Iterator[None]:
    say(f"{message} ...")
    start = time.monotonic()
    try:
        yield
    except BaseException:
        say(f"{message}: failed after {time.monotonic() - start:.1f}s")
        raise
    say(f"{message}: done in {time.monotonic() - start:.1f}s")
