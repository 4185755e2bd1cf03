"""The Allure 3 HTML report (npm `allure`), generated when Node is present. A missing Node or a
failed npm install costs a warning, never the run: report.html is always there."""

import shutil
import subprocess

from .progress import say, step
from .stack.base_image import CACHE

HOME = CACHE / "allure"
BINARY = HOME / "node_modules" / ".bin" / "allure"


def _installed():
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


def generate(run_dir):
    results = run_dir / "allure-results"
    if not results.exists() or not _installed():
        return None
    output = run_dir / "allure-report"
    command = [str(BINARY), "generate", str(results), "--output", str(output), "--report-name", f"IGNY8 conformance {run_dir.name}"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        say(f"allure generate failed: {result.stderr.strip()[-300:]}")
        return None
    return output
