"""The checks that the run harmed nothing, on every worker's stack. Under pytest-xdist each worker
has a stack of its own, with a bystander tenant of its own (harness.judge.bystander), but the test
that checks the bystander (scenarios/test_zz_bystander.py) runs on one worker only. So after its
last test, before that test's teardown removes its stack, every worker checks its own bystander, and the xdist
controller reports each as that test with the worker's name: a failure on any stack is seen.

A pytest plugin, registered by harness.suite.pytest_plugin."""

from __future__ import annotations

from typing import Any

import pytest

from harness.judge import bystander
from harness.judge.bystander import Bystander
from harness.target.observer import Observer

BYSTANDER = pytest.StashKey[tuple[Bystander, Observer | None]]()  # set by the igny8_bystander_session fixture
WORKER_OUTPUT = "igny8_bystander_check"
TEST = "scenarios/test_zz_bystander.py::test_the_other_tenant_is_byte_for_byte_untouched"
REQUIREMENTS = ["SEC-2", "STORE-1"]


class WorkerChecks:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    @pytest.hookimpl(tryfirst=True)  # before the runner's: the last test's teardown removes the stack
    def pytest_runtest_teardown(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        workerinput = getattr(self.config, "workerinput", None)
        kept = self.config.stash.get(BYSTANDER, None)
        if nextitem is not None or workerinput is None or kept is None:
            return  # not the worker's last test, not a worker (the test itself checks the only stack), or no bystander
        made, observer = kept
        try:
            problems = bystander.changes(made, observer)
        except Exception as exc:  # the check could not be made: that is a failure to see, not to hide
            problems = [f"the bystander could not be checked: {exc}"]
        self.config.workeroutput[WORKER_OUTPUT] = {"worker": workerinput["workerid"], "problems": problems}  # type: ignore[attr-defined]

    @pytest.hookimpl(optionalhook=True)  # pytest-xdist's, in the controller
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        result = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT)
        if result is None:
            return
        nodeid = f"{TEST}[{result['worker']}]"
        properties = [("igny8_id", nodeid), ("igny8_requirements", REQUIREMENTS), ("igny8_cases", {r: "negative" for r in REQUIREMENTS})]
        outcome = "failed" if result["problems"] else "passed"
        for when in ("setup", "call", "teardown"):
            report = pytest.TestReport(
                nodeid=nodeid,
                location=(TEST.split("::")[0], 0, nodeid.split("::")[1]),
                keywords={},
                outcome=outcome if when == "call" else "passed",  # type: ignore[arg-type]
                longrepr="; ".join(result["problems"]) if when == "call" and result["problems"] else None,
                when=when,
                user_properties=properties,
            )
            self.config.hook.pytest_runtest_logreport(report=report)
