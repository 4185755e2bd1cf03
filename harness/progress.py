"""Progress for long work: one line when a step starts, one with its time when it ends."""

import sys
import time
from contextlib import contextmanager


def say(message):
    print(f"[igny8] {message}", file=sys.stderr, flush=True)


@contextmanager
def step(message):
    say(f"{message} ...")
    start = time.monotonic()
    try:
        yield
    except BaseException:
        say(f"{message}: failed after {time.monotonic() - start:.1f}s")
        raise
    say(f"{message}: done in {time.monotonic() - start:.1f}s")
