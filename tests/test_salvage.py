"""A run whose pytest died before writing its results (harness.launch.salvage): a real pytest
process, SIGKILLed by its own test in the last module, leaves its plan and journal; the folder then
gets results that keep what it finished, show the rest NOT RUN, and are no PASS."""

import json
import signal

from harness.launch.salvage import how_it_ended, salvage
from harness.runs.options import RunOptions

SUITE_FIRST = """
import pytest

@pytest.mark.requirement("ERR-2")
def test_first():
    pass
"""

SUITE_LAST = """
import os, signal
import pytest

@pytest.mark.requirement("ERR-3")
def test_killed_here():
    os.kill(os.getpid(), signal.SIGKILL)

@pytest.mark.requirement("STRUCT-3")
def test_never_reached():
    pass
"""


def test_a_killed_runs_folder_says_what_it_finished_and_what_it_did_not(pytester, tmp_path):
    pytester.makepyfile(test_a_first=SUITE_FIRST, test_b_last=SUITE_LAST)
    report_dir = tmp_path / "run"
    result = pytester.runpytest_subprocess(f"--igny8-report-dir={report_dir}", "--igny8-no-allure-html", "-p", "no:cacheprovider", "-p", "no:django")
    assert result.ret == -signal.SIGKILL and not (report_dir / "results.json").exists()
    doc = salvage(report_dir, 128 + signal.SIGKILL, RunOptions({"report_dir": str(report_dir)}))
    assert doc is not None
    written = json.loads((report_dir / "results.json").read_text())
    assert written == json.loads(json.dumps(doc))
    assert 'data-testid="crashed"' in (report_dir / "report.html").read_text()
    status = {t["nodeid"].split("::")[-1]: t["status"] for t in written["tests"]}
    assert status == {"test_first": "PASS", "test_killed_here": "NOT RUN", "test_never_reached": "NOT RUN"}
    assert written["run"]["verdict"] != "PASS" and written["run"]["crashed"] == "pytest was ended by SIGKILL before it wrote its results"
    assert {r["id"]: r["status"] for r in written["requirements"]}["STRUCT-3"] == "NOT RUN"


def test_a_run_that_never_reached_its_tests_gets_no_made_up_results(tmp_path):
    assert salvage(tmp_path, 2, RunOptions({})) is None and not (tmp_path / "results.json").exists()


def test_how_a_run_ended_is_said_plainly():
    assert how_it_ended(143) == "pytest was ended by SIGTERM before it wrote its results"
    assert how_it_ended(3) == "pytest exited with status 3 before it wrote its results"
