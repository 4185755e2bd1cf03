"""Collects each test's status, requirements and evidence as reports arrive (in the xdist
controller too: requirement IDs and evidence travel in report.user_properties), then hands the
run's document to every output (harness.outputs) at the end."""

from __future__ import annotations

import json
import shlex
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from harness import outputs
from harness.base import cancel
from harness.runs import results
from harness.runs.options import BY_NAME, RunOptions, command_line
from harness.spec.status import PROPERTY as NOT_APPLICABLE_PROPERTY
from harness.suite.evidence import keeps_everything, retain
from harness.suite.planned import planned
from harness.target import manifest

# Carried from the worker to here in user_properties; too bulky for junit.xml, which prints them all.
BULKY = {"igny8_evidence"}


JOURNAL = "journal.jsonl"  # in the run folder: every finished test, as it finished


class ResultCollector:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.options = RunOptions.from_pytest(config)
        self.tests: dict[str, results.TestResult] = {}
        self.evidence_seen: dict[str, int] = {}  # node id -> igny8_evidence properties already given to an attempt
        self.started = datetime.now(UTC).isoformat()
        self.t0 = time.monotonic()
        self.interrupted: str | None = None  # the signal that cancelled the run (harness.base.cancel)

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        self.interrupted = cancel.signal_name(excinfo.value)

    @pytest.hookimpl(tryfirst=True)  # before junitxml's: it writes every user property it finds
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props: dict[str, Any] = dict(report.user_properties)
        evidence: list[Any] = [value for key, value in report.user_properties if key == "igny8_evidence"]
        report.user_properties = [(k, v) for k, v in report.user_properties if k not in BULKY]
        title = report.nodeid.split("::")[-1]
        result = self.tests.setdefault(report.nodeid, results.TestResult(report.nodeid, title, props.get("igny8_requirements", [])))
        result.duration += report.duration
        result.examples = props.get("igny8_examples", result.examples)
        result.repro_file = props.get("igny8_repro_file", result.repro_file)
        result.cases = props.get("igny8_cases", result.cases)
        result.cells = props.get("igny8_cells", result.cells)
        result.fault = props.get("igny8_fault", result.fault)
        result.charged = props.get("igny8_charged", result.charged)
        if report.skipped and props.get(NOT_APPLICABLE_PROPERTY, {}).get("incomplete"):
            result.incomplete = props[NOT_APPLICABLE_PROPERTY]["reason"]
        if report.skipped and props.get(NOT_APPLICABLE_PROPERTY, {}).get("site_lacks"):
            result.site_lacks = props[NOT_APPLICABLE_PROPERTY]["reason"]  # not counted for its requirements
        attempt = self._attempt(result, report, evidence)
        outcome = _status(report, props)
        # A later phase may only make an attempt worse (a teardown error spoils a pass).
        if outcome is not None and (attempt["status"] in (results.NOT_RUN, results.PASS) or outcome != results.PASS):
            attempt["status"] = outcome
            if outcome != results.PASS:
                attempt["message"] = result.message = _message(report)
        result.evidence = attempt["evidence"]
        result.status = results.final_status(result.attempts)
        if result.status == results.FLAKY:
            result.message = _flaky_message(result.attempts)
        if getattr(report, "wasxfail", None) and report.when == "call":
            result.known = report.wasxfail
            if report.passed:
                result.message = "passes now: its baseline entry can go"
        if report.when == "teardown":
            self._retain(result, attempt)  # the attempt's outcome is known: what its evidence keeps
            if self.options["report_dir"]:
                self._journal(result)

    def _retain(self, result: results.TestResult, attempt: dict[str, Any]) -> None:
        """An attempt's evidence, once its outcome is known (harness.suite.evidence.retain): its
        summaries, and everything it saw when it or an earlier attempt did not pass, or always
        with --evidence all. Retaining again changes nothing."""
        earlier = [a["status"] for a in result.attempts[: attempt["attempt"]]]
        keep_all = keeps_everything(self.options["evidence"], earlier)
        run_dir = Path(self.options["report_dir"]) if self.options["report_dir"] else None
        attempt["evidence"] = retain(attempt["evidence"], keep_all, run_dir, result.nodeid, attempt["attempt"])
        if result.attempts and attempt is result.attempts[-1]:
            result.evidence = attempt["evidence"]

    def _journal(self, result: results.TestResult) -> None:
        """Each finished attempt, as it finishes: a run killed before it writes its results loses
        none of what it found (harness.launch.salvage reads this). The last line of a test stands."""
        line = {"nodeid": result.nodeid, "requirements": result.requirements, "status": result.status, "message": result.message[:2000]}
        with (Path(self.options["report_dir"]) / JOURNAL).open("a") as journal:
            journal.write(json.dumps(line) + "\n")

    def _attempt(self, result: results.TestResult, report: pytest.TestReport, evidence: list[Any]) -> dict[str, Any]:
        """The attempt this report belongs to (pytest-rerunfailures numbers them from 0 in
        report.rerun), given the evidence the igny8_evidence fixture kept. Its properties pile up
        on the item over the attempts: the ones not seen in an earlier report are this attempt's."""
        number = getattr(report, "rerun", 0) + 1
        while len(result.attempts) < number:
            result.attempts.append(results.attempt_record(len(result.attempts) + 1))
        attempt = result.attempts[number - 1]
        attempt["duration"] += report.duration
        seen = self.evidence_seen.get(report.nodeid, 0)
        if len(evidence) > seen:
            attempt["evidence"] = evidence[-1]
            self.evidence_seen[report.nodeid] = len(evidence)
        return attempt

    @pytest.hookimpl(trylast=True)  # after junitxml's: it writes junit.xml, which the junit output then amends
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        for test in self.tests.values():  # an attempt whose teardown never reported (an interrupted run)
            for attempt in test.attempts:
                self._retain(test, attempt)
        tests = list(self.tests.values())
        if not self.options["shard"]:  # a shard's plan is the whole suite: the merge finds what no shard ran
            why = f"planned, but the run was interrupted ({self.interrupted}) before it" if self.interrupted else "planned, but the run ended before it"
            tests += results.never_ran(planned(self.config) or [], tests, why)
        if any(t.status == results.NOT_RUN for t in tests) and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED  # a run that did not run its plan is no pass
        if results.incomplete_checks(tests) and not self.options["allow_incomplete"] and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED  # a run that could not make its checks is no pass
        if any(t.status == results.FLAKY for t in tests) and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED  # a flaky check is no pass (harness.runs.results.verdict)
        from harness.suite.items import MANIFEST

        claimed = self.config.stash[MANIFEST].capabilities
        verdict = results.verdict(results.requirement_rows(tests, manifest.unclaimed(claimed)), tests)
        if verdict == results.FAIL and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED  # the exit status says what the verdict says (a known test's broken setup)
        if not self.options["report_dir"]:
            return

        run_dir = Path(self.options["report_dir"])
        system = running_system(run_dir)
        for test in tests:
            if test.status in (results.FAIL, results.ERROR, results.FLAKY):
                test.repro = f"./igny8 repro {shlex.quote(test.repro_file)}" if test.repro_file else self.repro_command(test.nodeid, system)
        run = {
            "id": run_dir.name,
            "started": self.started,
            "finished": datetime.now(UTC).isoformat(),
            "wall_seconds": round(time.monotonic() - self.t0, 1),
            "exit_status": int(session.exitstatus),
            "interrupted": self.interrupted,  # SIGINT, SIGTERM or SIGHUP: the run was cancelled
            "options": {name: ("…" if BY_NAME[name].secret and value else value) for name, value in self.options.items() if name != "report_dir"},
            "hypothesis_seed": self.config.getoption("hypothesis_seed", None),
            "claimed_capabilities": sorted(claimed),
            "system": system,
            "shard": self.options["shard"],  # "I/N", or None for the whole suite
            "planned": planned(self.config) or [],  # the whole suite, before sharding: merge shows a test no shard ran as NOT RUN
            "selection": selection(self.config, self.options),  # which tests were asked for: the history compares runs that asked alike
        }
        doc = results.document(run, tests, manifest.unclaimed(claimed))
        outputs.write_all(doc, run_dir, self.options)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        faults = [t.fault for t in self.tests.values() if t.fault]
        if faults:  # the report's fault table, at a glance
            terminalreporter.section(f"faults: {len(faults)}")
            for f in faults:
                outcome = "agreed" if f["lost"] == f["unexpected"] == f["stale"] == 0 else f"lost {f['lost']}, unexpected {f['unexpected']}, stale {f['stale']}"
                terminalreporter.line(f"{f['fault']:26} {outcome:40} recovered in {f['recovery_seconds']} s, longest wait {f['longest_wait']} s")
        flaky = [t for t in self.tests.values() if t.status == results.FLAKY]
        if flaky:
            terminalreporter.section(f"FLAKY: {len(flaky)} tests failed, then passed when re-run; the run fails", yellow=True)
            for test in flaky:
                terminalreporter.line(f"{test.nodeid}: {test.message}")
        missing = results.incomplete_checks(list(self.tests.values()))
        if not missing:
            return
        reasons: dict[str, list[str]] = {}
        for test in missing:
            reasons.setdefault(test.incomplete, []).extend(test.requirements)
        verdict = "allowed by --allow-incomplete" if self.options["allow_incomplete"] else "the run fails (--allow-incomplete accepts it)"
        terminalreporter.section(f"INCOMPLETE: {len(missing)} checks could not be made; {verdict}", yellow=True)
        for reason, ids in sorted(reasons.items()):
            terminalreporter.line(f"{', '.join(sorted(set(ids)))}: {reason}")

    def repro_command(self, nodeid: str, system: dict[str, Any]) -> str:
        """One command that reruns one failed test on a fresh stack with the implementations that ran
        (read from the stack, so an attached stack's swapped plugin or backend is named too)."""
        cell = system.get("cell", {})
        ran = self.options.replace(
            wp=self.options["wp"] or cell.get("wordpress"),  # an attached stack's cell, for the fresh stack
            php=self.options["php"] or cell.get("php"),
            plugin=system.get("plugin", {}).get("dir") or self.options["plugin"],
            backend_image=system.get("backend", {}).get("image") or self.options["backend_image"],
            with_plugin=tuple(p["dir"] for p in system.get("extra_plugins", []) if p.get("dir")) or self.options["with_plugin"],
        )
        if self.options["backend_url"]:  # an external backend's image is its URL; its key stays in the environment
            ran = ran.replace(backend_image=BY_NAME["backend_image"].default)
            return "IGNY8_BACKEND_KEY=… " + command_line("run", ran, [nodeid])
        return command_line("run", ran, [nodeid])


