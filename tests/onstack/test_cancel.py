"""A cancelled run cleans up (issue #41): real `./igny8 run`s, each in a process group of its own as
a terminal or CI job is, signalled mid-suite. They start real stacks, so `./igny8 test` runs them in
a lane (harness.selftest.testplan), not with the fast tests (`--unit` leaves tests/onstack/ out).

- SIGTERM and SIGHUP end the run as Ctrl-C does: exit 128 + the signal, its stack removed, and a
  report that says the run was interrupted, with what it did not run as NOT RUN;
- a run killed outright (SIGKILL) cannot clean up: the next run finds its stack, says so and removes
  it, and leaves alone a stack that another live process owns.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.base.paths import ROOT
from harness.stack.sweep import stacks

# Three modules of quick tests (about 40 s): the signal lands after the first test passed, well before the last.
SELECTION = [
    "scenarios/test_structure.py",
    "scenarios/test_labels.py",
    "scenarios/test_states.py",
    "--no-allure-html",
    "--no-rerun",
    "-n",
    "0",
]  # serial: its output names the stack
FIRST_TEST_PASSED = re.compile(r"answer: done in [\d.]+s\n\.")
STACK_NAME = re.compile(r"\b(igny8-[0-9a-f]{6})\b")
RUN_FOLDER = re.compile(r"run folder: (\S+)")


def clean_environment() -> dict[str, str]:
    """This process's environment without what pytest and the backend's tests put in it: a run
    started from here is a user's run, not a test's child."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTEST", "DATABASE_URL", "IGNY8_API_RATE"))}


class Run:
    """`./igny8 run ARGS` in a new session (its own process group), its output in a file."""

    def __init__(self, log: Path, *args: str) -> None:
        self.log = log
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [str(ROOT / "igny8"), "run", *args], cwd=ROOT, env=clean_environment(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, pattern: re.Pattern[str], seconds: float = 240) -> re.Match[str]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = pattern.search(self.output())
            if found:
                return found
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"no {pattern.pattern!r} in the run's output (exit {self.process.poll()}):\n{self.output()[-3000:]}")

    def signal_group(self, signum: int) -> None:
        os.killpg(self.process.pid, signum)

    def exit_status(self, seconds: float = 90) -> int:
        try:
            return self.process.wait(seconds)
        except subprocess.TimeoutExpired:
            self.signal_group(signal.SIGKILL)
            raise AssertionError(f"the run did not end within {seconds} s of the signal:\n{self.output()[-3000:]}") from None


def containers_of(name: str) -> bool:
    return name in stacks()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_cancelled_run_removes_its_stack_and_says_it_was_interrupted(tmp_path, signum):
    run = Run(tmp_path / "run.log", *SELECTION)
    folder = Path(run.wait_for(RUN_FOLDER).group(1))
    run.wait_for(FIRST_TEST_PASSED)
    name = STACK_NAME.search(run.output())
    assert name, "the run named no stack"
    assert containers_of(name.group(1)), "the stack was not running when the signal was sent"
    run.signal_group(signum)
    status = run.exit_status()
    assert status == 128 + signum, f"exit {status}:\n{run.output()[-2000:]}"
    assert not containers_of(name.group(1)), f"{name.group(1)} is still there after {signal.Signals(signum).name}"
    doc = json.loads((folder / "results.json").read_text())
    assert doc["run"]["interrupted"] == signal.Signals(signum).name
    assert doc["run"]["verdict"] != "PASS"
    assert any(t["status"] == "NOT RUN" for t in doc["tests"]), "the tests after the signal are not NOT RUN"
    assert 'data-testid="interrupted"' in (folder / "report.html").read_text()


HOLDER = """
import sys, time
from harness.base import cancel
from harness.stack.stack import running_stack
cancel.cancel_on_signals()
with running_stack() as stack:
    print(stack.name, flush=True)
    time.sleep(600)
"""


def test_a_killed_runs_stack_is_removed_by_the_next_run_and_a_live_ones_is_not(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER], cwd=ROOT, env=clean_environment(), stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert holder.stdout is not None
        live = holder.stdout.readline().strip()
        assert live and containers_of(live), "the live process's stack did not start"
        killed = Run(tmp_path / "killed.log", *SELECTION)
        killed.wait_for(FIRST_TEST_PASSED)
        leaked = STACK_NAME.search(killed.output())
        assert leaked
        killed.signal_group(signal.SIGKILL)
        killed.process.wait(30)
        assert containers_of(leaked.group(1)), "SIGKILL left no stack: nothing for the next run to find"

        after = Run(tmp_path / "after.log", "scenarios/test_structure.py", "-k", "test_only_published", "--no-allure-html", "-n", "0")
        after.exit_status(300)
        said = after.output()
        assert f"found a leaked stack, {leaked.group(1)}" in said, said[-2000:]
        assert not containers_of(leaked.group(1)), "the killed run's stack is still there"
        assert containers_of(live), "the next run removed a stack that a live process owns"
        assert live not in said.split("found a leaked stack")[-1].splitlines()[0]
    finally:
        os.killpg(holder.pid, signal.SIGTERM)
        holder.wait(60)
    assert not containers_of(live), "the holder's SIGTERM did not remove its stack"


def test_a_run_whose_pytest_is_killed_in_its_last_module_is_no_pass_and_says_how_it_ended(tmp_path):
    """pytest killed outright (as a runner's OOM killer does), the command line alive: the run's
    exit status is 137 and its results, made from what pytest journaled, are not PASS."""
    run = Run(tmp_path / "run.log", *SELECTION)
    folder = Path(run.wait_for(RUN_FOLDER).group(1))
    run.wait_for(re.compile(r"scenarios/test_states\.py .*\."))  # the last module is under way
    pytest_pid = int(subprocess.run(["pgrep", "-P", str(run.process.pid), "-f", "pytest"], capture_output=True, text=True).stdout.split()[0])
    os.kill(pytest_pid, signal.SIGKILL)
    status = run.exit_status()
    assert status == 128 + signal.SIGKILL, f"exit {status}:\n{run.output()[-2000:]}"
    doc = json.loads((folder / "results.json").read_text())
    assert doc["run"]["verdict"] != "PASS" and "SIGKILL" in doc["run"]["crashed"]
    statuses = {t["nodeid"]: t["status"] for t in doc["tests"]}
    assert any(s == "PASS" for s in statuses.values()), "what ran before the kill was lost"
    assert any(s == "NOT RUN" for n, s in statuses.items() if "test_states" in n), "the last module's remaining tests are not NOT RUN"
    leaked = STACK_NAME.search(run.output())
    assert leaked
    subprocess.run([str(ROOT / "igny8"), "sweep"], cwd=ROOT, env=clean_environment(), capture_output=True, timeout=120)
    assert not containers_of(leaked.group(1))
