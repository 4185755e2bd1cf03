"""Run folders as a run writes them (results.document over TestResults), for the merge and gate tests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness.outputs import report_html
from harness.runs import results
from harness.runs.results import PASS, TestResult
from harness.spec import spec
from harness.target import manifest

CLAIMED = sorted(manifest.known_capabilities())
OLD = {"wordpress": "5.7.11", "php": "7.4.33", "database": "10.5.23-MariaDB-0+deb11u1"}
NEW = {"wordpress": "7.1.4", "php": "8.4.27", "database": "11.8.9-MariaDB-0+deb13u1"}


def nodeid(requirement_id: str) -> str:
    return f"scenarios/test_{requirement_id.split('-')[0].lower()}.py::test_{requirement_id.replace('-', '_').lower()}"


def passing() -> list[TestResult]:
    """One passing test per requirement: a clean run."""
    return [TestResult(nodeid(rid), rid, [rid], status=PASS) for rid in spec.requirements()]


def with_status(tests: Sequence[TestResult], requirement_id: str, status: str, **changes: Any) -> list[TestResult]:
    """The same tests, the one checking requirement_id given another status (and fields)."""
    return [replace(t, status=status, **changes) if requirement_id in t.requirements else t for t in tests]


def cell(wordpress: str, php: str, allowed_to_fail: bool = False) -> dict[str, Any]:
    return {"name": f"wp{wordpress}-php{php}", "wordpress": wordpress, "php": php, "allowed_to_fail": allowed_to_fail}


def write_run(
    root: Path,
    run_id: str,
    tests: Sequence[TestResult],
    cell: dict[str, Any] | None = None,
    versions: dict[str, str] | None = None,
    planned: Sequence[str] | None = None,
    report: bool = True,
) -> Path:
    """reports/<run_id>/ with results.json (and report.html) as the collector writes them; the cell
    where the stack records it (run.system.cell)."""
    system: dict[str, Any] = {"versions": versions or NEW}
    if cell:
        system["cell"] = cell
    run: dict[str, Any] = {
        "id": run_id,
        "started": f"2026-11-27T0{len(run_id) % 10}:00:00+00:00",
        "finished": "2026-11-27T09:00:00+00:00",
        "wall_seconds": 60.0,
        "exit_status": 0,
        "options": {"profile": "thorough"},
        "claimed_capabilities": CLAIMED,
        "system": system,
    }
    if planned is not None:
        run["planned"] = list(planned)
    doc = results.document(run, tests, manifest.unclaimed(CLAIMED))
    folder = root / run_id
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps(doc))
    if report:
        report_html.render_html(folder / "report.html", [doc], runs_root=root)
    return folder


def statuses(rows: Sequence[dict[str, Any]]) -> dict[str, str]:
    return {r["id"]: r["status"] for r in rows}
