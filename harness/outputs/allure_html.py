"""allure-report/: the Allure 3 HTML report (npm `allure`), one self-contained page (Allure's
single-file report), built only where it is read: on request (`--allure-html`), or from several run
folders' allure-results/ at once (`generate` takes several, e.g. after a merge). allure-results/ is
always written, and `allure generate` reads it anywhere. A missing Node or a failed npm install costs
a warning, never the run: report.html is always there."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness.base.progress import say, step
from harness.outputs.base import FileOutput
from harness.runs.options import RunOptions
from harness.stack.images.base_image import CACHE

HOME = CACHE / "allure"
BINARY = HOME / "node_modules" / ".bin" / "allure"


def installed() -> bool:
    if BINARY.exists():
        return True
    if not (shutil.which("node") and shutil.which("npm")):
        say("Node is not installed: no Allure HTML report (allure-results/ is written all the same)")
        return False
    HOME.mkdir(parents=True, exist_ok=True)
    with step("installing Allure 3 from npm (once)"):
        result = subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "allure@3"], cwd=HOME, capture_output=True, text=True)
    if result.returncode:
        say(f"npm could not install allure: {result.stderr.strip()[-300:]}")
        return False
    return True


def generate(results: Path | Sequence[Path], output: Path, name: str) -> Path | None:
    """The HTML report (one page, output/index.html, beside Allure's summary.json) of one or more
    allure-results folders, or None (with a warning) when it cannot be made."""
    folders = [results] if isinstance(results, Path) else list(results)
    folders = [f for f in folders if f.exists()]
    if not folders or not installed():
        return None
    command = [str(BINARY), "awesome", *map(str, folders), "--single-file", "--output", str(output), "--report-name", name]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        say(f"allure generate failed: {result.stderr.strip()[-300:]}")
        return None
    return output


def generate_for_runs(run_dirs: Sequence[Path], out_dir: Path, name: str) -> Path | None:
    """One Allure report of several run folders (the cells of a matrix, the shards of a run), where
    a merge writes its folder: out_dir/allure-report/."""
    return generate([Path(d) / "allure-results" for d in run_dirs], Path(out_dir) / "allure-report", name)


class AllureHtml(FileOutput):
    name, filename = "allure", "allure-report/index.html"

    def write(self, doc: dict[str, Any], run_dir: Path, options: RunOptions) -> None:
        if options["allure_html"] and not options["no_allure_html"]:
            generate(run_dir / "allure-results", run_dir / "allure-report", f"IGNY8 conformance {run_dir.name}")


OUTPUT = AllureHtml()
