"""A cancelled run cleans up: SIGTERM and SIGHUP end a process the way the first Ctrl-C does.

Nobody at the keyboard cancels with Ctrl-C: a CI service cancelling a job, `timeout`, `docker stop`
and a closed SSH session send SIGTERM or SIGHUP, which by default end Python at once and leave the
run's stacks behind. Here either signal raises `Cancelled`, a KeyboardInterrupt, so every cleanup
Ctrl-C runs (pytest's teardown of the stack, the reports, the command line's wait for pytest) runs.

The cleanup is bounded: a second signal (after the first's echo, below) or a cleanup longer than
CLEANUP_SECONDS ends the process at once; its stacks are then left to the next run's sweep, which
removes a stack whose owning process is gone (harness.stack.sweep).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from types import FrameType

CANCEL_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)  # Ctrl-C too: one rule for a second signal
CLEANUP_SECONDS = 20  # a stack's removal takes 1-4 s; the current test's teardown may add a few
# The same signal again this soon is the first one's echo, not a second request: a signal sent to the
# process group reaches pytest directly, and the command line forwards what it gets to pytest too
# (for a signal sent to the command line alone, as `docker stop` does).
ECHO_SECONDS = 1.0


class Cancelled(KeyboardInterrupt):
    """The run was cancelled by a signal; `signum` says which (the exit status is 128 + signum)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_status(interrupt: KeyboardInterrupt) -> int:
    """The shell's status for a process ended by this interrupt: 128 + the signal's number (130 for Ctrl-C)."""
    return 128 + (interrupt.signum if isinstance(interrupt, Cancelled) else signal.SIGINT)


def signal_name(interrupt: BaseException) -> str:
    return signal.Signals(interrupt.signum).name if isinstance(interrupt, Cancelled) else "SIGINT"


_first: tuple[int, float] | None = None  # the signal that started the cleanup, and when


def _on_signal(signum: int, frame: FrameType | None) -> None:
    global _first
    if _first is not None:
        first, at = _first
        if signum == first and time.monotonic() - at < ECHO_SECONDS:
            return
        _end_now(signum, "a second signal during the cleanup")
    _first = (signum, time.monotonic())
    signal.signal(signal.SIGALRM, lambda s, f: _end_now(signum, f"the cleanup took over {CLEANUP_SECONDS} s"))
    signal.alarm(CLEANUP_SECONDS)
    for child in _children:
        _forward(child, signum)
    raise Cancelled(signum)


def _end_now(signum: int, why: str) -> None:
    print(f"igny8: {why}: ending now; `igny8 sweep` (or the next run) removes what is left", file=sys.stderr, flush=True)
    os._exit(128 + signum)


_children: list[int] = []


def _forward(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def forward_to(pid: int) -> None:
    """A process this one waits for (pytest) gets the cancelling signals this one gets."""
    _children.append(pid)


def forget(pid: int) -> None:
    if pid in _children:
        _children.remove(pid)


def stop_if_cancelled() -> None:
    """In a thread that starts work (a lane of `./igny8 test`, a mutant's run): once a signal has
    cancelled the process, start nothing more. The signal itself reaches the main thread only."""
    if _first is not None:
        raise Cancelled(_first[0])


def cancel_on_signals() -> None:
    """SIGINT, SIGTERM and SIGHUP raise Cancelled in this process from now on. Only the main thread
    may set handlers: elsewhere (a worker thread) this does nothing, and the defaults stay."""
    try:
        for signum in CANCEL_SIGNALS:
            signal.signal(signum, _on_signal)
    except ValueError:
        pass
