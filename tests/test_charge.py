"""A failure is charged to the requirement whose statement broke (harness.suite.charge): the plugin,
on a generated suite, with a manifest that claims no optional capability. The result says which
requirement each failure broke in results.json, report.html and junit.xml; the test's other
requirements are not charged; a failure in a block for an unclaimed requirement fails nothing."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

SUITE = """
import pytest

@pytest.mark.requirement("CONN-8", "FAIL-1", case="negative")
def test_two_requirements_one_breaks(igny8_requirement):
    with igny8_requirement("FAIL-1"):
        assert True
    with igny8_requirement("CONN-8"):
        assert False, "the plugin keeps retrying"

@pytest.mark.requirement("FAIL-3")
def test_outside_any_block(igny8_requirement):
    assert False, "no block: every requirement it names"

@pytest.mark.requirement("LOG-3", "FAIL-2")
def test_an_unclaimed_capability_is_never_charged(igny8_requirement):
    with igny8_requirement("FAIL-2"):
        assert True
    with igny8_requirement("LOG-3"):
        assert False, "event-log is not claimed: no failure"
    with igny8_requirement("FAIL-2"):
        assert True

@pytest.mark.requirement("ERR-2")
def test_a_block_for_a_requirement_it_does_not_name(igny8_requirement):
    with igny8_requirement("SEC-3"):
        pass
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    pytester_dir = tmp_path_factory.mktemp("suite")
    (pytester_dir / "test_generated.py").write_text(SUITE)
    (pytester_dir / "manifest.json").write_text('{"capabilities": []}')
    report_dir = pytester_dir / "run"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "test_generated.py",
            f"--igny8-report-dir={report_dir}",
            f"--igny8-manifest={pytester_dir / 'manifest.json'}",
            "--igny8-no-allure-html",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:django",
            "-p",
            "no:randomly",
            "--rootdir",
            str(pytester_dir),
            "-c",
            "/dev/null",
        ],
        cwd=pytester_dir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    doc = json.loads((report_dir / "results.json").read_text())
    return report_dir, doc, {t["nodeid"].split("::")[-1]: t for t in doc["tests"]}, {r["id"]: r["status"] for r in doc["requirements"]}


def test_a_failure_in_a_block_is_charged_to_its_requirement_alone(run):
    _, _, tests, rows = run
    assert tests["test_two_requirements_one_breaks"]["status"] == "FAIL"
    assert tests["test_two_requirements_one_breaks"]["charged"] == ["CONN-8"]
    assert rows["CONN-8"] == "FAIL" and rows["FAIL-1"] == "NOT RUN"  # FAIL-1: no other test judged it


def test_a_failure_outside_every_block_is_charged_to_all_it_names(run):
    _, _, tests, rows = run
    assert tests["test_outside_any_block"]["charged"] == [] and rows["FAIL-3"] == "FAIL"


def test_a_failure_in_an_unclaimed_requirements_block_fails_nothing(run):
    _, _, tests, rows = run
    assert tests["test_an_unclaimed_capability_is_never_charged"]["status"] == "PASS"
    assert rows["LOG-3"] == "NOT APPLICABLE" and rows["FAIL-2"] == "PASS"


def test_a_block_must_name_a_requirement_of_its_test(run):
    _, _, tests, _ = run
    assert tests["test_a_block_for_a_requirement_it_does_not_name"]["status"] == "FAIL"
    assert "SEC-3" in tests["test_a_block_for_a_requirement_it_does_not_name"]["message"]


def test_every_output_says_what_the_failure_was_charged_to(run):
    report_dir, _, _, _ = run
    failure = next(
        f for f in BeautifulSoup((report_dir / "report.html").read_text(), "html.parser").select('[data-testid="failure"]') if "one_breaks" in f.text
    )
    assert failure.select_one('[data-testid="charged"]').text == "charged to CONN-8"
    case = next(c for c in ET.parse(report_dir / "junit.xml").iter("testcase") if c.get("name") == "test_two_requirements_one_breaks")
    assert {p.get("name"): p.get("value") for p in case.iter("property")}["igny8_charged"] == "['CONN-8']"


def test_allure_labels_the_requirement_a_failure_was_charged_to(run):
    report_dir, _, _, _ = run
    results = [json.loads(p.read_text()) for p in (report_dir / "allure-results").glob("*-result.json")]
    broke = next(r for r in results if r["name"] == "test_two_requirements_one_breaks")
    assert {"name": "charged", "value": "CONN-8"} in broke["labels"] and broke["statusDetails"]["message"].startswith("charged to CONN-8")
