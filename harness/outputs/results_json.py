"""results.json: the run as data (the other outputs and `igny8 report` read it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.outputs.base import FileOutput
from harness.runs.options import RunOptions


class ResultsJson(FileOutput):
    name, filename = "results", "results.json"

    def write(self, doc: dict[str, Any], run_dir: Path, options: RunOptions) -> None:
        (run_dir / self.filename).write_text(json.dumps(doc, indent=2, ensure_ascii=False))


OUTPUT = ResultsJson()
