#!/usr/bin/env python
"""What a run keeps: each run folder's size by part, beside its goal, and how long its report.html
takes to show its requirement matrix in Chromium.

    .venv/bin/python benchmarks/report_sizes.py [RUN_DIR ...] [--no-open] [--smoke]

Without RUN_DIR, the newest run folder under reports/ (a suite run's: not a merged folder nor a
self-test's). Sizes are what the disk holds (allocated blocks of files and folders, a file hard-linked twice
counted once, as `du` counts), with the bytes the files hold beside them.
Goals (issue #37): a passing run's folder ≤ 5 MB, Allure results included, and 1 MB more per failing,
flaky or erroring test (10 failures: ≤ 15 MB); a passing run's report.html ≤ 300 KB, its matrix
shown in under 1 s; 30 nights of a 4-cell matrix (4 runs like this one and their merged folder) ≤ 1 GB.
--smoke: a run folder of the smallest kind, written here by the harness's outputs from a made-up
run of one passing test per requirement, measured the same way. Exits 0 whether goals are met or not.
"""

import argparse
import json
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from harness.base.paths import REPORTS

MB = 1024 * 1024
FOLDER_GOAL = 5 * MB  # a passing run, Allure results included
PER_FAILURE = 1 * MB  # more for each failing, flaky or erroring test: everything it saw is kept
REPORT_GOAL = 300 * 1024  # report.html of a passing run
OPEN_GOAL = 1.0  # seconds until report.html shows its matrix
NIGHTS, CELLS, NIGHTS_GOAL = 30, 4, 1024 * MB
FAILING = {"FAIL", "ERROR", "FLAKY"}
PARTS = ("results.json", "history.json", "report.html", "junit.xml", "allure-results", "allure-report", "evidence")  # the rest is "other"


@dataclass
class Part:
    files: int = 0
    disk: int = 0  # allocated bytes, each inode once
    size: int = 0  # the bytes the files hold

    def row(self, name: str, goal: int | None = None) -> str:
        verdict = "" if goal is None else "meets" if self.disk <= goal else "MISSES"
        goal_text = f"≤ {goal / MB:.2f}" if goal is not None else ""
        return f"  {name:28} {self.files:7d} {self.disk / MB:10.2f} {self.size / MB:10.2f} {goal_text:>9}  {verdict}"


@dataclass
class Folder:
    path: Path
    parts: dict[str, Part] = field(default_factory=dict)
    total: Part = field(default_factory=Part)
    tests: int = 0
    failing: int = 0
    verdict: str = "?"
    evidence: str = "?"


def measure(folder: Path) -> Folder:
    """Every file under the folder, by part; a hard link's blocks counted once, as `du` does, in
    evidence/ (where the kept files are: allure-results/ links to them)."""
    measured = Folder(folder, {name: Part() for name in (*PARTS, "other")})
    seen: set[tuple[int, int]] = set()
    for path in sorted(_files(folder), key=lambda p: p.relative_to(folder).parts[0] != "evidence"):
        stat = path.lstat()
        if path.is_dir() and not path.is_symlink():
            measured.parts[_part(folder, path)].disk += stat.st_blocks * 512
            measured.total.disk += stat.st_blocks * 512
            continue
        part = measured.parts[_part(folder, path)]
        disk = 0 if (stat.st_dev, stat.st_ino) in seen else stat.st_blocks * 512
        seen.add((stat.st_dev, stat.st_ino))
        for tally in (part, measured.total):
            tally.files += 1
            tally.disk += disk
            tally.size += stat.st_size
    try:
        doc = json.loads((folder / "results.json").read_text())
        measured.tests = len(doc["tests"])
        measured.failing = sum(1 for t in doc["tests"] if t["status"] in FAILING)
        measured.verdict = doc["run"].get("verdict", "?")
        measured.evidence = (doc["run"].get("options") or {}).get("evidence") or "all (before --evidence)"
    except (OSError, ValueError, KeyError):
        pass
    return measured


def _part(folder: Path, path: Path) -> str:
    top = path.relative_to(folder).parts[0]
    return top if top in PARTS else "other"


def _files(folder: Path) -> Iterable[Path]:
    """Every file and folder under the folder (a folder's own blocks count too, as `du` counts them:
    allure-results/ once held thousands of entries)."""
    for root, folders, names in os.walk(folder):
        for name in [*folders, *names]:
            yield Path(root) / name


