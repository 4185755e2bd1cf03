"""Writes a run's results: results.json (the data) and report.html (for a person), side by side."""

import base64
import json
import os
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import results, spec

TEMPLATES = Path(__file__).resolve().parents[2] / "reports" / "templates"
STATUS_CLASS = {
    results.PASS: "pass",
    results.FAIL: "fail",
    results.ERROR: "error",
    results.SKIPPED: "skip",
    results.NOT_APPLICABLE: "na",
    results.NOT_RUN: "notrun",
}


def _environment(page_dir):
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    env.filters["status_class"] = lambda status: STATUS_CLASS.get(status, "notrun")
    env.filters["data_uri"] = lambda path: "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode()
    env.filters["link"] = lambda path: os.path.relpath(path, page_dir)
    env.filters["content"] = _content
    return env


def _content(entry, limit=20000):
    """An evidence item's text, from its file when it has one."""
    text = entry.get("text")
    if text is None and entry.get("path") and Path(entry["path"]).exists():
        text = Path(entry["path"]).read_text(errors="replace")
    text = text or ""
    return text if len(text) <= limit else text[:limit] + "\n…"


def running_system(report_dir):
    """What the stacks said they run (written by the stack_info fixture), merged over workers."""
    found = [json.loads(p.read_text()) for p in sorted(report_dir.glob("stack-*.json"))]
    return found[0] if found else {}


def write_report(report_dir, run, tests, unclaimed=frozenset()):
    run = {**run, "system": running_system(report_dir)}
    doc = results.write(report_dir / "results.json", run, tests, unclaimed)
    render_html(report_dir / "report.html", [doc])
    return doc


def history(runs_root, limit=30):
    """Requirement counts per status of the runs in one folder, oldest first, for the chart."""
    points = []
    for results_file in runs_root.glob("*/results.json"):
        try:
            doc = json.loads(results_file.read_text())
        except (OSError, ValueError):
            continue  # a run that died while writing: not a point
        tally = {s: sum(1 for r in doc["requirements"] if r["status"] == s) for s in STATUS_CLASS}
        points.append({"id": doc["run"]["id"], "started": doc["run"]["started"], "verdict": doc["run"]["verdict"], "counts": tally})
    return sorted(points, key=lambda p: p["started"])[-limit:]


def load(run_dir):
    path = Path(run_dir) / "results.json"
    if not path.exists():
        raise FileNotFoundError(f"{run_dir} has no results.json: is it a run folder (reports/<run-id>/)?")
    return json.loads(path.read_text())


def render_html(path, docs, runs_root=None):
    """One self-contained page for one run or several side by side (the first is the headline)."""
    areas = spec.areas()
    counts = [{s: sum(1 for t in d["tests"] if t["status"] == s) for s in STATUS_CLASS} for d in docs]
    points = history(runs_root or path.parent.parent)
    template = _environment(path.parent).get_template("report.html.j2")
    path.write_text(template.render(docs=docs, areas=areas, counts=counts, statuses=list(STATUS_CLASS), history=points))
    return path
