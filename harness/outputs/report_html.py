"""report.html: one self-contained page for a person, for one run or several side by side
(`igny8 report A B`), rendered with jinja2 from reports/templates/report.html.j2."""

from __future__ import annotations

import base64
import json
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from harness.base.paths import REPORTS
from harness.outputs.base import FileOutput
from harness.runs import results
from harness.runs.options import RunOptions
from harness.spec import spec

TEMPLATES = REPORTS / "templates"
STATUS_CLASS = {
    results.PASS: "pass",
    results.FAIL: "fail",
    results.ERROR: "error",
    results.FLAKY: "flaky",
    results.SKIPPED: "skip",
    results.NOT_APPLICABLE: "na",
    results.NOT_RUN: "notrun",
}


def _environment(page_dir: Path) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    env.filters["status_class"] = lambda status: STATUS_CLASS.get(status, "notrun")
    env.filters["data_uri"] = lambda path: "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode()
    env.filters["link"] = lambda path: os.path.relpath(path, page_dir)
    env.filters["content"] = _content
    return env


def _content(entry: dict[str, Any], limit: int = 20000) -> str:
    """An evidence item's text, from its file when it has one."""
    text = entry.get("text")
    if text is None and entry.get("path") and Path(entry["path"]).exists():
        text = Path(entry["path"]).read_text(errors="replace")
    text = text or ""
    return text if len(text) <= limit else text[:limit] + "\n…"


# A test ran in a run when it got this far: a skip or a NOT APPLICABLE did not run it.
RAN = {results.PASS, results.FAIL, results.ERROR, results.FLAKY}


def history(runs_root: Path, limit: int = 30) -> list[dict[str, Any]]:
    """The runs in one folder, oldest first: each one's requirement counts per status, for the
    chart, and the tests it ran and those that were FLAKY, for the flake rates."""
    points = []
    for results_file in runs_root.glob("*/results.json"):
        try:
            doc = json.loads(results_file.read_text())
        except (OSError, ValueError):
            continue  # a run that died while writing: not a point
        if "run" not in doc:
            continue  # a merged folder (harness.runs.merge): many runs, not one point
        tally = {s: sum(1 for r in doc["requirements"] if r["status"] == s) for s in STATUS_CLASS}
        tests = doc.get("tests", [])
        points.append(
            {
                "id": doc["run"]["id"],
                "started": doc["run"]["started"],
                "verdict": doc["run"]["verdict"],
                "counts": tally,
                "ran": sorted(t["nodeid"] for t in tests if t["status"] in RAN),
                "flaky": sorted(t["nodeid"] for t in tests if t["status"] == results.FLAKY),
            }
        )
    return sorted(points, key=lambda p: p["started"])[-limit:]


def flake_rates(points: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each test that was FLAKY in any of these runs: in how many of the runs that ran it it was
    FLAKY (flaky runs / runs that ran it), the flakiest first."""
    ran: Counter[str] = Counter()
    flaky: Counter[str] = Counter()
    for point in points:
        ran.update(point.get("ran", []))
        flaky.update(point.get("flaky", []))
    rows = [{"nodeid": nodeid, "flaky": n, "runs": ran[nodeid], "rate": n / max(ran[nodeid], n)} for nodeid, n in flaky.items()]
    return sorted(rows, key=lambda row: (-row["rate"], row["nodeid"]))


def load(run_dir: Path | str) -> dict[str, Any]:
    path = Path(run_dir) / "results.json"
    if not path.exists():
        raise FileNotFoundError(f"{run_dir} has no results.json: is it a run folder (reports/<run-id>/)?")
    doc: dict[str, Any] = json.loads(path.read_text())
    return doc


def render_html(path: Path, docs: Sequence[dict[str, Any]], runs_root: Path | None = None) -> Path:
    """One self-contained page for one run or several side by side (the first is the headline)."""
    counts = [{s: sum(1 for t in d["tests"] if t["status"] == s) for s in STATUS_CLASS} for d in docs]
    points = history(runs_root or path.parent.parent)
    template = _environment(path.parent).get_template("report.html.j2")
    page = template.render(docs=docs, areas=spec.areas(), counts=counts, statuses=list(STATUS_CLASS), history=points, flake_rates=flake_rates(points))
    path.write_text(page)
    return path


class ReportHtml(FileOutput):
    name, filename = "report", "report.html"

    def write(self, doc: dict[str, Any], run_dir: Path, options: RunOptions) -> None:
        render_html(run_dir / self.filename, [doc])


OUTPUT = ReportHtml()
