"""Statuses, verdicts, manifests and baselines: the rules that decide what a run says."""

from datetime import date

import pytest

from harness.runs import baseline, results
from harness.runs.results import ERROR, FAIL, NOT_APPLICABLE, NOT_RUN, PASS, SKIPPED, TestResult
from harness.target import manifest


@pytest.mark.parametrize(
    "statuses,expected",
    [
        ([], NOT_RUN),
        ([PASS, PASS], PASS),
        ([PASS, FAIL], FAIL),
        ([PASS, ERROR], ERROR),
        ([FAIL, ERROR], FAIL),
        ([PASS, SKIPPED], SKIPPED),
        ([PASS, NOT_RUN], NOT_RUN),
    ],
)
def test_a_requirement_takes_the_worst_status_of_its_tests(statuses, expected):
    assert results.requirement_status(statuses) == expected


def test_a_requirement_without_a_finished_test_is_never_a_pass():
    rows = results.requirement_rows([TestResult("t", "t", ["CONN-1"], status=NOT_RUN)])
    assert {r["id"]: r["status"] for r in rows}["CONN-1"] == NOT_RUN
    assert {r["id"]: r["status"] for r in rows}["CONN-2"] == NOT_RUN


def test_an_unclaimed_capability_is_not_applicable_not_pass():
    rows = results.requirement_rows([TestResult("t", "t", ["CONTENT-2"], status=PASS)], unclaimed=frozenset({"content-sync"}))
    assert {r["id"]: r["status"] for r in rows}["CONTENT-2"] == NOT_APPLICABLE


def _all_passing():
    from harness.spec import spec

    return [TestResult(rid, rid, [rid], status=PASS) for rid in spec.requirements()]


def test_verdicts():
    tests = _all_passing()
    assert results.verdict(results.requirement_rows(tests), tests) == PASS
    tests[0].status = FAIL
    assert results.verdict(results.requirement_rows(tests), tests) == FAIL
    tests[0].known = "known failure until ..."
    assert results.verdict(results.requirement_rows(tests), tests) == "INCOMPLETE"
    assert results.verdict(results.requirement_rows(tests[1:]), tests[1:]) == "INCOMPLETE"


def test_not_applicable_only_when_every_checked_requirement_needs_an_unclaimed_capability():
    assert manifest.not_applicable_reason(["CONTENT-2"], {"content-sync"}) == "the implementation does not claim content-sync"
    assert manifest.not_applicable_reason(["CONTENT-2", "READ-2"], {"content-sync"}) is None
    assert manifest.not_applicable_reason(["CONTENT-2"], set()) is None


def test_baseline_matches_by_test_or_requirement_until_it_expires(tmp_path):
    path = tmp_path / "baseline.yaml"
    path.write_text(
        "- test: scenarios/test_labels.py::test_labels_in_any_script_arrive_unchanged\n  reason: emoji cut\n  bug: BUG-1\n  expires: 2026-12-31\n"
        "- requirement: LOG-2\n  reason: unbounded\n  bug: BUG-2\n  expires: 2026-01-01\n"
    )
    known = baseline.load(path)
    today = date(2026, 6, 1)
    assert baseline.find(known, "scenarios/test_labels.py::test_labels_in_any_script_arrive_unchanged", [], today).bug == "BUG-1"
    assert baseline.find(known, "scenarios/test_failure.py::test_the_event_log_is_bounded", ["LOG-2"], today) is None  # expired
    assert baseline.find(known, "scenarios/test_failure.py::test_the_event_log_is_bounded", ["LOG-2"], date(2025, 12, 1)).bug == "BUG-2"
    assert baseline.find(known, "scenarios/test_other.py::test_x", ["CONN-1"], today) is None


@pytest.mark.parametrize(
    "text,message",
    [
        ("- test: a\n  reason: r\n  bug: b\n", "missing: expires"),
        ("- reason: r\n  bug: b\n  expires: 2026-01-01\n", "needs test or requirement"),
        ("- requirement: NOPE-1\n  reason: r\n  bug: b\n  expires: 2026-01-01\n", "unknown requirement NOPE-1"),
        ("- test: a\n  reason: r\n  bug: b\n  expires: soon\n", "expires must be a date"),
        ("test: a\n", "a baseline is a list"),
    ],
)
def test_a_malformed_baseline_is_refused_naming_the_entry(refused_file, text, message):
    refused_file(baseline.load, text, baseline.BaselineError, message)


def test_the_closing_line_counts_tests_runs_and_mutants_after_naming_each_failure(tmp_path):
    from harness.selftest.totals import Totals

    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite tests="5" failures="1" errors="0" skipped="1">'
        '<testcase classname="tests.test_a" name="test_ok"/><testcase classname="tests.test_a" name="test_bad"><failure/></testcase>'
        "</testsuite></testsuites>"
    )
    run = tmp_path / "run"
    run.mkdir()
    (run / "results.json").write_text(
        '{"tests": [{"nodeid": "s::a", "status": "PASS"}, {"nodeid": "s::b", "status": "ERROR"}, {"nodeid": "s::c", "status": "SKIPPED"}]}'
    )
    totals = Totals()
    totals.add_junit(junit)
    totals.add_run(run)
    totals.add_mutants([{"mutant": "m1", "killed": True}, {"mutant": "m2", "killed": False}])
    totals.add_run(tmp_path / "missing")
    assert totals.line().splitlines() == [
        "  failed: tests.test_a::test_bad",
        "  failed: s::b ERROR (run)",
        "  failed: mutant m2 SURVIVED",
        "  failed: missing: no results.json (the run broke)",
        "igny8: 5 passed, 4 failed",
    ]
