"""A run that ends before its plan is done is no pass: the plugin, on a generated suite in a real
pytest process, signalled (SIGTERM, as a CI service's cancel sends it) in its second test. The run's
results say which signal, every test it did not run is NOT RUN under its requirements, the verdict
is not PASS and pytest's status is not 0."""

import json

import pytest

SUITE = """
import os, signal
import pytest

@pytest.mark.requirement("ERR-2")
def test_first():
    pass

@pytest.mark.requirement("ERR-3")
def test_cancelled_here():
    os.kill(os.getpid(), signal.{signal})

@pytest.mark.requirement("STRUCT-3")
def test_never_reached():
    pass
"""


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP"])
def test_a_signalled_run_says_so_and_what_it_did_not_run(pytester, tmp_path, signal_name):
    pytester.makepyfile(test_generated=SUITE.format(signal=signal_name))
    (tmp_path / "manifest.json").write_text('{"capabilities": []}')
    report_dir = tmp_path / "run"
    options = [f"--igny8-report-dir={report_dir}", f"--igny8-manifest={tmp_path / 'manifest.json'}", "--igny8-no-allure-html"]
    result = pytester.runpytest_subprocess(*options, "-p", "no:cacheprovider", "-p", "no:django")
    assert result.ret == pytest.ExitCode.INTERRUPTED, result.stdout.str()[-2000:]
    doc = json.loads((report_dir / "results.json").read_text())
    assert doc["run"]["interrupted"] == signal_name and doc["run"]["verdict"] != "PASS"
    status = {t["nodeid"].split("::")[-1]: t["status"] for t in doc["tests"]}
    assert status["test_first"] == "PASS"
    assert status["test_never_reached"] == "NOT RUN"
    rows = {r["id"]: r["status"] for r in doc["requirements"]}
    assert rows["STRUCT-3"] == "NOT RUN"
    assert 'data-testid="interrupted"' in (report_dir / "report.html").read_text()


def test_a_whole_run_is_not_said_to_be_interrupted(pytester, tmp_path):
    pytester.makepyfile(test_generated='import pytest\n\n@pytest.mark.requirement("ERR-2")\ndef test_one():\n    pass\n')
    report_dir = tmp_path / "run"
    pytester.runpytest_subprocess(f"--igny8-report-dir={report_dir}", "--igny8-no-allure-html", "-p", "no:cacheprovider", "-p", "no:django")
    doc = json.loads((report_dir / "results.json").read_text())
    assert doc["run"]["interrupted"] is None and [t["status"] for t in doc["tests"]] == ["PASS"]
    assert 'data-testid="interrupted"' not in (report_dir / "report.html").read_text()
