"""Shapes of a check that can pass while its requirement is broken, kept out of scenarios/: each has
a form that proves what it saw (issue "Checks that prove what they saw").

- `pytest.skip(...)`: a plain skip is SKIPPED, whatever its message says; NOT APPLICABLE and
  incomplete are data (harness.spec.status.not_applicable, incomplete).
- `threading.Thread(`: a plain thread's failure is a warning that scrolls past; a future's result
  raises it (concurrent.futures), and pytest's unhandled-thread warning is an error (pyproject.toml).
- `not 200 <= status < 300`: also passes when nothing answered (status 0).
- `.strftime(`: a date format the spec does not state fails a conforming build.
- a key cut at a fixed length (`api_key[6:]`): assumes the reference's key shape; harness.judge.secrets
  looks for every form of it."""

import re
import subprocess
import sys

import pytest

from harness.base.paths import ROOT

SHAPES = {
    "a plain pytest.skip": re.compile(r"\bpytest\.skip\("),
    "a plain thread": re.compile(r"threading\.Thread\("),
    "'not 2xx' as a refusal": re.compile(r"not 200 <= [\w.]+ < 300"),
    "a date format the spec does not state": re.compile(r"\.strftime\("),
    "a key cut at a fixed length": re.compile(r"api_key\[\d*:\d*\]"),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_no_scenario_has_the_shape(shape):
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sorted((ROOT / "scenarios").glob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if SHAPES[shape].search(line)
    ]
    assert not found, f"{shape} in scenarios/:\n" + "\n".join(found)


THREAD_FAILS = """
import threading

def test_a_thread_fails_inside():
    worker = threading.Thread(target=lambda: 1 / 0)
    worker.start()
    worker.join()
"""


def test_a_threads_failure_fails_its_test_under_the_projects_settings(tmp_path):
    (tmp_path / "test_thread.py").write_text(THREAD_FAILS)
    command = [sys.executable, "-m", "pytest", "test_thread.py", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), "-p", "no:django", "-q"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "ZeroDivisionError" in done.stdout and "1 failed" in done.stdout, done.stdout[-2000:]
