"""One closing line for `igny8 test`: every test, check, conformance test and mutant, passed or failed,
after the name of each that failed (a CI log's tail is often all a person sees)."""

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
        self.failures: list[str] = []
        self._lock = threading.Lock()

    def _count(self, passed: int, failed: int, names: Iterable[str] = ()) -> None:
        with self._lock:
            self.passed += passed
            self.failed += failed
            self.failures.extend(names)

    def add_junit(self, path: Path) -> None:
        if not path.exists():
            self._count(0, 1, [f"{path.name}: not written (the run broke)"])  # never a silent pass
            return
        for suite in ET.parse(path).getroot().iter("testsuite"):
            bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            names = [
                f"{case.get('classname', '')}::{case.get('name', '')}"
                for case in suite.iter("testcase")
                if case.find("failure") is not None or case.find("error") is not None
            ]
            self._count(int(suite.get("tests", 0)) - bad - int(suite.get("skipped", 0)), bad, names)

    def add_check(self, name: str, ok: bool) -> None:
        """A check that is not a pytest test (mypy): one pass or one failure."""
        self._count(int(ok), int(not ok), [] if ok else [name])

    def add_run(self, run_dir: Path) -> None:
        path = run_dir / "results.json"
        if not path.exists():
            self._count(0, 1, [f"{run_dir.name}: no results.json (the run broke)"])
            return
        tests = json.loads(path.read_text())["tests"]
        bad = [t for t in tests if t["status"] in ("FAIL", "ERROR", "FLAKY", "NOT RUN")]  # FLAKY is no pass
        self._count(sum(t["status"] == "PASS" for t in tests), len(bad), [f"{t.get('nodeid', '?')} {t['status']} ({run_dir.name})" for t in bad])

    def add_mutants(self, rows: Iterable[dict[str, Any]]) -> None:
        rows = list(rows)
        self._count(
            sum(bool(r["killed"]) for r in rows),
            sum(not r["killed"] for r in rows),
            [f"mutant {r.get('mutant', '?')} SURVIVED" for r in rows if not r["killed"]],
        )

    def line(self) -> str:
        """The failures' names, then the closing count (last, where a log's tail shows it)."""
        named = [f"  failed: {name}" for name in self.failures]
        return "\n".join([*named, f"igny8: {self.passed} passed, {self.failed} failed"])
