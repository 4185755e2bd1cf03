"""Every output is written by a real run of the harness's pytest plugin on a small generated suite,
each test keeps one identity across results.json, junit.xml and Allure, and NOT APPLICABLE is
carried as data."""

import json
import shutil
import xml.etree.ElementTree as ET

import pytest

from harness.outputs import OUTPUTS, allure_html, written

SUITE = """
import pytest

@pytest.mark.requirement("ERR-2")
@pytest.mark.parametrize("body", [b"{not json", b'{"a": '], ids=["broken json", "truncated json"])
def test_bodies(body):
    assert body

@pytest.mark.requirement("CONTENT-2")
def test_needs_a_capability():
    pass

@pytest.mark.requirement("ERR-1")
def test_skipped_with_a_misleading_message():
    pytest.skip("NOT APPLICABLE? no: an ordinary skip whose text only looks like one")

@pytest.mark.requirement("ERR-3")
def test_fails():
    assert 1 == 2, "one is not two"
"""


@pytest.fixture
def run(pytester, tmp_path):
    """The generated suite, run through the plugin with a report folder; its results.json."""
    pytester.makepyfile(test_generated=SUITE)
    (tmp_path / "manifest.json").write_text('{"capabilities": []}')
    report_dir = tmp_path / "run"
    options = [f"--igny8-report-dir={report_dir}", f"--igny8-manifest={tmp_path / 'manifest.json'}", "--igny8-no-allure-html"]
    result = pytester.runpytest_subprocess(*options, "-p", "no:cacheprovider", "-p", "no:django")
    assert result.ret == 1, result.stdout.str()[-2000:]  # test_fails fails
    return report_dir, json.loads((report_dir / "results.json").read_text())


def test_every_registered_output_is_written(run):
    report_dir, _ = run
    names = {name for name, _ in written(report_dir)}
    assert names == {o.name for o in OUTPUTS} - {"allure"}, f"outputs written: {names}"


def test_not_applicable_is_data_not_a_message(run):
    _, doc = run
    status = {t["nodeid"].split("::")[-1]: t["status"] for t in doc["tests"]}
    assert status["test_needs_a_capability"] == "NOT APPLICABLE"
    assert status["test_skipped_with_a_misleading_message"] == "SKIPPED"


def test_each_test_has_one_identity_in_results_junit_and_allure(run):
    report_dir, doc = run
    ours = sorted(t["nodeid"] for t in doc["tests"])
    assert len(ours) == 5 and len(set(ours)) == 5
    junit = ET.parse(report_dir / "junit.xml").getroot()
    ids = sorted(p.get("value") for p in junit.iter("property") if p.get("name") == "igny8_id")
    assert ids == ours
    allure = [json.loads(p.read_text()) for p in (report_dir / "allure-results").glob("*-result.json")]
    shown = sorted((r["fullName"], tuple((p["name"], p["value"]) for p in r.get("parameters", []))) for r in allure)
    assert len(set(shown)) == len(ours), f"Allure shows distinct cases as one: {shown}"
    assert not any("<class" in value for _, params in shown for _, value in params)
    assert all(not any(label["name"] == "AS_ID" for label in r["labels"]) for r in allure), "a requirement ID is used as the test's id"


@pytest.mark.skipif(not (shutil.which("node") and shutil.which("npm")), reason="the Allure 3 report needs Node and npm")
def test_the_allure_report_counts_exactly_the_tests_pytest_ran(run, tmp_path):
    report_dir, doc = run
    report = allure_html.generate(report_dir / "allure-results", tmp_path / "allure-report", "identity check")
    assert report is not None, "allure generate failed"
    stats = json.loads((report / "summary.json").read_text())["stats"]
    rerun = sum(len(t["attempts"]) > 1 for t in doc["tests"])  # test_fails, re-run before it is FAIL
    assert stats["total"] == len(doc["tests"]) and stats.get("retries", 0) == rerun == 1, stats


INCOMPLETE_SUITE = """
import pytest
from harness.spec.status import incomplete

@pytest.mark.requirement("SEC-3")
def test_needs_an_observer(request):
    incomplete(request.node, "needs the backend's observer")

@pytest.mark.requirement("ERR-3")
def test_passes():
    pass
"""


@pytest.mark.parametrize("allow,exit_code", [(False, 1), (True, 0)])
def test_a_run_that_could_not_make_its_checks_is_incomplete_and_fails_unless_allowed(pytester, tmp_path, allow, exit_code):
    pytester.makepyfile(test_generated=INCOMPLETE_SUITE)
    report_dir = tmp_path / "run"
    options = [f"--igny8-report-dir={report_dir}", "--igny8-no-allure-html", *(["--igny8-allow-incomplete"] if allow else [])]
    result = pytester.runpytest_subprocess(*options, "-p", "no:cacheprovider", "-p", "no:django")
    assert result.ret == exit_code, result.stdout.str()[-1500:]
    result.stdout.fnmatch_lines(["*INCOMPLETE: 1 checks could not be made*", "SEC-3: needs the backend's observer"])
    doc = json.loads((report_dir / "results.json").read_text())
    assert doc["run"]["verdict"] == "INCOMPLETE"
    assert {r["id"]: r["incomplete"] for r in doc["requirements"]}["SEC-3"] == ["needs the backend's observer"]
    assert "not checked: needs the backend&#39;s observer" in (report_dir / "report.html").read_text()
