"""junit.xml, for CI systems: pytest's own junitxml plugin writes it, turned on here; at the end, a
re-run test's attempts are folded into one testcase."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from harness.outputs.base import FileOutput
from harness.runs import results
from harness.runs.options import RunOptions


class JunitXml(FileOutput):
    name, filename = "junit", "junit.xml"

    def configure(self, config: pytest.Config, run_dir: Path) -> None:
        if not config.option.xmlpath:
            config.option.xmlpath = str(run_dir / self.filename)

    def write(self, doc: dict[str, Any], run_dir: Path, options: RunOptions) -> None:
        path = run_dir / self.filename
        if path.exists():
            fold_attempts(path, doc["tests"])


def fold_attempts(path: Path, tests: list[dict[str, Any]]) -> None:
    """pytest's junitxml writes one testcase per attempt of a re-run test, and the failed ones look
    passed (pytest-rerunfailures' "rerun" outcome is none it knows). Keep the last attempt's
    testcase and give it the earlier ones the way Maven Surefire does, which CI systems read:
    <flakyFailure>/<flakyError> on a test that then passed (FLAKY), <rerunFailure>/<rerunError>
    on one that failed every time; and the harness's status as the igny8_status property."""
    rerun = {t["nodeid"]: t for t in tests if len(t.get("attempts", [])) > 1}
    if not rerun:
        return
    tree = ET.parse(path)
    for suite in tree.getroot().iter("testsuite"):
        last: dict[str, ET.Element] = {}
        for case in suite.findall("testcase"):
            nodeid = _property(case, "igny8_id")
            if nodeid is not None and nodeid in rerun:
                if nodeid in last:
                    suite.remove(last[nodeid])  # an earlier attempt: its testcase never counted in the suite's totals
                last[nodeid] = case
        for nodeid, case in last.items():
            test = rerun[nodeid]
            prefix = "flaky" if test["status"] == results.FLAKY else "rerun"
            for attempt in test["attempts"][:-1]:
                kind = "Error" if attempt["status"] == results.ERROR else "Failure"
                element = ET.SubElement(case, prefix + kind, message=attempt["message"][:500], type=attempt["status"])
                ET.SubElement(element, "stackTrace").text = f"attempt {attempt['attempt']}: {attempt['message']}"
            properties = case.find("properties")
            if properties is None:
                properties = ET.Element("properties")
                case.insert(0, properties)
            ET.SubElement(properties, "property", name="igny8_status", value=test["status"])
            ET.SubElement(properties, "property", name="igny8_attempts", value=str(len(test["attempts"])))
    tree.write(path, encoding="utf-8", xml_declaration=True)


def _property(case: ET.Element, name: str) -> str | None:
    found = case.find(f"properties/property[@name='{name}']")
    return None if found is None else found.get("value")


OUTPUT = JunitXml()
