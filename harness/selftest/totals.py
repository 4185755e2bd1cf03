"""One closing line for `igny8 test`: every test, check, conformance test and mutant, passed or failed."""

from __future__ import annotations

import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any


class Totals:
    """Counts from every part of `igny8 test`; parts that run side by side add to it at once."""

    def __init__(self) -> None:
        self.passed = self.failed = 0
        self._lock = threading.Lock()

    def _count(self, passed: int, failed: int) -> None:
        with self._lock:
            self.passed += passed
            self.failed += failed

    def add_junit(self, path: Path) -> None:
        if not path.exists():
            self._count(0, 1)  # no report means the run broke: never a silent pass
            return
        for suite in ET.parse(path).getroot().iter("testsuite"):
            bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            self._count(int(suite.get("tests", 0)) - bad - int(suite.get("skipped", 0)), bad)

    def add_check(self, name: str, ok: bool) -> None:
        """A check that is not a pytest test (mypy): one pass or one failure."""
        self._count(int(ok), int(not ok))

    def add_run(self, run_dir: Path) -> None:
        path = run_dir / "results.json"
        if not path.exists():
            self._count(0, 1)
            return
        statuses = [t["status"] for t in json.loads(path.read_text())["tests"]]
        self._count(statuses.count("PASS"), sum(statuses.count(s) for s in ("FAIL", "ERROR", "FLAKY", "NOT RUN")))  # FLAKY is no pass

    def add_mutants(self, rows: Iterable[dict[str, Any]]) -> None:
        rows = list(rows)
        self._count(sum(bool(r["killed"]) for r in rows), sum(not r["killed"] for r in rows))

    def line(self) -> str:
        return f"igny8: {self.passed} passed, {self.failed} failed"
