"""Flaky or failing (#12): a failing conformance test is re-run on a fresh reset; one that then passes
is FLAKY, never PASS, in every output; --igny8-no-rerun makes a failure FAIL at once. Checked on
small generated suites run through the harness's pytest plugin (no stack: they ask for none)."""

import json
import xml.etree.ElementTree as ET

import pytest

from harness.outputs import report_html
from harness.runs import results
from harness.runs.results import ERROR, FAIL, FLAKY, NOT_RUN, PASS, SKIPPED, TestResult

SUITE = """
import pytest
from pathlib import Path

HERE = Path(__file__).parent


def bump(name):
    path = HERE / name
    n = int(path.read_text()) + 1 if path.exists() else 1
    path.write_text(str(n))
    return n


@pytest.fixture
def fresh_site():
    bump("resets")  # the per-test reset: it must run before every attempt


@pytest.mark.requirement("ERR-3")
def test_flaky(fresh_site, igny8_evidence):
    attempt = bump("flaky-attempts")
    igny8_evidence.text("what this attempt saw", f"attempt {attempt}")
    assert attempt > 1, "the first attempt fails"


@pytest.mark.requirement("ERR-2")
def test_always_fails():
    assert 1 == 2, "one is not two"


@pytest.mark.requirement("ERR-1")
def test_passes():
    pass
"""


def _run(pytester, tmp_path, *options, suite=SUITE):
    pytester.makepyfile(test_generated=suite)
    report_dir = tmp_path / "run"
    result = pytester.runpytest_subprocess(f"--igny8-report-dir={report_dir}", "--igny8-no-allure-html", "-p", "no:cacheprovider", "-p", "no:django", *options)
    doc = json.loads((report_dir / "results.json").read_text())
    return result, report_dir, doc, {t["nodeid"].split("::")[-1]: t for t in doc["tests"]}


def test_a_test_that_passes_when_re_run_is_flaky_in_every_output(pytester, tmp_path):
    result, report_dir, doc, tests = _run(pytester, tmp_path)
    assert result.ret == 1, result.stdout.str()[-2000:]
    result.stdout.fnmatch_lines(["*FLAKY: 1 tests failed, then passed when re-run; the run fails*"])
    flaky, failing, passing = tests["test_flaky"], tests["test_always_fails"], tests["test_passes"]

    assert flaky["status"] == FLAKY and [a["status"] for a in flaky["attempts"]] == [FAIL, PASS]
    assert "the first attempt fails" in flaky["attempts"][0]["message"] and "passed on attempt 2" in flaky["message"]
    assert failing["status"] == FAIL and [a["status"] for a in failing["attempts"]] == [FAIL] * 3  # the default: 2 re-runs
    assert passing["status"] == PASS and len(passing["attempts"]) == 1
    assert (pytester.path / "resets").read_text() == "2", "the per-test reset did not run before each attempt"
    assert doc["run"]["verdict"] == FAIL
    assert {r["id"]: r["status"] for r in doc["requirements"]}["ERR-3"] == FLAKY

    # Every attempt's evidence is kept, each in its own place (paths relative to the run folder).
    seen = [[(report_dir / e["path"]).read_text() for e in a["evidence"]] for a in flaky["attempts"]]
    assert seen == [["attempt 1"], ["attempt 2"]]

    # junit.xml: one testcase per test, the earlier attempts as Surefire's flakyFailure / rerunFailure.
    cases = {c.get("name"): c for c in ET.parse(report_dir / "junit.xml").getroot().iter("testcase")}
    assert len(list(ET.parse(report_dir / "junit.xml").getroot().iter("testcase"))) == 3
    assert len(cases["test_flaky"].findall("flakyFailure")) == 1 and cases["test_flaky"].find("failure") is None
    assert len(cases["test_always_fails"].findall("rerunFailure")) == 2 and cases["test_always_fails"].find("failure") is not None
    status = {p.get("value") for p in cases["test_flaky"].iter("property") if p.get("name") == "igny8_status"}
    assert status == {FLAKY}

    # Allure: the attempts are retries; the last one is no plain pass.
    allure = [json.loads(p.read_text()) for p in (report_dir / "allure-results").glob("*-result.json")]
    mine = [r for r in allure if r["name"] == "test_flaky"]
    assert sorted(r["status"] for r in mine) == ["broken", "failed"]
    assert next(r for r in mine if r["status"] == "broken")["statusDetails"]["flaky"] is True

    html = (report_dir / "report.html").read_text()
    assert 'class="st flaky">FLAKY<' in html and 'data-testid="attempts"' in html and "attempt 2" in html


def test_without_re_runs_a_failure_is_fail_at_once(pytester, tmp_path):
    result, _, doc, tests = _run(pytester, tmp_path, "--igny8-no-rerun")
    assert result.ret == 1
    assert {name: (t["status"], len(t["attempts"])) for name, t in tests.items()} == {
        "test_flaky": (FAIL, 1),
        "test_always_fails": (FAIL, 1),
        "test_passes": (PASS, 1),
    }


