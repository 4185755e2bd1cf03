"""Merging runs into one matrix (`igny8 merge`): each run belongs to a cell (a WordPress on a PHP),
several runs of one cell are shards of one suite run (perhaps made on different machines) and are
joined, and every cell is kept in full in one results.json, beside one report.html.

A joined cell is judged as a run is (harness.runs.results): its requirement rows are recomputed over the
union of its shards' tests, so a requirement none of whose tests ran in any shard is NOT RUN, and a
test a shard planned but no shard ran is NOT RUN too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.runs import results
from harness.runs.results import ERROR, FAIL, INCOMPLETE, NOT_APPLICABLE, NOT_RUN, PASS, SEVERITY, UNAVAILABLE, TestResult
from harness.target import manifest

RESULTS = "results.json"
MERGED_SUFFIX = "merged"  # a merged folder is reports/<timestamp>-merged/


class MergeInputError(ValueError):
    """A folder that cannot be read as a run (or a merged run): said plainly, exit 2."""


def severity(status: str) -> int:
    """Lower is worse (results.SEVERITY: FAIL, ERROR, FLAKY, NOT RUN, ...); the worse status wins
    where shards disagree. A status this harness does not know ranks with FAIL: nothing unread passes."""
    return SEVERITY.index(status) if status in SEVERITY else 0


def worst(statuses: Iterable[str]) -> str:
    return min(statuses, key=severity, default=NOT_RUN)


def is_failing(status: str) -> bool:
    """FAIL, ERROR, or a status this harness does not know."""
    return severity(status) <= severity(ERROR)


@dataclass(frozen=True)
class RunFolder:
    path: Path
    doc: dict[str, Any]  # its results.json

    @property
    def run(self) -> dict[str, Any]:
        run: dict[str, Any] = self.doc["run"]
        return run

    @property
    def id(self) -> str:
        return str(self.run.get("id") or self.path.name)


def read_results(folder: Path) -> dict[str, Any]:
    """A run folder's or a merged folder's results.json, refused plainly when it is neither."""
    path = Path(folder) / RESULTS
    if not Path(folder).is_dir():
        raise MergeInputError(f"{folder}: no such folder")
    if not path.is_file():
        raise MergeInputError(f"{folder} has no {RESULTS}: is it a run folder (reports/<run-id>/)?")
    try:
        doc = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise MergeInputError(f"{path}: cannot be read as JSON ({exc})") from exc
    if is_merged(doc):
        if not all(isinstance(c, dict) and {"cell", "run", "requirements", "tests", "verdict"} <= c.keys() for c in doc["cells"]):
            raise MergeInputError(f"{path}: a merged results.json whose cells lack cell, run, requirements, tests or verdict")
        return doc
    if not (isinstance(doc, dict) and isinstance(doc.get("run"), dict) and isinstance(doc.get("tests"), list)):
        raise MergeInputError(f"{path}: not a run's results (it needs run and tests)")
    if not all(isinstance(t, dict) and isinstance(t.get("nodeid"), str) and isinstance(t.get("status"), str) for t in doc["tests"]):
        raise MergeInputError(f"{path}: every test needs a nodeid and a status")
    return doc


def is_merged(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("merged"), dict) and isinstance(doc.get("cells"), list)


def read_run(folder: Path) -> RunFolder:
    doc = read_results(folder)
    if is_merged(doc):
        raise MergeInputError(f"{folder} is a merged folder: give the run folders it was made from ({', '.join(doc['merged'].get('sources', []))})")
    return RunFolder(Path(folder), doc)


def cell_of(run: dict[str, Any]) -> dict[str, Any]:
    """The matrix cell a run belongs to: the one its stack recorded (run.system.cell, or run.cell),
    else the versions the running system reported (a run made by hand is a cell of its versions)."""
    system = run.get("system") or {}
    for named in (run.get("cell"), system.get("cell")):
        if isinstance(named, dict) and named.get("name"):
            return {"allowed_to_fail": False, **named}
    versions = system.get("versions") or {}
    if not versions.get("wordpress"):  # --backend-url: no WordPress, the backend checked alone
        return {"name": f"backend-only {system.get('backend', {}).get('version') or ''}".strip(), "allowed_to_fail": False}
    wordpress, php, database = (str(versions.get(k) or "?") for k in ("wordpress", "php", "database"))
    return {"name": f"wp{wordpress}-php{php}-{_database_slug(database)}", "wordpress": wordpress, "php": php, "database": database, "allowed_to_fail": False}


def _database_slug(database: str) -> str:
    """The database version as a cell name part: 10.11.18-MariaDB-0+deb12u1 -> mariadb10.11.18."""
    # the version just before the name: MariaDB may put "5.5.5-" (its MySQL-compatible version) first
    found = re.search(r"(\d+(?:\.\d+)+)-(MariaDB|MySQL)", database, re.I)
    return f"{found.group(2).lower()}{found.group(1)}" if found else "db" + re.sub(r"[^\w.+?]+", "-", database)


def join_cells(runs: Sequence[RunFolder]) -> list[dict[str, Any]]:
    """One entry per cell, its shards joined, in version order."""
    by_cell: dict[str, list[RunFolder]] = {}
    for run in runs:
        by_cell.setdefault(cell_of(run.run)["name"], []).append(run)
    cells = [join_cell(shards) for shards in by_cell.values()]
    return sorted(cells, key=lambda c: (_version_key(c["cell"].get("wordpress")), _version_key(c["cell"].get("php")), c["cell"]["name"]))


def join_cell(shards: Sequence[RunFolder]) -> dict[str, Any]:
    """The shards of one cell as one run: the union of their tests (the worse status wins where two
    shards ran the same test) and the planned tests no shard ran, judged afresh."""
    tests: dict[str, dict[str, Any]] = {}
    for shard in shards:
        for test in shard.doc["tests"]:
            held = tests.get(test["nodeid"])
            if held is None or severity(test["status"]) < severity(held["status"]):
                tests[test["nodeid"]] = test
    never_ran = {nodeid: ids for nodeid, ids in _planned(shards).items() if nodeid not in tests}
    for nodeid, requirement_ids in never_ran.items():
        missing = TestResult(nodeid, nodeid.split("::")[-1], requirement_ids, message="planned, but no shard ran it (a shard missing?)")
        tests[nodeid] = asdict(missing)
    claimed = {c for shard in shards for c in shard.run.get("claimed_capabilities") or ()}
    unclaimed = manifest.unclaimed(claimed) if any("claimed_capabilities" in s.run for s in shards) else frozenset()
    rows, verdict = judge(list(tests.values()), unclaimed)
    unavailable = [s for s in shards if s.run.get("verdict") == UNAVAILABLE]
    if unavailable and len(unavailable) == len(shards):
        verdict = UNAVAILABLE  # nothing of the cell could be built: said so, not judged
    elif verdict == PASS and (never_ran or unavailable):
        verdict = INCOMPLETE  # a subset ran, as results.verdict says of a run
    cell = cell_of(shards[0].run)
    cell["allowed_to_fail"] = all(cell_of(s.run).get("allowed_to_fail") for s in shards)  # one shard's say is not enough
    return {
        "cell": cell,
        "runs": [{"id": s.id, "path": str(s.path)} for s in shards],
        "run": _joined_run(shards, verdict),
        "requirements": rows,
        "tests": list(tests.values()),
        "verdict": verdict,
    }


def judge(tests: Sequence[dict[str, Any]], unclaimed: frozenset[str] = frozenset()) -> tuple[list[dict[str, Any]], str]:
    """Requirement rows and verdict by harness.runs.results. A status it does not rank (one written by
    another harness version) stands in there as FAIL, and the row shows the real status."""
    real = [_as_result(t) for t in tests]
    stand_ins = [t if t.status in SEVERITY else replace(t, status=FAIL) for t in real]
    rows = results.requirement_rows(stand_ins, unclaimed)
    status_of = {t.nodeid: t.status for t in real}
    for row in rows:
        statuses = [status_of[nodeid] for nodeid in row["tests"]]
        if row["status"] != NOT_APPLICABLE and any(s not in SEVERITY for s in statuses):
            row["status"] = worst(statuses)
    return rows, results.verdict(rows, stand_ins)


def _as_result(test: dict[str, Any]) -> TestResult:
    known = {f.name for f in fields(TestResult)}
    defaults = {"title": test["nodeid"].split("::")[-1], "requirements": []}
    return TestResult(**{**defaults, **{k: v for k, v in test.items() if k in known}})


def _planned(shards: Sequence[RunFolder]) -> dict[str, list[str]]:
    """The node ids the shards were meant to run (run.planned, when the runner wrote it), with the
    requirements each names when the plan says so."""
    planned: dict[str, list[str]] = {}
    for shard in shards:
        entries = shard.run.get("planned") or []
        if not isinstance(entries, list):
            raise MergeInputError(f"{shard.path / RESULTS}: run.planned is a list of node ids")
        for entry in entries:
            if isinstance(entry, str):
                planned.setdefault(entry, [])
            elif isinstance(entry, dict) and isinstance(entry.get("nodeid"), str):
                planned[entry["nodeid"]] = list(entry.get("requirements") or [])
            else:
                raise MergeInputError(f"{shard.path / RESULTS}: run.planned holds {entry!r}, not a node id")
    return planned


def _joined_run(shards: Sequence[RunFolder], verdict: str) -> dict[str, Any]:
    """The first shard's metadata, spanning every shard's time."""
    runs = [s.run for s in shards]
    joined = {k: v for k, v in runs[0].items() if k not in ("planned", "shard")}  # one shard's, not the cell's
    started = [r["started"] for r in runs if r.get("started")]
    finished = [r["finished"] for r in runs if r.get("finished")]
    joined.update(
        id="+".join(s.id for s in shards),
        started=min(started, default=""),
        finished=max(finished, default=""),
        wall_seconds=max((r.get("wall_seconds") or 0 for r in runs), default=0),  # shards run side by side
        exit_status=max((r.get("exit_status") or 0 for r in runs), default=0),
        verdict=verdict,
    )
    return joined


def _version_key(text: Any) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", str(text or "")))


def overall_verdict(cells: Sequence[dict[str, Any]]) -> str:
    """FAIL if a cell that may not fail fails (or says what nobody knows), INCOMPLETE if one is
    incomplete or could not be built, else PASS. With no such cell nothing that counts was checked."""
    counting = {c["verdict"] for c in cells if not c["cell"].get("allowed_to_fail")}
    if counting - {PASS, INCOMPLETE, UNAVAILABLE}:
        return FAIL
    return PASS if counting == {PASS} else INCOMPLETE


def merged_document(runs: Sequence[RunFolder], merged_id: str) -> dict[str, Any]:
    """Every cell in full, and one row per requirement with its status in each cell."""
    cells = join_cells(runs)
    rows = [
        {k: row[k] for k in ("id", "level", "side", "area", "title")} | {"cells": {c["cell"]["name"]: _row(c, row["id"])["status"] for c in cells}}
        for row in cells[0]["requirements"]
    ]
    merged = {"id": merged_id, "made": datetime.now(UTC).isoformat(), "sources": [str(r.path) for r in runs], "verdict": overall_verdict(cells)}
    return {"merged": merged, "cells": cells, "requirements": rows}


def _row(cell: dict[str, Any], requirement_id: str) -> dict[str, Any]:
    return next(r for r in cell["requirements"] if r["id"] == requirement_id)


def default_out_dir(reports: Path) -> Path:
    return reports / f"{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}-{MERGED_SUFFIX}"


def merge_runs(run_dirs: Sequence[Path], out_dir: Path) -> Path:
    """Merges the run folders into out_dir's results.json; returns its path. The merged page is an
    output (harness.outputs.merged_html.write_merged). Every input is read before anything is
    written: a bad one leaves no half-made folder."""
    if not run_dirs:
        raise MergeInputError("nothing to merge: name one or more run folders")
    unique = list({Path(d).resolve(): Path(d) for d in run_dirs}.values())
    runs = [read_run(d) for d in unique]
    doc = merged_document(runs, Path(out_dir).name)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / RESULTS
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False))
    return path
