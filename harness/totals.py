"""One closing line for `igny8 test`: every test, check, conformance test and mutant, passed or failed."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any


class Totals:
    def __init__(self) -> None:
        self.passed = self.failed = 0

    def add_junit(self, path: Path) -> None:
        if not path.exists():
            self.failed += 1  # no report means the run broke: never a silent pass
            return
        for suite in ET.parse(path).getroot().iter("testsuite"):
            bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            self.failed += bad
            self.passed += int(suite.get("tests", 0)) - bad - int(suite.get("skipped", 0))

    def add_check(self, name: str, ok: bool) -> None:
        """A check that is not a pytest test (mypy): one pass or one failure."""
        if ok:
            self.passed += 1
        else:
            self.failed += 1

    def add_run(self, run_dir: Path) -> None:
        path = run_dir / "results.json"
        if not path.exists():
            self.failed += 1
            return
        for test in json.loads(path.read_text())["tests"]:
            if test["status"] == "PASS":
                self.passed += 1
            elif test["status"] in ("FAIL", "ERROR", "NOT RUN"):
                self.failed += 1

    def add_mutants(self, rows: Iterable[dict[str, Any]]) -> None:
        rows = list(rows)
        self.passed += sum(bool(r["killed"]) for r in rows)
        self.failed += sum(not r["killed"] for r in rows)

    def line(self) -> str:
        return f"igny8: {self.passed} passed, {self.failed} failed"