def selection(config: pytest.Config, options: RunOptions) -> dict[str, Any]:
    """What chose the run's tests, as given (not the tests it found: a suite that grows is the same
    selection): the paths and node ids named (relative to the checkout), -k, -m, --deselect, the
    requirements and the shard."""
    root = Path(str(config.rootpath))

    def named(arg: str) -> str:
        path, _, rest = arg.partition("::")
        try:
            path = Path(path).resolve().relative_to(root).as_posix() if Path(path).is_absolute() else Path(path).as_posix()
        except ValueError:
            pass
        return path + (f"::{rest}" if rest else "")

    return {
        "args": sorted(named(a) for a in config.args),
        "keyword": config.getoption("keyword", "") or "",
        "markexpr": config.getoption("markexpr", "") or "",
        "deselect": sorted(config.getoption("deselect", None) or []),
        "requirements": options["requirements"],
        "shard": options["shard"],
    }


def running_system(run_dir: Path) -> dict[str, Any]:
    """What the stacks said they run (written by the igny8_stack_info fixture), merged over workers."""
    found = [json.loads(p.read_text()) for p in sorted(run_dir.glob("stack-*.json"))]
    return found[0] if found else {}


def _status(report: pytest.TestReport, props: dict[str, Any]) -> str | None:
    if getattr(report, "wasxfail", None) and report.when == "call":
        return results.PASS if report.passed else results.FAIL  # a known failure is still a failure
    if getattr(report, "wasxfail", None) and report.when == "setup":
        return results.ERROR  # a known failure covers its check, not a setup that broke before it
    if report.skipped:
        return results.NOT_APPLICABLE if props.get(NOT_APPLICABLE_PROPERTY) else results.SKIPPED
    failed = report.failed or report.outcome == "rerun"  # pytest-rerunfailures' outcome for a failure it runs again
    if report.when == "setup":
        return results.ERROR if failed else None
    if report.when == "call":
        return results.FAIL if failed else results.PASS
    return results.ERROR if failed else None


def _flaky_message(attempts: list[dict[str, Any]]) -> str:
    failed = [a for a in attempts if a["status"] in (results.FAIL, results.ERROR)]
    return f"passed on attempt {len(attempts)} after {len(failed)} failed: {failed[-1]['message'] if failed else ''}"


def _message(report: pytest.TestReport) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2])
    crash = getattr(report.longrepr, "reprcrash", None)
    return str(crash.message) if crash else str(report.longrepr)[-2000:]
