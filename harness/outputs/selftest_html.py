"""selftest.html: the self-test's own page (harness.selftest.selftest writes it beside selftest.json).
Its headline is the self-test's verdict (how many mutants survived, the kill rate on target, the exit
status), then the mutants, survivors first, each linking to its runs' reports, then which mutants each
requirement's tests caught. The reference's run is one link with its verdict; no run is inlined, so
the page stays small however many mutants were hunted. Not in OUTPUTS: it is written for a self-test
folder, never for a run. It has the run report's look: the same environment and the same stylesheet.

`page_data` is all the page says, as data; the template only lays it out."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.outputs.merged_html import _report_style
from harness.outputs.report_html import _environment
from harness.runs.results import ERROR, FAIL, NOT_RUN
from harness.spec import spec

FILENAME = "selftest.html"
SURVIVED, KILLED, UNTESTED = "SURVIVED", "killed", "could not be tested"
VERDICT_ORDER = {SURVIVED: 0, UNTESTED: 1, KILLED: 2}  # the table's order: survivors first
RUN_VERDICT_CLASS = {"PASS": "pass", "FAIL": "fail", "INCOMPLETE": "error"}

# A requirement's row in the matrix, from best to worst covered; `state` is its data-state.
CAUGHT = "caught"  # some mutant that names it was caught by its tests on target
MISSED = "missed"  # a mutant names it, and its tests ran against that mutant and did not fail
COLLATERAL = "collateral"  # no mutant naming it was caught, but its tests failed against other mutants
NOT_REACHED = "not-reached"  # the mutants naming it never got its tests run (fast mode stops at the first kill)
UNTOUCHED = "none"  # no mutant names it, and none was caught by its tests
STATES = {
    CAUGHT: ("caught on target", "pass"),
    MISSED: ("named, not caught", "fail"),
    COLLATERAL: ("caught only as collateral", "error"),
    NOT_REACHED: ("named, not reached", "notrun"),
    UNTOUCHED: ("no mutant breaks it", "na"),
}


def write_page(out: Path) -> Path:
    """Renders out/selftest.html from out/selftest.json, the reference's run and each mutant's runs'
    results.json; returns the page's path. A recorded self-test folder is enough."""
    doc = json.loads((out / "selftest.json").read_text())
    reference = _reference_dir(doc, out)
    path = out / FILENAME
    return render(path, page_data(doc, reference, _run_docs(doc, out), page_dir=out, out=out))


def render(path: Path, data: Mapping[str, Any]) -> Path:
    env = _environment(path.parent)
    path.write_text(env.get_template("selftest.html.j2").render(page=data, style=_report_style(env)))
    return path


def _reference_dir(doc: Mapping[str, Any], out: Path) -> Path | None:
    """selftest.json names the reference's run relative to its own folder (`./igny8 test` makes it
    elsewhere); an older one did not, and then the reference ran in the folder itself."""
    if doc.get("reference"):
        return out / doc["reference"]
    return out / "reference" if (out / "reference").is_dir() else None


def _run_docs(doc: Mapping[str, Any], out: Path) -> dict[str, dict[str, Any]]:
    """The results.json of every mutant run selftest.json names, by folder name; one that is gone is left out."""
    docs = {}
    for row in doc.get("mutants", []):
        for name in row.get("runs", []):
            try:
                docs[name] = json.loads((out / name / "results.json").read_text())
            except (OSError, ValueError):
                continue
    return docs


def page_data(
    doc: Mapping[str, Any],
    reference: Path | None,
    run_docs: Mapping[str, Mapping[str, Any]] | None = None,
    page_dir: Path | None = None,
    out: Path | None = None,
) -> dict[str, Any]:
    """Everything the page shows. `doc` is selftest.json's content; `reference` the reference's run
    folder (its results.json gives the verdict); `run_docs` the mutants' runs' results.json by folder
    name (what they say of the requirements a mutant names); links are relative to `page_dir`, the
    runs being folders of `out` (both default to the self-test's folder, the reference's parent)."""
    run_docs = run_docs or {}
    out = out or (reference.parent if reference else Path("."))
    page_dir = page_dir or out
    mutants = [_mutant(row, run_docs, page_dir, out) for row in doc.get("mutants", [])]
    ref = _reference(reference, page_dir)
    killed = sum(m["verdict"] == KILLED for m in mutants)
    survived = [m for m in mutants if m["verdict"] == SURVIVED]
    untested = [m for m in mutants if m["verdict"] == UNTESTED]
    total = len(mutants)
    rate = killed / total if total else 0.0
    exit_status = doc.get("exit_status", 0 if mutants and killed == total else 1)
    rows = _matrix(mutants)
    return {
        "headline": _headline(ref, total, killed, len(survived), len(untested), rate),
        "exit_status": exit_status,
        "killed": killed,
        "total": total,
        "rate": rate,
        "survivors": [m["name"] for m in survived],
        "untested": [m["name"] for m in untested],
        "full": bool(doc.get("full")),
        "available": doc.get("available"),
        "reference": ref,
        "mutants": sorted(mutants, key=lambda m: VERDICT_ORDER[m["verdict"]]),  # stable: the hunt's order within each
        "collateral_measured": sum(m["collateral"] is not None for m in mutants),
        "matrix": rows,
        "matrix_counts": {state: sum(r["state"] == state for r in rows) for state in STATES},
        "states": {state: {"label": label, "class": css} for state, (label, css) in STATES.items()},
    }


