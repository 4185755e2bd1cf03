"""Statuses, per test and per requirement, and the run's document (results.json's content).

A requirement's status comes from the tests that name it. A missing or unfinished result is
never a pass: a requirement with no finished test is NOT RUN.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from harness.spec import dimensions, spec
from harness.spec.cases import KINDS, POSITIVE

PASS, FAIL, ERROR, SKIPPED, NOT_APPLICABLE, NOT_RUN = "PASS", "FAIL", "ERROR", "SKIPPED", "NOT APPLICABLE", "NOT RUN"
FLAKY = "FLAKY"  # failed, then passed when re-run on a fresh reset: never a pass
INCOMPLETE = "INCOMPLETE"
UNAVAILABLE = "UNAVAILABLE"  # a matrix cell that could not be built here (its Debian suite unfetchable): said, not judged
# The worst status among a requirement's tests wins.
SEVERITY = [FAIL, ERROR, FLAKY, NOT_RUN, SKIPPED, NOT_APPLICABLE, PASS]


@dataclass
class TestResult:
    __test__ = False  # a record, not a test class for pytest to collect
    nodeid: str  # the test's one identity: the same in results.json, junit.xml and Allure
    title: str
    requirements: list[str]
    status: str = NOT_RUN
    duration: float = 0.0
    message: str = ""
    evidence: list[dict[str, Any]] = field(default_factory=list)
    repro: str = ""
    known: str = ""  # a baseline entry covers this failure
    examples: int = 0  # property-based tests: how many examples ran
    repro_file: str = ""  # property-based tests: the shrunk failing example, for `igny8 repro`
    incomplete: str = ""  # NOT APPLICABLE because the run lacked what the check needs: why
    site_lacks: str = ""  # NOT APPLICABLE because the site has nothing for it to check (harness.spec.status.site_lacks): why
    cases: dict[str, str] = field(default_factory=dict)  # requirement id -> positive | negative (harness.spec.cases)
    cells: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # requirement id -> the `cells=` it claims (spec/dimensions.yaml)
    fault: dict[str, Any] = field(default_factory=dict)  # a fault scenario's outcome: lost, unexpected, stale, recovery (scenarios/test_faults.py)
    # Every run of the test, in order (more than one when a failure was re-run): each attempt's
    # status, duration, message and evidence, so that the failures behind a FLAKY stay visible.
    attempts: list[dict[str, Any]] = field(default_factory=list)
    # The requirements a failure is charged to (the test's `igny8_requirement` block that broke);
    # empty: every requirement the test names. The others are not charged (harness.suite.charge).
    charged: list[str] = field(default_factory=list)

    def speaks_for(self, requirement_id: str) -> bool:
        """Whether this result judges the requirement: a failure charged to others says nothing of it."""
        return not (self.status in (FAIL, ERROR, FLAKY) and self.charged and requirement_id not in self.charged)


def attempt_record(number: int) -> dict[str, Any]:
    """One attempt of a test, before its reports arrive."""
    return {"attempt": number, "status": NOT_RUN, "duration": 0.0, "message": "", "evidence": []}


def final_status(attempts: Sequence[dict[str, Any]]) -> str:
    """A test's status from its attempts: the last one's, except that a test that failed and then
    did not fail on a re-run is FLAKY. A failure is re-run only when it is a FAIL or an ERROR."""
    if not attempts:
        return NOT_RUN
    last = str(attempts[-1]["status"])
    return FLAKY if len(attempts) > 1 and last not in (FAIL, ERROR) else last


def requirement_status(test_statuses: Sequence[str], applicable: bool = True) -> str:
    if not applicable:
        return NOT_APPLICABLE
    if not test_statuses:
        return NOT_RUN
    return min(test_statuses, key=SEVERITY.index)


def requirement_rows(tests: Sequence[TestResult], unclaimed: Collection[str] = frozenset()) -> list[dict[str, Any]]:
    """One row per requirement in spec order: its status and the tests behind it."""
    rows = []
    for req in spec.requirements().values():
        mine = [t for t in tests if req.id in t.requirements]
        # A test about a site this run's is not (no third-party plugin on it) says nothing of the requirement.
        judged = [t for t in mine if not (t.site_lacks and t.status == NOT_APPLICABLE) and t.speaks_for(req.id)]  # none left: NOT RUN
        applicable = not (req.capability and req.capability in unclaimed)
        rows.append(
            {
                **asdict(req),
                "area": req.area,
                "status": requirement_status([t.status for t in judged], applicable),
                "tests": [t.nodeid for t in mine],
                "incomplete": sorted({t.incomplete for t in mine if t.incomplete}),
                "cases": {kind: sum(t.cases.get(req.id, POSITIVE) == kind for t in mine) for kind in KINDS},
                "cells": cell_rows(req.id, mine),
            }
        )
    return rows


def cell_rows(requirement_id: str, tests: Sequence[TestResult]) -> list[dict[str, Any]]:
    """The cells spec/dimensions.yaml binds the requirement to, each with the tests of this run that
    cover it and their statuses, or the reason written beside it that it does not apply."""
    dims = dimensions.load()
    binding = dims.bindings.get(requirement_id)
    if binding is None:
        return []
    covering: dict[dimensions.Cell, list[dict[str, str]]] = {}
    for test in tests:
        for claim in test.cells.get(requirement_id, []):
            for cell in dims.expand(claim):
                covering.setdefault(cell, []).append({"nodeid": test.nodeid, "status": test.status})
    return [{"cell": dimensions.shown(cell), "tests": covering.get(cell, []), "not_applicable": binding.reason(cell) or ""} for cell in binding.every_cell()]


def verdict(rows: Sequence[dict[str, Any]], tests: Sequence[TestResult]) -> str:
    """FAIL on any new failure; PASS only when every MUST requirement passed (or does not apply)
    and nothing failed but known failures; INCOMPLETE otherwise: a subset was run, or the run
    could not make some checks (no observer, say).

    A FLAKY test fails the run too: its check was made, and on a fresh reset it once saw the
    requirement broken. A requirement must hold every time (a sync protocol's flake is as often a
    real race as a noisy test), and INCOMPLETE would say "not checked", which is not so."""
    if any(t.status in (FAIL, ERROR, FLAKY) and not t.known for t in tests):
        return FAIL
    if any(r["level"] == "MUST" and r["status"] not in (PASS, NOT_APPLICABLE) for r in rows) or any(t.known or t.incomplete for t in tests):
        return INCOMPLETE
    return PASS


def never_ran(planned: Iterable[dict[str, Any]], tests: Iterable[TestResult], why: str) -> list[TestResult]:
    """A NOT RUN result for each planned test ({nodeid, requirements}) that has no result: a run
    that crashed or was cancelled part-way says what it did not run, and is no pass."""
    seen = {t.nodeid for t in tests}
    return [TestResult(p["nodeid"], p["nodeid"].split("::")[-1], list(p.get("requirements") or []), message=why) for p in planned if p["nodeid"] not in seen]


def incomplete_checks(tests: Sequence[TestResult]) -> list[TestResult]:
    """The tests the run could not make, each with why."""
    return [t for t in tests if t.incomplete]


def document(run: dict[str, Any], tests: Sequence[TestResult], unclaimed: Collection[str] = frozenset()) -> dict[str, Any]:
    """The run as data: metadata with its verdict, one row per requirement, one entry per test."""
    rows = requirement_rows(tests, unclaimed)
    return {"run": {"system": {}, **run, "verdict": verdict(rows, tests)}, "requirements": rows, "tests": [asdict(t) for t in tests]}
