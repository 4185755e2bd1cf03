"""harness.base.cancel: SIGTERM and SIGHUP end a process as the first Ctrl-C does (its cleanup runs,
exit 128 + the signal); the same signal's echo is ignored; a second signal, or a cleanup past its
deadline, ends it at once. Real processes, real signals."""

import signal
import subprocess
import sys
import time

import pytest

from harness.base.paths import ROOT

PROGRAM = """
import os, signal, sys, time
from harness.base import cancel
cancel.CLEANUP_SECONDS = {deadline}
cancel.cancel_on_signals()
try:
    print("ready", flush=True)
    time.sleep(60)
except KeyboardInterrupt as interrupt:
    print("cleaning up after", cancel.signal_name(interrupt), flush=True)
    {during_cleanup}
    time.sleep({cleanup})
    print("clean", flush=True)
    sys.exit(cancel.exit_status(interrupt))
"""


def start(deadline: int = 20, cleanup: float = 0, during_cleanup: str = "pass") -> subprocess.Popen[str]:
    code = PROGRAM.format(deadline=deadline, cleanup=cleanup, during_cleanup=during_cleanup)
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_runs_the_cleanup_and_exits_with_128_plus_its_number(signum):
    process = start()
    process.send_signal(signum)
    out, _ = process.communicate(timeout=30)
    assert out.splitlines() == [f"cleaning up after {signal.Signals(signum).name}", "clean"]
    assert process.returncode == 128 + signum


def test_the_same_signal_again_at_once_is_its_echo_and_the_cleanup_finishes():
    process = start(cleanup=1.5, during_cleanup="os.kill(os.getpid(), signal.SIGTERM)")
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=30)
    assert out.splitlines()[-1] == "clean" and process.returncode == 143


def test_a_second_signal_during_the_cleanup_ends_the_process_at_once():
    process = start(cleanup=30)
    process.send_signal(signal.SIGTERM)
    assert process.stdout is not None and process.stdout.readline().startswith("cleaning up")
    time.sleep(1.2)  # past the echo window
    started = time.monotonic()
    process.send_signal(signal.SIGHUP)
    out, err = process.communicate(timeout=10)
    assert time.monotonic() - started < 5 and "clean\n" not in out
    assert process.returncode == 128 + signal.SIGHUP and "a second signal" in err


def test_a_cleanup_past_its_deadline_is_ended():
    process = start(deadline=1, cleanup=30)
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=15)
    assert time.monotonic() - started < 5 and "clean\n" not in out
    assert process.returncode == 143 and "took over 1 s" in err