def _percent(rate: float) -> str:
    return f"{rate * 100:.0f} %"


def _headline(ref: Mapping[str, Any], total: int, killed: int, survived: int, untested: int, rate: float) -> dict[str, str]:
    """The page's first line: the self-test's own verdict, never the reference's."""
    if ref["verdict"] not in ("PASS", None) and not total:
        return {"verdict": f"the reference run is {ref['verdict']}, not PASS", "detail": "the self-test measures nothing on a broken stack", "class": "FAIL"}
    if not total:
        return {"verdict": "no mutant was hunted", "detail": "the self-test measured nothing", "class": "FAIL"}
    rate_text = f"killed on target {killed}/{total} ({_percent(rate)})"
    if killed == total:
        return {"verdict": f"every mutant killed on target, {killed}/{total} ({_percent(rate)})", "detail": "", "class": "PASS"}
    parts = [f"{survived} of {total} mutants SURVIVED"] if survived else []
    if untested:
        parts.append(f"{untested} could not be tested" if survived else f"{untested} of {total} mutants could not be tested")
    return {"verdict": ", ".join(parts), "detail": rate_text, "class": "FAIL"}


def _reference(reference: Path | None, page_dir: Path) -> dict[str, Any]:
    if reference is None:
        return {"id": None, "href": None, "verdict": None}
    try:
        run = json.loads((reference / "results.json").read_text())["run"]
    except (OSError, ValueError, KeyError):
        run = {}
    return {
        "id": run.get("id") or reference.name,
        "href": _link(reference / "report.html", page_dir),
        "verdict": run.get("verdict") or "no results.json",
        "class": RUN_VERDICT_CLASS.get(run.get("verdict", ""), "notrun"),
        "wall_seconds": run.get("wall_seconds"),
    }


def _link(path: Path, page_dir: Path) -> str:
    return Path(os.path.relpath(path.resolve(), page_dir.resolve())).as_posix()


def _mutant(row: Mapping[str, Any], run_docs: Mapping[str, Mapping[str, Any]], page_dir: Path, out: Path) -> dict[str, Any]:
    runs = [_run(name, run_docs.get(name), page_dir, out) for name in row.get("runs", [])]
    error = row.get("error") or ""
    verdict = KILLED if row.get("killed", bool(row.get("on_target"))) else UNTESTED if error else SURVIVED
    statuses: dict[str, str] = {}  # each named requirement's status against this mutant, the last run's that ran it
    for run in runs:
        for rid, status in run["statuses"].items():
            if rid in row.get("kills", []) and (status != NOT_RUN or rid not in statuses):
                statuses[rid] = status
    return {
        "name": row["mutant"],
        "side": row.get("side", ""),
        "description": row.get("description", ""),
        "kills": list(row.get("kills", [])),
        "on_target": list(row.get("on_target", [])),
        "collateral": None if row.get("collateral") is None else list(row["collateral"]),
        "error": error,
        "verdict": verdict,
        "named_status": {rid: statuses.get(rid, NOT_RUN if runs else UNTESTED) for rid in row.get("kills", [])},
        "runs": [{k: v for k, v in r.items() if k != "statuses"} for r in runs],
    }


def _run(name: str, doc: Mapping[str, Any] | None, page_dir: Path, out: Path) -> dict[str, Any]:
    run = (doc or {}).get("run", {})
    return {
        "name": name,
        "kind": "on target" if name.endswith("-on-target") else "whole suite",
        "href": _link(out / name / "report.html", page_dir),
        "verdict": run.get("verdict"),
        "class": RUN_VERDICT_CLASS.get(run.get("verdict", ""), "notrun"),
        "wall_seconds": run.get("wall_seconds"),
        "statuses": {r["id"]: r["status"] for r in (doc or {}).get("requirements", [])},
    }


def _matrix(mutants: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per requirement, in spec order (then any the spec no longer has): the mutants its tests
    caught on target, those naming it that they did not (with the requirement's status against each),
    and those they caught only as collateral."""
    known = spec.requirements()
    mentioned = {rid for m in mutants for rid in [*m["kills"], *(m["collateral"] or [])]}
    rows = []
    for rid in [*known, *sorted(mentioned - set(known))]:
        caught = [m["name"] for m in mutants if rid in m["on_target"]]
        named = [{"name": m["name"], "status": m["named_status"][rid]} for m in mutants if rid in m["kills"] and rid not in m["on_target"]]
        collateral = [m["name"] for m in mutants if rid in (m["collateral"] or [])]
        ran = [n for n in named if n["status"] not in (NOT_RUN, UNTESTED, FAIL, ERROR)]
        state = CAUGHT if caught else MISSED if ran else COLLATERAL if collateral else NOT_REACHED if named else UNTOUCHED
        req = known.get(rid)
        rows.append(
            {
                "id": rid,
                "title": req.title if req else "(not in spec/requirements.yaml)",
                "level": req.level if req else "",
                "state": state,
                "caught": caught,
                "named": named,
                "collateral": collateral,
            }
        )
    return rows
