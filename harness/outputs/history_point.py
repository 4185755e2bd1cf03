"""history.json: the run as one point of the history that each report charts (its build, its
requirement counts, the tests it ran and those that were FLAKY), a few kilobytes. A report reads
one of these per earlier run instead of each one's whole results.json (harness.outputs.report_html.history)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.outputs.base import FileOutput
from harness.outputs.report_html import POINT, point
from harness.runs.options import RunOptions


class HistoryPoint(FileOutput):
    name, filename = "history", POINT

    def write(self, doc: dict[str, Any], run_dir: Path, options: RunOptions) -> None:
        (run_dir / self.filename).write_text(json.dumps(point(doc), ensure_ascii=False, separators=(",", ":")))


OUTPUT = HistoryPoint()
