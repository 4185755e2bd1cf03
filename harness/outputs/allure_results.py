"""allure-results/: allure-pytest writes each test's result (turned on here), one per attempt of a
re-run test (Allure shows the earlier ones as its retries); at the end, each result is given its
attempt's evidence, a FLAKY test's last result is marked, and the files Allure reads beside them are
written: environment, executor and categories.

Evidence is stored once: a test that keeps everything (harness.suite.evidence) has its files in
evidence/<key>/, and its results' attachments are hard links to them (`allure generate` reads them
as any attachment; the disk, `du` and a tar such as the Actions cache hold one copy). The lines of
the HTTP exchanges, which every test keeps, are steps. The fixtures' set-up and tear-down records
(*-container.json, one per fixture and test) are kept only for the tests that keep everything."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.outputs.base import SUMMARY, FileOutput
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
            "Evidence": f"{options['evidence']}: " + (EVERY_TEST if options["evidence"] == "all" else FAILURES_ONLY),
        }
        (allure_dir / "environment.properties").write_text("".join(f"{k}={v}\n" for k, v in environment.items() if v))
        executor = {"name": "igny8 conformance harness", "type": "igny8", "buildName": run["id"], "reportName": f"IGNY8 conformance {run['id']}"}
        (allure_dir / "executor.json").write_text(json.dumps(executor, indent=2))
        attach_evidence(allure_dir, run_dir, doc["tests"])
        if options["evidence"] != "all":
            prune_containers(allure_dir, doc["tests"])
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


EVERY_TEST = "every test keeps everything it saw"
FAILURES_ONLY = "a failing, flaky or erroring test keeps everything it saw; a passing one the lines of its HTTP exchanges"
MEDIA_TYPES = {"txt": "text/plain", "json": "application/json", "png": "image/png"}
KEEPS_EVERYTHING = {results.FAIL, results.ERROR, results.FLAKY}


def _results(allure_dir: Path) -> Iterator[tuple[Path, dict[str, Any], str | None]]:
    """Each *-result.json: its path, its content and the test's node id (the igny8_id label)."""
    for path in allure_dir.glob("*-result.json"):
        try:
            result = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        nodeid = next((label["value"] for label in result.get("labels", []) if label.get("name") == "igny8_id"), None)
        yield path, result, nodeid


def attach_evidence(allure_dir: Path, run_dir: Path, tests: list[dict[str, Any]]) -> None:
    """Each result gets its attempt's evidence (a test's results in the order they started are its
    attempts): the exchanges' lines as steps, every kept file as an attachment that is a hard link
    to it (a copy only where the file system has no hard links)."""
    by_test: dict[str, list[tuple[Path, dict[str, Any]]]] = {}
    for path, result, nodeid in _results(allure_dir):
        if nodeid is not None:
            by_test.setdefault(nodeid, []).append((path, result))
    for test in tests:
        found = sorted(by_test.get(test["nodeid"], []), key=lambda pr: pr[1].get("start", 0))
        attempts = test.get("attempts") or [{"evidence": test.get("evidence", [])}]
        for (path, result), attempt in zip(found, attempts, strict=False):
            evidence = attempt.get("evidence") or []
            if not evidence:
                continue
            steps = [_step(item) for item in evidence if item.get("kind") == SUMMARY]
            attachments = [a for a in (_attachment(item, allure_dir, run_dir) for item in evidence if item.get("path")) if a]
            had_steps = {step.get("name") for step in result.get("steps", [])}
            had_attachments = {a.get("source") for a in result.get("attachments", [])}  # written again (a re-rendered run): nothing twice
            result["steps"] = [*result.get("steps", []), *(s for s in steps if s["name"] not in had_steps)]
            result["attachments"] = [*result.get("attachments", []), *(a for a in attachments if a["source"] not in had_attachments)]
            path.write_text(json.dumps(result, ensure_ascii=False))


def _step(item: dict[str, Any]) -> dict[str, Any]:
    lines = [line for line in str(item.get("text", "")).splitlines() if line]
    return {"name": item["name"], "status": "passed", "stage": "finished", "steps": [{"name": line, "status": "passed", "stage": "finished"} for line in lines]}


def _attachment(item: dict[str, Any], allure_dir: Path, run_dir: Path) -> dict[str, str] | None:
    source = run_dir / item["path"]
    if not source.is_file():
        return None
    name = f"{uuid.uuid5(uuid.NAMESPACE_URL, str(source.resolve()))}-attachment{source.suffix}"  # the same file, the same name: writing again adds nothing
    target = allure_dir / name
    if not target.exists():
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
    return {"name": item["name"], "source": name, "type": MEDIA_TYPES.get(item.get("kind", ""), "text/plain")}


def prune_containers(allure_dir: Path, tests: list[dict[str, Any]]) -> None:
    """The fixtures' records of a test that keeps only its summary (it passed) go: one file per
    fixture and test, they were most of allure-results/. A record any failing, flaky or erroring
    test's result belongs to stays whole."""
    keeping = {t["nodeid"] for t in tests if t["status"] in KEEPS_EVERYTHING}
    kept = {result.get("uuid") for _, result, nodeid in _results(allure_dir) if nodeid in keeping}
    for path in allure_dir.glob("*-container.json"):
        try:
            children = set(json.loads(path.read_text()).get("children") or [])
        except (OSError, ValueError):
            continue
        if not children & kept:
            path.unlink()


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
