"""Collects each test's status, requirements and evidence as reports arrive (in the xdist
controller too: requirement IDs and evidence travel in report.user_properties), then writes the
run's results and reports at the end."""

import shlex
import time
from datetime import UTC, datetime
from pathlib import Path

from . import allure_files, manifest, results
from .stack.project import REFERENCE_BACKEND_IMAGE, REFERENCE_PLUGIN

OPTIONS = ("wp", "plugin", "backend_image", "stack", "baseline", "requirements", "profile", "backend_url")


class ResultCollector:
    def __init__(self, config):
        self.config = config
        self.tests = {}
        self.started = datetime.now(UTC).isoformat()
        self.t0 = time.monotonic()

    def pytest_runtest_logreport(self, report):
        props = dict(report.user_properties)
        title = report.nodeid.split("::")[-1]
        result = self.tests.setdefault(report.nodeid, results.TestResult(report.nodeid, title, props.get("igny8_requirements", [])))
        result.duration += report.duration
        result.evidence = props.get("igny8_evidence", result.evidence)
        result.examples = props.get("igny8_examples", result.examples)
        result.repro_file = props.get("igny8_repro_file", result.repro_file)
        outcome = _status(report)
        # A later phase may only make a result worse (a teardown error spoils a pass).
        if outcome is not None and (result.status in (results.NOT_RUN, results.PASS) or outcome != results.PASS):
            result.status = outcome
            if outcome != results.PASS:
                result.message = _message(report)
        if getattr(report, "wasxfail", None) and report.when == "call":
            result.known = report.wasxfail
            if report.passed:
                result.message = "passes now: its baseline entry can go"

    def pytest_sessionfinish(self, session, exitstatus):
        report_dir = self.config.getoption("igny8_report_dir")
        if not report_dir:
            return
        from .report import running_system, write_report

        system = running_system(Path(report_dir))
        tests = list(self.tests.values())
        for test in tests:
            if test.status in (results.FAIL, results.ERROR):
                test.repro = f"./igny8 repro {shlex.quote(test.repro_file)}" if test.repro_file else self.repro_command(test.nodeid, system)
        run = {
            "id": Path(report_dir).name,
            "started": self.started,
            "finished": datetime.now(UTC).isoformat(),
            "wall_seconds": round(time.monotonic() - self.t0, 1),
            "exit_status": int(exitstatus),
            "options": {
                name: self.config.getoption(f"igny8_{name}") for name in ("wp", "plugin", "backend_image", "stack", "baseline", "requirements", "profile")
            },
            "hypothesis_seed": self.config.getoption("hypothesis_seed", None),
        }
        from .pytest_plugin import CLAIMED

        unclaimed = manifest.unclaimed(self.config.stash[CLAIMED])
        run["claimed_capabilities"] = sorted(self.config.stash[CLAIMED])
        doc = write_report(Path(report_dir), run, tests, unclaimed)
        alluredir = self.config.getoption("allure_report_dir", None)
        allure_files.write(Path(alluredir) if alluredir else None, doc["run"], doc["run"]["system"])

    def repro_command(self, nodeid, system):
        """One command that reruns one failed test on a fresh stack with the implementations that ran
        (read from the stack, so an attached stack's swapped plugin or backend is named too)."""
        opt = self.config.getoption
        plugin = system.get("plugin", {}).get("dir") or opt("igny8_plugin")
        image = system.get("backend", {}).get("image") or opt("igny8_backend_image")
        parts = ["./igny8", "run", "--wp", opt("igny8_wp")]
        if plugin != str(REFERENCE_PLUGIN):
            parts += ["--plugin", shlex.quote(plugin)]
        if image != REFERENCE_BACKEND_IMAGE:
            parts += ["--backend-image", shlex.quote(image)]
        if opt("igny8_backend_url"):  # the key stays in the environment, the DSN's password is not repeated
            parts = ["IGNY8_BACKEND_KEY=…", *parts[:2], "--backend-url", shlex.quote(opt("igny8_backend_url"))]
            parts += ["--backend-ca", shlex.quote(opt("igny8_backend_ca"))] if opt("igny8_backend_ca") else []
            parts += ["--backend-dsn", "'…'"] if opt("igny8_backend_dsn") else []
        if opt("igny8_baseline"):
            parts += ["--baseline", shlex.quote(opt("igny8_baseline"))]
        return " ".join([*parts, shlex.quote(nodeid)])


def _status(report):
    if getattr(report, "wasxfail", None) and report.when == "call":
        return results.PASS if report.passed else results.FAIL  # a known failure is still a failure
    if report.skipped:
        return results.NOT_APPLICABLE if _message(report).startswith("NOT APPLICABLE") else results.SKIPPED
    if report.when == "setup":
        return results.ERROR if report.failed else None
    if report.when == "call":
        return results.PASS if report.passed else results.FAIL
    return results.ERROR if report.failed else None


def _message(report):
    if report.skipped and isinstance(report.longrepr, tuple):
        return report.longrepr[2]
    crash = getattr(report.longrepr, "reprcrash", None)
    return crash.message if crash else str(report.longrepr)[-2000:]
