"""allure-results/: allure-pytest writes each test's result (turned on here), one per attempt of a
re-run test (Allure shows the earlier ones as its retries); at the end, a FLAKY test's last result
is marked, and the files Allure reads beside them are written: environment, executor and categories."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.outputs.base import FileOutput
from harness.runs import results
from harness.runs.options import RunOptions


class AllureResults(FileOutput):
    name, filename = "allure-results", "allure-results"

    def configure(self, config: pytest.Config, run_dir: Path) -> None:
        if not getattr(config.option, "allure_report_dir", None):
            config.option.allure_report_dir = str(run_dir / self.filename)

    def write(self, doc: dict[str, Any], run_dir: Path, options: RunOptions) -> None:
        allure_dir = run_dir / self.filename
        if not allure_dir.exists():
            return
        run, system = doc["run"], doc["run"].get("system", {})
        versions, plugin, backend = system.get("versions", {}), system.get("plugin", {}), system.get("backend", {})
        environment = {
            "WordPress": versions.get("wordpress"),
            "PHP": versions.get("php"),
            "MariaDB": versions.get("database"),
            "PostgreSQL": versions.get("postgres"),
            "Plugin": f"{plugin.get('name')} {plugin.get('version')}",
            "Backend": f"{backend.get('version')} rev {backend.get('revision')}",
            "Site profile": (system.get("site") or {}).get("summary", "none"),
            "Third-party plugins": ", ".join(f"{p.get('name') or p.get('folder')} {p.get('version')}" for p in system.get("extra_plugins") or []),
        }
        (allure_dir / "environment.properties").write_text("".join(f"{k}={v}\n" for k, v in environment.items() if v))
        executor = {"name": "igny8 conformance harness", "type": "igny8", "buildName": run["id"], "reportName": f"IGNY8 conformance {run['id']}"}
        (allure_dir / "executor.json").write_text(json.dumps(executor, indent=2))
        mark_flaky(allure_dir, doc["tests"])
        label_charges(allure_dir, doc["tests"])
        categories = [  # the first that matches is a result's category: FLAKY before "Setup broke"
            {"name": "Flaky (failed, then passed when re-run)", "matchedStatuses": ["broken"], "flaky": True},
            {"name": "Known failures (baseline)", "matchedStatuses": ["skipped"], "messageRegex": ".*known failure.*"},
            {"name": "Not applicable (capability not claimed)", "matchedStatuses": ["skipped"], "messageRegex": ".*NOT APPLICABLE.*"},
            {"name": "Setup broke (ERROR)", "matchedStatuses": ["broken"]},
            {"name": "Conformance failures", "matchedStatuses": ["failed"]},
        ]
        (allure_dir / "categories.json").write_text(json.dumps(categories, indent=2))


def mark_flaky(allure_dir: Path, tests: list[dict[str, Any]]) -> None:
    """allure-pytest has no notion of a re-run: a FLAKY test's last attempt is a plain "passed".
    Make it "broken" (no pass, as in the run's verdict) and flaky (Allure's own mark and count),
    saying why; the failed attempts stay beside it as its retries."""
    flaky = {t["nodeid"]: t for t in tests if t["status"] == results.FLAKY}
    if not flaky:
        return
    for path in allure_dir.glob("*-result.json"):
        result = json.loads(path.read_text())
        nodeid = next((label["value"] for label in result.get("labels", []) if label.get("name") == "igny8_id"), None)
        if nodeid in flaky and result.get("status") == "passed":
            result["status"] = "broken"
            result["statusDetails"] = {**result.get("statusDetails", {}), "flaky": True, "message": f"FLAKY: {flaky[nodeid]['message']}"}
            path.write_text(json.dumps(result, ensure_ascii=False))


def label_charges(allure_dir: Path, tests: list[dict[str, Any]]) -> None:
    """A failure charged to some of its test's requirements (harness.suite.charge) says so in Allure:
    a "charged" label per requirement, and the status message names them."""
    charged = {t["nodeid"]: t["charged"] for t in tests if t.get("charged")}
    if not charged:
        return
    for path in allure_dir.glob("*-result.json"):
        result = json.loads(path.read_text())
        nodeid = next((label["value"] for label in result.get("labels", []) if label.get("name") == "igny8_id"), None)
        if nodeid in charged and result.get("status") in ("failed", "broken"):
            result["labels"] = [*result.get("labels", []), *({"name": "charged", "value": rid} for rid in charged[nodeid])]
            details = result.get("statusDetails", {})
            result["statusDetails"] = {**details, "message": f"charged to {', '.join(charged[nodeid])}: {details.get('message', '')}"}
            path.write_text(json.dumps(result, ensure_ascii=False))


OUTPUT = AllureResults()
