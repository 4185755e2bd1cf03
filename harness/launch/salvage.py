"""A run whose pytest died before writing its results (killed, out of memory, a crash in a hook):
its folder still gets a results.json and a report.html, made from the plan it wrote at collection
(harness.suite.planned) and the journal of every test it finished (harness.suite.collector). What
it finished keeps its status; the rest is NOT RUN; the verdict is never PASS, and the run says how
it ended."""

from __future__ import annotations

import json
import signal
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.outputs import report_html, results_json
from harness.runs import results
from harness.runs.options import RunOptions
from harness.suite.collector import JOURNAL
from harness.suite.planned import PLAN_FILE


def how_it_ended(status: int) -> str:
    """pytest's exit status, said plainly: 128 + n is signal n."""
    if status > 128 and status - 128 in {s.value for s in signal.Signals}:
        return f"pytest was ended by {signal.Signals(status - 128).name} before it wrote its results"
    return f"pytest exited with status {status} before it wrote its results"


def salvage(run_dir: Path, status: int, options: RunOptions) -> dict[str, Any] | None:
    """Writes results.json and report.html for a run that left none; returns the document (None
    when the run left neither a plan nor a journal: it never reached its tests)."""
    plan_path, journal_path = run_dir / PLAN_FILE, run_dir / JOURNAL
    if not plan_path.exists() and not journal_path.exists():
        return None
    finished: dict[str, results.TestResult] = {}
    for line in journal_path.read_text().splitlines() if journal_path.exists() else []:
        entry = json.loads(line)
        finished[entry["nodeid"]] = results.TestResult(
            entry["nodeid"], entry["nodeid"].split("::")[-1], entry["requirements"], status=entry["status"], message=entry["message"]
        )
    plan = json.loads(plan_path.read_text()) if plan_path.exists() else []
    why = how_it_ended(status)
    tests = [*finished.values(), *results.never_ran(plan, finished.values(), f"planned, but {why}")]
    started = datetime.fromtimestamp((plan_path if plan_path.exists() else journal_path).stat().st_mtime, UTC)
    now = datetime.now(UTC)
    run: dict[str, Any] = {
        "id": run_dir.name,
        "started": started.isoformat(),
        "finished": now.isoformat(),
        "wall_seconds": round((now - started).total_seconds(), 1),
        "exit_status": status,
        "crashed": why,
        "interrupted": None,
        "options": {},
        "planned": plan,
    }
    doc = results.document(run, tests)
    for output in (results_json.OUTPUT, report_html.OUTPUT):
        output.write(doc, run_dir, options)
    return doc