def open_seconds(report: Path) -> float | str:
    """Seconds from asking Chromium (launched as the harness's fixtures launch it) for report.html
    until its matrix is visible; or why it could not be measured."""
    try:
        from playwright.sync_api import sync_playwright

        from harness.suite.fixtures import CHROMIUM_ARGS
    except ImportError as exc:
        return f"skipped: {exc}"
    executable = os.environ.get("IGNY8_CHROMIUM") or "/usr/bin/chromium"
    if not Path(executable).exists():
        return f"skipped: no Chromium at {executable}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            start = time.perf_counter()
            page.goto(report.resolve().as_uri(), wait_until="commit")
            page.get_by_test_id("matrix").wait_for(state="visible")
            return time.perf_counter() - start
        finally:
            browser.close()


def newest_run(reports: Path) -> Path | None:
    """The newest folder under reports/ whose results.json is one suite run's."""
    for folder in sorted((p for p in reports.iterdir() if p.is_dir()), key=lambda p: p.name, reverse=True):
        try:
            if "run" in json.loads((folder / "results.json").read_text()) and (folder / "report.html").exists():
                return folder
        except (OSError, ValueError):
            continue
    return None


def smoke_folder(root: Path) -> Path:
    """A run folder as the collector writes it, from a made-up run: one passing test per requirement,
    each with the lines of two HTTP exchanges."""
    from harness import outputs
    from harness.runs import results
    from harness.runs.options import RunOptions
    from harness.spec import spec

    folder = root / "20000101-000000"
    folder.mkdir(parents=True)
    lines = "POST /api/v1/integration/integrations/connect/ → 200 0.012s\nGET /api/v1/integration/integrations/1/content-types/ → 200 0.008s"
    tests = [
        results.TestResult(
            f"scenarios/test_{rid.split('-')[0].lower()}.py::test_{rid.replace('-', '_').lower()}",
            rid,
            [rid],
            status=results.PASS,
            evidence=[{"name": "Backend HTTP: 2 exchanges", "kind": "exchanges", "text": lines}],
        )
        for rid in spec.requirements()
    ]
    now = "2000-01-01T00:00:00+00:00"
    run = {"id": folder.name, "started": now, "finished": now, "wall_seconds": 1.0, "options": {"evidence": "failures"}, "system": {}}
    doc = results.document(run, tests)
    options = RunOptions({"report_dir": str(folder)})
    for output in outputs.OUTPUTS:
        output.write(doc, folder, options)
    return folder


def report(measured: Folder, seconds: float | str | None) -> None:
    goal = FOLDER_GOAL + PER_FAILURE * measured.failing
    print(f"\n{measured.path}: {measured.verdict}, {measured.tests} tests, {measured.failing} failing, flaky or erroring; evidence kept: {measured.evidence}")
    print(f"  {'part':28} {'files':>7} {'disk MB':>10} {'bytes MB':>10} {'goal MB':>9}")
    for name, part in measured.parts.items():
        if part.files:
            part_goal = REPORT_GOAL if name == "report.html" and not measured.failing else None
            print(part.row(name + "/" if name in ("allure-results", "allure-report", "evidence") else name, part_goal))
    print(measured.total.row("the whole folder", goal))
    if isinstance(seconds, float):
        verdict = "meets" if seconds <= OPEN_GOAL else "MISSES"
        print(f"  {'report.html: matrix shown in':28} {seconds:7.2f} s{'':14} ≤ {OPEN_GOAL:g} s  {verdict}")
    elif seconds:
        print(f"  report.html open time {seconds}")
    merged = CELLS * (measured.parts["results.json"].disk + measured.parts["history.json"].disk) + measured.parts["report.html"].disk
    nights = NIGHTS * (CELLS * measured.total.disk + merged)
    verdict = "meets" if nights <= NIGHTS_GOAL else "MISSES"
    print(f"  {NIGHTS} nights × {CELLS} cells like this one, with their merged folders: {nights / MB:.0f} MB, goal ≤ {NIGHTS_GOAL / MB:.0f} MB  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="*", type=Path, metavar="RUN_DIR", help="run folders (default: the newest under reports/)")
    parser.add_argument("--no-open", action="store_true", help="do not time report.html in Chromium")
    parser.add_argument("--smoke", action="store_true", help="a run folder of the smallest kind, written here: the same code path in seconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="igny8-report-sizes-") as scratch:
        if args.smoke:
            folders = [smoke_folder(Path(scratch))]
        else:
            newest = newest_run(REPORTS) if not args.runs else None
            folders = args.runs or ([newest] if newest else [])
        if not folders:
            print("skipped: no run folder under reports/ (./igny8 run writes one), and none named")
            return
        for folder in folders:
            if not (folder / "results.json").exists():
                print(f"{folder}: no results.json, not a run folder")
                continue
            report(measure(folder), None if args.no_open else open_seconds(folder / "report.html"))


if __name__ == "__main__":
    main()
