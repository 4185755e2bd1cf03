"""How long each test took in earlier runs, to balance shards (harness.runs.shards): read from the newest
complete runs' results.json under reports/, and kept as pytest-split's durations file
({node id: seconds}).

Complete runs only: a whole run's folder or a merged folder (`igny8 merge`), never a shard's own
folder. The shards of one suite run must split alike, so each must see the history the first one
saw: shard 1's folder, written before shard 2 starts on the same machine, must not move the split.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from harness.runs.merge import RESULTS, MergeInputError, is_merged, read_results
from harness.runs.results import FAIL, FLAKY, PASS, UNAVAILABLE

NEWEST = 10  # complete runs read, newest first: enough to know every test, recent enough to be true
RAN = {PASS, FAIL, FLAKY}  # statuses whose duration is the test's (a skip or a broken setup took no real time)


def recorded(reports: Path, newest: int = NEWEST) -> dict[str, float]:
    """Each test's duration in the newest complete run that ran it; {} when there is no history."""
    durations: dict[str, float] = {}
    for tests in _test_lists(Path(reports), newest):
        # The first test of a run also paid for starting the stack, which every shard pays alike:
        # its figure is not the test's.
        for test in tests[1:]:
            seconds = test.get("duration")
            if test.get("status") in RAN and isinstance(seconds, int | float) and seconds >= 0:
                durations.setdefault(test["nodeid"], float(seconds))
    return durations


def _test_lists(reports: Path, newest: int) -> Iterator[list[dict[str, Any]]]:
    """The tests of the newest complete runs (a merged folder's: each cell's), newest first. Run
    folders are named by the UTC time they started (harness.launch.runner.new_run_dir): the name orders them."""
    folders = sorted((p.parent for p in reports.glob(f"*/{RESULTS}")), key=lambda p: p.name, reverse=True)
    found = 0
    for folder in folders:
        if found == newest:
            return
        try:
            doc = read_results(folder)
        except MergeInputError:
            continue  # not a run's results (or one being written): no history
        if is_merged(doc):
            lists = [cell["tests"] for cell in doc["cells"]]
        elif doc["run"].get("verdict") == UNAVAILABLE:
            continue  # a cell the matrix could not build: no test, no history
        elif not doc["run"].get("shard"):
            lists = [doc["tests"]]
        else:
            continue
        found += 1
        yield from ([t for t in tests if isinstance(t, dict) and isinstance(t.get("nodeid"), str)] for tests in lists if isinstance(tests, list))


def write(path: Path, durations: dict[str, float]) -> None:
    """pytest-split's durations file (what `pytest --store-durations` writes)."""
    Path(path).write_text(json.dumps(durations, sort_keys=True, indent=2))


def load(path: Path) -> dict[str, float]:
    durations = json.loads(Path(path).read_text())
    return {str(nodeid): float(seconds) for nodeid, seconds in durations.items()}
