"""report.html of a merged folder (`igny8 merge`): requirements down, the matrix's cells across, each
status linking to its cell's own run report. Not in OUTPUTS: it is written for a merged folder,
never for a run. It has the run report's look: the same environment and the same stylesheet."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from harness.outputs.report_html import STATUS_CLASS, _environment
from harness.runs.merge import merge_runs, severity
from harness.runs.results import NOT_APPLICABLE, NOT_RUN, PASS, SKIPPED
from harness.spec import spec

SHOWN_FAILING = 50  # failing tests listed per cell; the cell's own report has them all


def write_merged(run_dirs: Sequence[Path], out_dir: Path) -> Path:
    """Merges the run folders into out_dir (harness.runs.merge) and renders its report.html beside
    results.json; returns results.json's path."""
    path = merge_runs(run_dirs, out_dir)
    render(out_dir / "report.html", json.loads(path.read_text()))
    return path


def render(path: Path, doc: dict[str, Any]) -> Path:
    env = _environment(path.parent)
    cells = [_cell(c, path.parent) for c in doc["cells"]]
    template = env.get_template("merged.html.j2")
    path.write_text(template.render(doc=doc, cells=cells, matrix=_matrix(doc, cells), areas=spec.areas(), style=_report_style(env), shown=SHOWN_FAILING))
    return path


def _report_style(env: Environment) -> Markup:
    """The run report's <style>, read from its template: one look, written in one place."""
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, "report.html.j2")
    found = re.search(r"<style>.*?</style>", source, re.S)
    return Markup(found.group(0) if found else "")


def _cell(entry: dict[str, Any], page_dir: Path) -> dict[str, Any]:
    """What the page shows of a cell: its verdict, the versions its system reported, links to its runs."""
    runs = [{"id": r["id"], "href": _report_link(Path(r["path"]), page_dir)} for r in entry["runs"]]
    tests = entry["tests"]
    counts = Counter(t["status"] for t in tests)
    return {
        "name": entry["cell"]["name"],
        "allowed_to_fail": bool(entry["cell"].get("allowed_to_fail")),
        "verdict": entry["verdict"],
        "versions": (entry["run"].get("system") or {}).get("versions") or {},
        "counts": {s: counts[s] for s in [*STATUS_CLASS, *sorted(set(counts) - set(STATUS_CLASS))] if counts[s]},
        "runs": runs,
        "href": next((r["href"] for r in runs if r["href"]), None),
        "failing": [t for t in tests if t["status"] not in (PASS, NOT_APPLICABLE, SKIPPED)],
    }


def _report_link(run_dir: Path, page_dir: Path) -> str | None:
    report = run_dir / "report.html"
    return os.path.relpath(report.resolve(), page_dir.resolve()) if report.exists() else None


def _matrix(doc: dict[str, Any], cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per requirement, one status per cell. Where the cells disagree, each status worse than
    the row's best is marked: a requirement that fails in one cell only shows as that one cell."""
    rows = []
    for req in doc["requirements"]:
        statuses = [req["cells"].get(c["name"], NOT_RUN) for c in cells]
        best = max(statuses, key=severity, default=NOT_RUN)
        marked = [{"cell": c["name"], "status": s, "href": c["href"], "odd": severity(s) < severity(best)} for c, s in zip(cells, statuses, strict=True)]
        rows.append({**req, "statuses": marked})
    return rows
