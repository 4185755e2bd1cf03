"""report.html: one self-contained page for a person, for one run or several side by side
(`igny8 report A B`), rendered with jinja2 from reports/templates/report.html.j2."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from harness.base.paths import REPORTS, ROOT
from harness.outputs.base import SUMMARY, FileOutput
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
    """The page's jinja2 environment. An evidence path in results.json is relative to its run folder
    (`folder`, given where a page shows several runs; else the page's own folder)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    env.filters["status_class"] = lambda status: STATUS_CLASS.get(status, "notrun")
    env.filters["data_uri"] = lambda path, folder=None: "data:image/png;base64," + base64.b64encode(_file(path, folder or page_dir).read_bytes()).decode()
    env.filters["link"] = lambda path, folder=None: os.path.relpath(_file(path, folder or page_dir), page_dir)
    env.filters["content"] = lambda entry, folder=None: _content(entry, folder or page_dir)
    return env


def _file(path: str | Path, folder: Path) -> Path:
    """An evidence file: relative to its run folder (absolute in runs written before issue #37)."""
    return Path(folder) / path


def _content(entry: dict[str, Any], folder: Path, limit: int = 20000) -> str:
    """An evidence item's text, from its file when it has one."""
    text = entry.get("text")
    if text is None and entry.get("path") and _file(entry["path"], folder).exists():
        text = _file(entry["path"], folder).read_text(errors="replace")
    text = text or ""
    return text if len(text) <= limit else text[:limit] + "\n…"


# A test ran in a run when it got this far: a skip or a NOT APPLICABLE did not run it.
RAN = {results.PASS, results.FAIL, results.ERROR, results.FLAKY}
POINT = "history.json"  # in each run folder: the run as one point of the history (harness.outputs.history_point)


def build_of(run: dict[str, Any]) -> dict[str, Any]:
    """What a run checked, for comparing like with like over time: the plugin (its name and folder,
    not its version: a new version of the same plugin is the history's point), the backend (its
    image, or its URL), the cell (WordPress and PHP), the site and the third-party plugins around
    the plugin, and the selection of tests (harness.suite.collector.selection; before it was
    recorded, the tests the run planned)."""
    system, options = run.get("system") or {}, run.get("options") or {}
    plugin, backend, cell = system.get("plugin") or {}, system.get("backend") or {}, system.get("cell") or {}
    versions = system.get("versions") or {}
    selection = run.get("selection")
    if selection is None and run.get("planned"):
        planned = sorted(p["nodeid"] if isinstance(p, dict) else str(p) for p in run["planned"])
        selection = {"planned": hashlib.sha1("\n".join(planned).encode()).hexdigest()[:12], "tests": len(planned)}
    return {
        "plugin": {"name": plugin.get("name"), "dir": _in_checkout(plugin.get("dir") or options.get("plugin"))},
        "backend": backend.get("image") or options.get("backend_url") or options.get("backend_image"),
        "cell": {"wordpress": cell.get("wordpress") or versions.get("wordpress"), "php": cell.get("php") or versions.get("php")},
        "site": _in_checkout((system.get("site") or {}).get("file") or options.get("site")),
        "extra_plugins": sorted(str(p.get("folder") or p.get("name")) for p in system.get("extra_plugins") or []),
        "selection": selection,
    }


def _in_checkout(path: str | None) -> str | None:
    """A path as the checkout names it (reference/igny8-wp-plugin), wherever the checkout is."""
    if not path:
        return None
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def _key(build: dict[str, Any]) -> str:
    return json.dumps(build, sort_keys=True, default=str)


def build_name(run: dict[str, Any]) -> str:
    """The build in words, for the chart's title: `IGNY8 WordPress Integration · backend
    igny8/backend:reference · WordPress 7.1 / PHP 8.4 · the whole suite`."""
    build = build_of(run)
    plugin, cell, selection = build["plugin"], build["cell"], build["selection"] or {}
    parts = [f"{plugin['name'] or plugin['dir'] or 'plugin ?'}" + (f" ({plugin['dir']})" if plugin["dir"] and plugin["name"] else "")]
    parts.append(f"backend {build['backend'] or '?'}")
    parts.append(f"WordPress {cell['wordpress'] or '?'} / PHP {cell['php'] or '?'}")
    if build["site"]:
        parts.append(f"site {build['site']}")
    if build["extra_plugins"]:
        parts.append("with " + ", ".join(build["extra_plugins"]))
    parts.append(_selection_name(selection))
    return " · ".join(parts)


def _selection_name(selection: dict[str, Any]) -> str:
    if "planned" in selection:
        return f"the same {selection['tests']} planned tests"
    args = [a for a in selection.get("args") or [] if a not in ("scenarios", ".")]  # the suite, or the checkout: all of it
    chosen = [
        *args,
        *([f"-k {selection['keyword']}"] if selection.get("keyword") else []),
        *([f"-m {selection['markexpr']}"] if selection.get("markexpr") else []),
        *([f"{len(selection['deselect'])} deselected"] if selection.get("deselect") else []),
        *([f"requirements {selection['requirements']}"] if selection.get("requirements") else []),
        *([f"shard {selection['shard']}"] if selection.get("shard") else []),
    ]
    return " ".join(chosen) if chosen else "the whole suite"


def point(doc: dict[str, Any]) -> dict[str, Any]:
    """One run as a point of the history: its requirement counts per status, for the chart; the
    tests it ran and those that were FLAKY, for the flake rates; its build, to compare like with like."""
    tests = doc.get("tests", [])
    return {
        "id": doc["run"]["id"],
        "started": doc["run"]["started"],
        "verdict": doc["run"]["verdict"],
        "counts": {s: sum(1 for r in doc["requirements"] if r["status"] == s) for s in STATUS_CLASS},
        "ran": sorted(t["nodeid"] for t in tests if t["status"] in RAN),
        "flaky": sorted(t["nodeid"] for t in tests if t["status"] == results.FLAKY),
        "build": build_of(doc["run"]),
    }


def history(runs_root: Path, limit: int = 30, like: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The runs in one folder, oldest first, as points (`point`): each run's history.json, or its
    results.json when it has none (a run from before it, or salvaged). With `like` (a run's
    metadata), only the runs of the same build (`build_of`): the chart compares like with like."""
    points = []
    for folder in runs_root.iterdir() if runs_root.is_dir() else ():
        try:
            if (folder / POINT).is_file():
                points.append(json.loads((folder / POINT).read_text()))
                continue
            if not (folder / "results.json").is_file():
                continue
            doc = json.loads((folder / "results.json").read_text())
        except (OSError, ValueError):
            continue  # a run that died while writing: not a point
        if "run" not in doc:
            continue  # a merged folder (harness.runs.merge): many runs, not one point
        points.append(point(doc))
    if like is not None:
        wanted = _key(build_of(like))
        points = [p for p in points if _key(p.get("build") or {}) == wanted]
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
    for test in doc.get("tests", []):  # a test run once has its evidence once in the file (harness.outputs.results_json.lean)
        attempts = test.get("attempts") or []
        if len(attempts) == 1 and "evidence" not in attempts[0]:
            attempts[0]["evidence"] = test.get("evidence", [])
    return doc


def render_html(path: Path, docs: Sequence[dict[str, Any]], runs_root: Path | None = None) -> Path:
    """One self-contained page for one run or several side by side (the first is the headline). Its
    history is the headline's build's runs in runs_root (default: the page's folder's parent)."""
    counts = [{s: sum(1 for t in d["tests"] if t["status"] == s) for s in STATUS_CLASS} for d in docs]
    root = runs_root or path.parent.parent
    folders = [path.parent if d["run"]["id"] == path.parent.name else root / d["run"]["id"] for d in docs]
    points = history(root, like=docs[0]["run"]) if docs else []
    template = _environment(path.parent).get_template("report.html.j2")
    page = template.render(
        docs=docs,
        folders=folders,
        areas=spec.areas(),
        counts=counts,
        statuses=list(STATUS_CLASS),
        history=points,
        build=build_name(docs[0]["run"]) if docs else "",
        flake_rates=flake_rates(points),
        summary_kind=SUMMARY,
        texts=PackedTexts(),
    )
    path.write_text(page)
    return path


class PackedTexts:
    """The evidence texts a page shows (each test's HTTP exchange lines, each failure's files), as one
    gzipped, base64-encoded JSON list at the page's end that the page unpacks when a text is opened:
    a tenth of their size or less, so the page stays one light, whole file that shows its matrix at
    once. `key` gives a text's place in the list (the same text, the same place)."""

    def __init__(self) -> None:
        self._places: dict[str, int] = {}

    def key(self, text: str) -> int:
        return self._places.setdefault(str(text), len(self._places))

    @property
    def packed(self) -> str:
        data = json.dumps(list(self._places), ensure_ascii=False, separators=(",", ":")).encode()
        return base64.b64encode(gzip.compress(data, mtime=0)).decode()

    @staticmethod
    def unpack(packed: str) -> list[str]:
        texts: list[str] = json.loads(gzip.decompress(base64.b64decode(packed)))
        return texts


class ReportHtml(FileOutput):
    name, filename = "report", "report.html"

    def write(self, doc: dict[str, Any], run_dir: Path, options: RunOptions) -> None:
        render_html(run_dir / self.filename, [doc])


OUTPUT = ReportHtml()
