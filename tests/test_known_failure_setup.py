"""A known failure (--baseline) covers its test's check, not a setup that broke before the check:
that test is ERROR, and the run fails, never SKIPPED (a real pytest run of the plugin)."""

import json

SUITE = """
import pytest

@pytest.fixture
def broken_setup():
    raise RuntimeError("the stack could not start")

@pytest.mark.requirement("ERR-2")
def test_known_but_its_setup_broke(broken_setup):
    assert False

@pytest.mark.requirement("ERR-3")
def test_known_and_failing():
    assert False, "the known bug"
"""


def test_a_known_failures_broken_setup_is_an_error(pytester, tmp_path):
    pytester.makepyfile(test_generated=SUITE)
    baseline = tmp_path / "baseline.yaml"
    known = ("test_known_but_its_setup_broke", "test_known_and_failing")
    baseline.write_text("".join(f"- test: test_generated.py::{name}\n  reason: known\n  bug: B-1\n  expires: 2099-01-01\n" for name in known))
    report_dir = tmp_path / "run"
    result = pytester.runpytest_subprocess(
        f"--igny8-report-dir={report_dir}", f"--igny8-baseline={baseline}", "--igny8-no-allure-html", "-p", "no:cacheprovider", "-p", "no:django"
    )
    doc = json.loads((report_dir / "results.json").read_text())
    status = {t["nodeid"].split("::")[-1]: t["status"] for t in doc["tests"]}
    assert status == {"test_known_but_its_setup_broke": "ERROR", "test_known_and_failing": "FAIL"}, status
    assert doc["run"]["verdict"] == "FAIL" and result.ret != 0
