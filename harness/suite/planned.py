"""What the run was meant to run (results.json's run.planned) and, with --igny8-shard=I/N, keeping
only shard I's part of it (harness.runs.shards). The plan is the whole suite as selected before the split,
the same in every shard: `igny8 merge` shows a test no shard ran, a missing shard's, as NOT RUN.

A pytest plugin, registered by harness.suite.pytest_plugin."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from harness.runs import durations, shards

PLANNED = pytest.StashKey[list[dict[str, Any]]]()
WORKER_OUTPUT = "igny8_planned"  # how a pytest-xdist worker hands its plan to the controller's collector
DURATIONS_FILE = "test-durations.json"  # in the run folder: what the split was balanced by
PLAN_FILE = "planned.json"  # in the run folder, written at collection: what a crashed run was meant to run (harness.launch.salvage)


def planned(config: pytest.Config) -> list[dict[str, Any]] | None:
    """{nodeid, requirements} of every test the run selected, before sharding; None before collection."""
    return config.stash.get(PLANNED, None)


def history(config: pytest.Config, report_dir: str | None) -> dict[str, float]:
    """The recorded durations, from the runs beside this run's folder (reports/). Read once, by the
    controller, and kept in the run folder: pytest-xdist's workers split by that file, so a run
    finishing meanwhile cannot make two workers split differently."""
    from harness.base.paths import REPORTS

    if not report_dir:
        return durations.recorded(REPORTS)
    kept = Path(report_dir) / DURATIONS_FILE
    if hasattr(config, "workerinput") and kept.is_file():
        return durations.load(kept)
    found = durations.recorded(Path(report_dir).resolve().parent)
    durations.write(kept, found)
    return found


class Planner:
    def __init__(self, config: pytest.Config, shard: str | None, report_dir: str | None) -> None:
        self.config = config
        self.shard = shards.parse(shard) if shard else None
        self.report_dir = report_dir
        self.durations = history(config, report_dir) if self.shard else {}

    @pytest.hookimpl(trylast=True)  # after -k, -m and --igny8-requirements chose: the plan is what they left
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        from harness.suite.items import requirement_ids

        plan = [{"nodeid": item.nodeid, "requirements": requirement_ids(item)} for item in items]
        config.stash[PLANNED] = plan
        if self.report_dir:  # every worker collects the same plan: the last one written stands
            written = Path(self.report_dir) / f".{PLAN_FILE}.{os.getpid()}"
            written.write_text(json.dumps(plan))
            written.replace(Path(self.report_dir) / PLAN_FILE)
        if hasattr(config, "workeroutput"):
            config.workeroutput[WORKER_OUTPUT] = plan
        if self.shard is None:
            return
        # The checks that the run harmed nothing (igny8_last: the bystander) look at the stack the
        # run used: each shard has its own, so each shard runs them (merge keeps the worse status).
        everywhere = {item.nodeid for item in items if item.get_closest_marker("igny8_last")}
        parts = shards.split([item.nodeid for item in items if item.nodeid not in everywhere], self.shard.count, self.durations)
        mine = set(parts[self.shard.index - 1]) | everywhere
        config.hook.pytest_deselected(items=[item for item in items if item.nodeid not in mine])
        items[:] = [item for item in items if item.nodeid in mine]

    @pytest.hookimpl(optionalhook=True)  # pytest-xdist's: the controller collects nothing itself
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        plan = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT)
        if plan is not None:
            self.config.stash[PLANNED] = plan

    def pytest_report_header(self, config: pytest.Config) -> str | None:
        if self.shard is None:
            return None
        source = f"the durations of {len(self.durations)} tests in earlier runs" if self.durations else "equal weights (no earlier run recorded)"
        return f"igny8: shard {self.shard}, split by module, balanced by {source}"
