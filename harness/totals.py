"""One closing line for `igny8 test`: every test, conformance test and mutant, passed or failed."""

import json
import xml.etree.ElementTree as ET


class Totals:
    def __init__(self):
        self.passed = self.failed = 0

    def add_junit(self, path):
        if not path.exists():
            self.failed += 1  # no report means the run broke: never a silent pass
            return
        for suite in ET.parse(path).getroot().iter("testsuite"):
            bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            self.failed += bad
            self.passed += int(suite.get("tests", 0)) - bad - int(suite.get("skipped", 0))

    def add_run(self, run_dir):
        path = run_dir / "results.json"
        if not path.exists():
            self.failed += 1
            return
        for test in json.loads(path.read_text())["tests"]:
            if test["status"] == "PASS":
                self.passed += 1
            elif test["status"] in ("FAIL", "ERROR", "NOT RUN"):
                self.failed += 1

    def add_mutants(self, rows):
        self.passed += sum(r["killed"] for r in rows)
        self.failed += sum(not r["killed"] for r in rows)

    def line(self):
        return f"igny8: {self.passed} passed, {self.failed} failed"
