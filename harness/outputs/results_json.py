"""results.json: the run as data (the other outputs and `igny8 report` read it). Lean: one line per
requirement and per test, no indentation. A test's evidence is written once (only a re-run test's
attempts carry their own): the items whose files are in evidence/ (paths relative to the run
folder), a passing test's only the lines of its HTTP exchanges. The history each report charts is
read from the runs' history.json (harness.outputs.history_point), not from here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.outputs.base import FileOutput
from harness.runs.options import RunOptions


def dumps(doc: dict[str, Any]) -> str:
    """JSON, each top-level list's entries one to a line: greppable and diffable, with no indentation."""

    def compact(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    parts = []
    for key, value in doc.items():
        if isinstance(value, list) and value:
            parts.append(f"{compact(key)}:[\n" + ",\n".join(compact(v) for v in value) + "\n]")
        else:
            parts.append(f"{compact(key)}:{compact(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def lean(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as written: a test run once has its evidence once, as the test's (its one
    attempt's is the same list; harness.outputs.report_html.load puts it back)."""
    tests = [
        {**t, "attempts": [{k: v for k, v in t["attempts"][0].items() if k != "evidence"}]} if len(t.get("attempts") or []) == 1 else t
        for t in doc.get("tests", [])
    ]
    return {**doc, "tests": tests} if "tests" in doc else doc


class ResultsJson(FileOutput):
    name, filename = "results", "results.json"

    def write(self, doc: dict[str, Any], run_dir: Path, options: RunOptions) -> None:
        (run_dir / self.filename).write_text(dumps(lean(doc)))


OUTPUT = ResultsJson()
