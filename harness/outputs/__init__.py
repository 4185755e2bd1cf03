"""Every file a run writes, behind one interface. An output may turn on a pytest plugin's own
writer when the session starts (`configure`), and writes its file from the run's document when
the session ends (`write`). Adding a format is one module here plus one line in OUTPUTS.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import pytest

from harness.outputs import allure_html, allure_results, history_point, junit_xml, report_html, results_json
from harness.runs.options import RunOptions

RunDocument = dict[str, Any]  # results.json's content: {"run": ..., "requirements": [...], "tests": [...]}


class Output(Protocol):
    name: str
    filename: str  # relative to the run folder; what `igny8 run` prints when it exists

    def configure(self, config: pytest.Config, run_dir: Path) -> None: ...

    def write(self, doc: RunDocument, run_dir: Path, options: RunOptions) -> None: ...


# In order: later outputs may read what earlier ones wrote (report.html charts history.json, this
# run's among them; the Allure HTML reads allure-results/).
OUTPUTS: tuple[Output, ...] = (
    results_json.OUTPUT,
    history_point.OUTPUT,
    report_html.OUTPUT,
    junit_xml.OUTPUT,
    allure_results.OUTPUT,
    allure_html.OUTPUT,
)


def configure_all(config: pytest.Config, run_dir: Path) -> None:
    for output in OUTPUTS:
        output.configure(config, run_dir)


def write_all(doc: RunDocument, run_dir: Path, options: RunOptions) -> None:
    for output in OUTPUTS:
        output.write(doc, run_dir, options)


def written(run_dir: Path) -> list[tuple[str, Path]]:
    """(name, path) of every output present in a run folder."""
    return [(o.name, run_dir / o.filename) for o in OUTPUTS if (run_dir / o.filename).exists()]
