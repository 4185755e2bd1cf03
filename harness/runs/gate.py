"""The release gate (`igny8 gate`): may this build be released? One line and an exit code, the
reasons one per requirement and cell, and a Markdown summary for CI.

Each cell that may not fail (a cell marked allowed_to_fail is reported, never counted) must be
clean. What blocks a release:

- a MUST requirement that does not pass (a known failure too: a baseline keeps a run green while a
  bug is fixed; it does not make a protocol violation releasable);
- a SHOULD or MAY requirement failing with a failure no baseline entry covers (the run's FAIL);
- anything not checked: a requirement NOT RUN, a test NOT RUN (a shard that never ran), a check
  the run could not make (NOT APPLICABLE for want of an observer, say), a cell INCOMPLETE for
  any other reason;
- FLAKY: a check that held only on a second try did not hold every time, and a sync protocol's
  flake is as often a real race (retries, timing) as a noisy test;
- with --since, a test or requirement that passed in that (last green) run and does not now;
- with --baseline, an entry past its expiry date.

A SHOULD or MAY failure covered by an unexpired baseline entry does not block: it is listed as a note.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from harness.runs import baseline as baselines
from harness.runs.merge import MERGED_SUFFIX, RESULTS, MergeInputError, RunFolder, is_failing, is_merged, join_cells, read_results
from harness.runs.results import FLAKY, INCOMPLETE, NOT_APPLICABLE, NOT_RUN, PASS, SKIPPED, UNAVAILABLE

NAMED_NOT_RUN = 5  # tests named in a NOT RUN line; the rest are counted


@dataclass(frozen=True)
class Reason:
    cell: str  # a cell's name, or "baseline" / "since" for what belongs to no cell
    subject: str  # a requirement ID, a test's node id, or "" for the cell as a whole
    why: str


@dataclass
class Decision:
    cells: list[dict[str, Any]]
    reasons: list[Reason] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said, but no reason to hold the release
    since: str | None = None

    @property
    def releasable(self) -> bool:
        return not self.reasons

    def answer(self) -> str:
        """The one line."""
        if self.releasable:
            counted = [c for c in self.cells if not c["cell"].get("allowed_to_fail")]
            return f"igny8 gate: RELEASE: {len(counted)} cell(s) clean ({', '.join(c['cell']['name'] for c in counted)})"
        where = sorted({r.cell for r in self.reasons})
        return f"igny8 gate: DO NOT RELEASE: {len(self.why())} reason(s) in {', '.join(where)}"

    def why(self) -> list[str]:
        """One line per requirement (or test) and cell, its reasons joined."""
        grouped: dict[tuple[str, str], list[str]] = {}
        for reason in self.reasons:
            grouped.setdefault((reason.cell, reason.subject), []).append(reason.why)
        return [f"{cell} {subject}: {'; '.join(whys)}" if subject else f"{cell}: {'; '.join(whys)}" for (cell, subject), whys in grouped.items()]


def gate(folders: Sequence[Path], since: Path | None = None, baseline: Path | None = None, summary: Path | None = None) -> Decision:
    """`igny8 gate` as a function: the decision, its summary written (see write_summary)."""
    decision = decide(folders, since=since, baseline=baseline)
    write_summary(decision, summary)
    return decision


def load_cells(folders: Sequence[Path]) -> list[dict[str, Any]]:
    """The cells of run folders (shards of one cell joined, as `igny8 merge` does) and of merged folders."""
    if not folders:
        raise MergeInputError("nothing to gate: name run or merged folders, or pass --latest")
    cells: list[dict[str, Any]] = []
    runs = []
    for folder in folders:
        doc = read_results(folder)
        if is_merged(doc):
            cells += doc["cells"]
        else:
            runs.append(RunFolder(Path(folder), doc))
    return cells + join_cells(runs)


def decide(folders: Sequence[Path], since: Path | None = None, baseline: Path | None = None, today: date | None = None) -> Decision:
    """Reads everything first (bad input: MergeInputError or BaselineError, both ValueErrors), then judges."""
    cells = load_cells(folders)
    since_cells = load_cells([since]) if since else None
    known = baselines.load(baseline) if baseline else []
    decision = Decision(cells, since=str(since) if since else None)
    if all(cell["cell"].get("allowed_to_fail") for cell in cells):
        decision.reasons.append(Reason("", "", "no cell that counts was gated: every cell given is allowed to fail"))
    for cell in cells:
        if cell["cell"].get("allowed_to_fail"):
            decision.notes.append(f"{cell['cell']['name']}: allowed to fail, not counted ({cell['verdict']})")
            continue
        _judge_cell(cell, decision)
    if since_cells is not None:
        _compare(cells, since_cells, Path(str(since)).name, decision)
    for entry in known:
        if entry.expired(today):
            decision.reasons.append(Reason("baseline", entry.test or entry.requirement or "", f"expired {entry.expires} ({entry.reason}; {entry.bug})"))
    return decision


def _judge_cell(cell: dict[str, Any], decision: Decision) -> None:
    name = cell["cell"]["name"]
    if cell["verdict"] == UNAVAILABLE or not cell["tests"]:  # one line, not one per requirement
        why = cell["run"].get("unavailable") or "no test ran"
        decision.reasons.append(Reason(name, "", f"verdict {cell['verdict']}: {why}"))
        return
    tests = {t["nodeid"]: t for t in cell["tests"]}
    before = len(decision.reasons)
    for row in cell["requirements"]:
        why = _requirement_reason(row, [tests[n] for n in row["tests"] if n in tests], decision, name)
        if why:
            decision.reasons.append(Reason(name, row["id"], why))
    for test in cell["tests"]:
        if test["status"] == FLAKY or (is_failing(test["status"]) and not test.get("known")):
            if not test.get("requirements"):  # one that names requirements is in their lines
                decision.reasons.append(Reason(name, test["nodeid"], test["status"]))
    not_run = [t["nodeid"] for t in cell["tests"] if t["status"] == NOT_RUN]
    if not_run:
        more = f" and {len(not_run) - NAMED_NOT_RUN} more" if len(not_run) > NAMED_NOT_RUN else ""
        decision.reasons.append(Reason(name, "", f"{len(not_run)} test(s) NOT RUN: {', '.join(not_run[:NAMED_NOT_RUN])}{more}"))
    if len(decision.reasons) == before and cell["verdict"] != PASS and not _only_known(cell):
        decision.reasons.append(Reason(name, "", f"verdict {cell['verdict']}"))


def _requirement_reason(row: dict[str, Any], tests: list[dict[str, Any]], decision: Decision, cell: str) -> str | None:
    status, level = row["status"], row["level"]
    if status == PASS:
        return None
    if status == NOT_APPLICABLE:
        return f"not checked: {'; '.join(row['incomplete'])}" if row.get("incomplete") else None
    if status in (NOT_RUN, FLAKY):
        return f"{level} requirement {status}" + (f" ({', '.join(t['nodeid'] for t in tests if t['status'] == FLAKY)})" if status == FLAKY else "")
    if status == SKIPPED:
        return f"MUST requirement {status}" if level == "MUST" else None
    failing = [t for t in tests if is_failing(t["status"])]
    known = bool(failing) and all(t.get("known") for t in failing)
    if level == "MUST":
        return f"MUST requirement {status}" + (f" (known: {failing[0]['known']})" if known else "")
    if known:
        decision.notes.append(f"{cell} {row['id']}: {level} requirement {status}, known: {failing[0]['known']}")
        return None
    return f"{level} requirement {status}: {', '.join(t['nodeid'] for t in failing)}"


def _only_known(cell: dict[str, Any]) -> bool:
    """An INCOMPLETE verdict that known SHOULD or MAY failures alone explain."""
    tests = cell["tests"]
    return cell["verdict"] == INCOMPLETE and any(t.get("known") for t in tests) and not any(t.get("incomplete") for t in tests)


def _compare(cells: list[dict[str, Any]], since_cells: list[dict[str, Any]], label: str, decision: Decision) -> None:
    """Per cell: what passed in the last green run and does not now. A test no longer in the suite
    is no regression (its requirement, left with no test, is NOT RUN, and blocks anyway)."""
    then = {c["cell"]["name"]: c for c in since_cells}
    common = [c for c in cells if c["cell"]["name"] in then and not c["cell"].get("allowed_to_fail")]
    if not common:
        decision.reasons.append(Reason("since", label, "no cell in common with the gated run(s): nothing could be compared"))
        return
    for cell in common:
        name, old = cell["cell"]["name"], then[cell["cell"]["name"]]
        for kind in ("requirements", "tests"):
            key = "id" if kind == "requirements" else "nodeid"
            passed = {entry[key] for entry in old[kind] if entry["status"] == PASS}
            for entry in cell[kind]:
                if entry[key] in passed and entry["status"] != PASS:
                    decision.reasons.append(Reason(name, entry[key], f"PASS in {label}, {entry['status']} now"))


def latest_merged(reports: Path) -> Path:
    """The newest merged folder under reports/ (their names start with the time they were made)."""
    found = sorted(p.parent for p in reports.glob(f"*-{MERGED_SUFFIX}/{RESULTS}"))
    if not found:
        raise MergeInputError(f"no merged folder (*-{MERGED_SUFFIX}/{RESULTS}) under {reports}")
    return found[-1]


def last_green(reports: Path, excluding: Sequence[Path] = ()) -> Path | None:
    """The newest merged folder whose verdict is PASS, other than those gated."""
    skip = {Path(p).resolve() for p in excluding}
    for folder in sorted((p.parent for p in reports.glob(f"*-{MERGED_SUFFIX}/{RESULTS}")), reverse=True):
        if folder.resolve() in skip:
            continue
        try:
            doc = read_results(folder)
        except MergeInputError:
            continue  # a folder that died while being written: no green run
        if doc["merged"].get("verdict") == PASS:
            return folder
    return None


def summary_markdown(decision: Decision) -> str:
    """Cells and verdicts, then the reasons: for a CI job's summary page."""
    mark = "✅ release" if decision.releasable else "❌ do not release"
    lines = [f"## igny8 release gate: {mark}", "", "| Cell | WordPress | PHP | Database | Verdict | Runs |", "|---|---|---|---|---|---|"]
    for cell in decision.cells:
        versions = (cell["run"].get("system") or {}).get("versions") or {}
        name = cell["cell"]["name"] + (" *(allowed to fail)*" if cell["cell"].get("allowed_to_fail") else "")
        runs = ", ".join(r["id"] for r in cell.get("runs", [])) or cell["run"].get("id", "")
        cols = [name, versions.get("wordpress") or "?", versions.get("php") or "?", versions.get("database") or "?", f"**{cell['verdict']}**", runs]
        lines.append("| " + " | ".join(_md(str(c)) for c in cols) + " |")
    if decision.since:
        lines += ["", f"Compared with the last green run `{decision.since}`."]
    if not decision.releasable:
        lines += ["", "### Why not", "", *(f"- {_md(line)}" for line in decision.why())]
    if decision.notes:
        lines += ["", "### Notes", "", *(f"- {_md(note)}" for note in decision.notes)]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def write_summary(decision: Decision, path: Path | None) -> list[Path]:
    """To --summary (written) and to $GITHUB_STEP_SUMMARY (appended: other steps write there too)."""
    text = summary_markdown(decision)
    written = []
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a") as out:
            out.write(text)
        written.append(Path(step_summary))
    return written