def test_the_number_of_re_runs_is_the_runs_to_choose(pytester, tmp_path):
    _, _, _, tests = _run(pytester, tmp_path, "--igny8-reruns=1", "-k", "always_fails")
    assert [a["status"] for a in tests["test_always_fails"]["attempts"]] == [FAIL, FAIL]


SHARED = """
import pytest


@pytest.fixture(scope="module")
def connected():
    return {"checks": 0}  # built once; the tests after it build on it, in order


@pytest.mark.requirement("ERR-3")
def test_on_the_module_state(connected):
    connected["checks"] += 1
    assert connected["checks"] > 1, "fails on its first attempt"


@pytest.mark.requirement("ERR-3")
@pytest.mark.parametrize("n", [1, 2])
def test_needs_the_stack(the_stack, n):
    pass
"""

CONFTEST = """
import pytest
from pathlib import Path


@pytest.fixture(scope="session")
def the_stack():  # a plugin's session fixture, as the harness's igny8_stack is
    with (Path(__file__).parent / "builds").open("a") as f:
        f.write("x")
    raise RuntimeError("the stack did not start")
"""


def test_state_shared_by_several_tests_is_not_re_run(pytester, tmp_path):
    """A test on module-built state is FAIL at once (a re-run would not start from a fresh reset), and
    a broken session fixture is built once, not again for every attempt of every test."""
    pytester.makeconftest(CONFTEST)
    _, _, _, tests = _run(pytester, tmp_path, suite=SHARED)
    assert tests["test_on_the_module_state"]["status"] == FAIL and len(tests["test_on_the_module_state"]["attempts"]) == 1
    assert [t["status"] for name, t in tests.items() if name.startswith("test_needs_the_stack")] == [ERROR, ERROR]
    assert (pytester.path / "builds").read_text() == "x"


@pytest.mark.parametrize(
    "attempts,expected",
    [
        ([PASS], PASS),
        ([FAIL], FAIL),
        ([FAIL, PASS], FLAKY),
        ([ERROR, PASS], FLAKY),
        ([FAIL, FAIL, FAIL], FAIL),
        ([FAIL, ERROR], ERROR),
        ([FAIL, SKIPPED], FLAKY),
        ([], NOT_RUN),
    ],
)
def test_a_tests_status_comes_from_its_attempts(attempts, expected):
    assert results.final_status([{**results.attempt_record(i + 1), "status": s} for i, s in enumerate(attempts)]) == expected


def test_flaky_is_never_a_pass():
    assert results.requirement_status([PASS, FLAKY]) == FLAKY
    assert results.requirement_status([FLAKY, ERROR]) == ERROR
    assert results.requirement_status([FLAKY, NOT_RUN]) == FLAKY
    from harness.spec import spec

    tests = [TestResult(rid, rid, [rid], status=PASS) for rid in spec.requirements()]
    tests[0].status = FLAKY
    assert results.verdict(results.requirement_rows(tests), tests) == FAIL


def _write_run(root, run_id, statuses):
    folder = root / run_id
    folder.mkdir()
    doc = {
        "run": {"id": run_id, "started": f"2026-01-0{run_id[-1]}T00:00:00+00:00", "verdict": FAIL},
        "requirements": [],
        "tests": [{"nodeid": nodeid, "status": status} for nodeid, status in statuses.items()],
    }
    (folder / "results.json").write_text(json.dumps(doc))


def test_the_history_gives_each_flaky_tests_flake_rate(tmp_path):
    _write_run(tmp_path, "run1", {"t::a": PASS, "t::b": FLAKY, "t::c": SKIPPED})
    _write_run(tmp_path, "run2", {"t::a": FLAKY, "t::b": FLAKY, "t::c": PASS})
    _write_run(tmp_path, "run3", {"t::a": FAIL, "t::b": NOT_RUN, "t::c": PASS})
    _write_run(tmp_path, "run4", {"t::a": PASS})
    (tmp_path / "run5").mkdir()
    (tmp_path / "run5" / "results.json").write_text("{half written")  # a run that died: not a point
    points = report_html.history(tmp_path)
    assert [p["id"] for p in points] == ["run1", "run2", "run3", "run4"]
    rates = report_html.flake_rates(points)
    assert [(r["nodeid"], r["flaky"], r["runs"]) for r in rates] == [("t::b", 2, 2), ("t::a", 1, 4)]  # flakiest first; c never flaky
    assert rates[1]["rate"] == 0.25
    recent = report_html.flake_rates(report_html.history(tmp_path, limit=3))  # run2..run4; run3 did not run b
    assert [(r["nodeid"], r["flaky"], r["runs"]) for r in recent] == [("t::b", 1, 1), ("t::a", 1, 3)]
    assert report_html.flake_rates(report_html.history(tmp_path, limit=2)) == []
