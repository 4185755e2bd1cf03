"""Shards (`igny8 run --shard I/N`): what "I/N" means, and how the suite is split into N parts.

The split is by module: every test of one scenarios/*.py module lands in the same shard. Tests
of a module may build on state made once for the module (test_quick_sync's `connected`,
test_scale's `large_site`) and in order; split across machines, each shard would build that state
again, or a test would run without the steps before it. pytest-split balances single tests and
cannot group them, so its duration-based algorithm (least_duration: the longest remaining unit goes
to the shard with the least so far) is given modules as its units, each weighing the sum of its tests.

A test with no recorded duration weighs the mean of those recorded (as in pytest-split), every test
the same when there is no history. The same tests and history give the same split on every machine.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import pytest


@dataclass(frozen=True)
class Shard:
    index: int  # from 1
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse(text: str) -> Shard:
    """'I/N' with 1 <= I <= N; anything else is refused with what was meant."""
    found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(text))
    if not found:
        raise ValueError(f"{text!r} is not I/N: shard I of N, e.g. 1/2 on one machine and 2/2 on another")
    index, count = int(found.group(1)), int(found.group(2))
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"shard {index}/{count} does not exist: I/N needs 1 <= I <= N")
    return Shard(index, count)


def shard_option(text: str) -> str:
    """argparse's type for --shard: the value as 'I/N', or a clear error before anything starts."""
    try:
        return str(parse(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def module_of(nodeid: str) -> str:
    return nodeid.split("::")[0]


@dataclass(frozen=True)
class _Module:
    """A module as pytest-split's algorithm sees a test item: its node id, and str() to break ties."""

    nodeid: str

    def __str__(self) -> str:
        return self.nodeid


def split(nodeids: Sequence[str], count: int, durations: Mapping[str, float]) -> list[list[str]]:
    """The node ids in `count` shards, each module whole; within a shard they keep their order."""
    known = [durations[n] for n in nodeids if n in durations]
    fallback = sum(known) / len(known) if known else 1.0
    weights: dict[str, float] = {}
    for nodeid in nodeids:
        weights[module_of(nodeid)] = weights.get(module_of(nodeid), 0.0) + durations.get(nodeid, fallback)
    # The algorithm reads only .nodeid and str() of its items; it orders them itself (by name, then
    # weight), so the split does not depend on the order the modules are given in.
    units = cast(list[pytest.Item], [_Module(module) for module in weights])
    # Imported here: the command line imports this module, and pytest-split is a plugin, which pytest
    # must import itself to rewrite (harness.launch.warm).
    from pytest_split.algorithms import LeastDurationAlgorithm

    groups = LeastDurationAlgorithm()(count, units, weights)
    shard_of = {unit.nodeid: number for number, group in enumerate(groups) for unit in group.selected}
    return [[n for n in nodeids if shard_of[module_of(n)] == number] for number in range(count)]
