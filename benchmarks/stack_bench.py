#!/usr/bin/env python
"""The stack's figures: time to a ready stack (cold and warm), the reset between tests, the
QUICK-SYNC-TEST scenario right after `up`, the whole suite on a running stack, and image sizes.

    .venv/bin/python benchmarks/stack_bench.py [--cold] [--resets 20] [--repeat 3] [--suite] [--smoke]

--cold first removes every igny8 image, the build cache and the debootstrap cache, as on a new
machine (the Debian packages inside the images still come from the network). --smoke: one warm
stack, one QUICK-SYNC-TEST and one reset (neither --cold nor --suite), to show the benchmark still runs.
Goals (issue #14, on 2 cores): cold ≤ 100 s, warm ≤ 3 s, QUICK-SYNC-TEST ≤ 5 s on the first run
after `up`, the whole suite ≤ 30 s on a running stack; a reset under 1 s (issue #4).
Beside each goal, its floor: the core-seconds the whole machine kept busy during that step, over
its cores; the least wall time that work could take on this machine, waiting on nothing.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from machine_cpu import busy_and_idle_seconds, floor_seconds

from harness.judge.session import stack_context
from harness.stack.config import ROOT
from harness.stack.engine import Engine, ensure_engine
from harness.stack.images import base_image, wheelhouse
from harness.stack.stack import Stack

# As ./igny8 runs pytest: with bytecode caches (the machine may set PYTHONDONTWRITEBYTECODE).
PYTEST_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
T = TypeVar("T")


@dataclass
class Figure:
    """A wall time beside its goal, with the core-seconds the whole machine kept busy meanwhile:
    busy / cores is the least wall time that work could take here, waiting on nothing."""

    seconds: float
    goal: float | None
    busy: float | None = None

    @classmethod
    def median(cls, samples: list["Figure"], goal: float | None) -> "Figure":
        busy = [s.busy for s in samples if s.busy is not None]
        return cls(statistics.median(s.seconds for s in samples), goal, statistics.median(busy) if busy else None)

    def row(self, name: str) -> str:
        goal = f"≤ {self.goal:g}" if self.goal else ""
        floor = f"{floor_seconds(self.busy):6.2f}" if self.busy is not None else ""
        verdict = "" if self.goal is None else "meets" if self.seconds <= self.goal else "MISSES"
        return f"{name:55} {self.seconds:8.2f} {goal:>7} {floor:>6}  {verdict}"


def measured(action: Callable[[], T]) -> tuple[T, Figure]:
    """`action`'s result, and its wall time with the machine's busy core-seconds while it ran."""
    busy_before, _ = busy_and_idle_seconds()
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    return result, Figure(seconds, None, busy_and_idle_seconds()[0] - busy_before)


def timed(action: Callable[[], object]) -> Figure:
    return measured(action)[1]


def pytest_run(tests: str, stack_name: str) -> Figure:
    """One pytest process over `tests` on the stack, as `igny8 run --stack` would run it."""
    command = [sys.executable, "-m", "pytest", "-q", tests, f"--igny8-stack={stack_name}", "-p", "no:cacheprovider"]
    status, figure = measured(lambda: subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=PYTEST_ENV))
    if status.returncode:
        print(status.stdout[-2000:])
    return figure


def forget_images() -> None:
    engine = Engine()
    for tag, _ in sorted(engine.images("igny8/"), key=lambda t: t[0].startswith("igny8/debian")):  # children before the base they are built on
        engine.remove_image(tag)
    engine.prune_build_cache()
    (base_image.CACHE / "rootfs-bookworm.tar").unlink(missing_ok=True)
    shutil.rmtree(wheelhouse.WHEELHOUSE, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--resets", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="stacks started (and QUICK-SYNC-TEST runs) for the warm figures' median")
    parser.add_argument("--suite", action="store_true", help="also time the whole conformance suite")
    parser.add_argument("--smoke", action="store_true", help="one stack, one QUICK-SYNC-TEST, one reset; no --cold, no --suite: the same code path in seconds")
    args = parser.parse_args()
    if args.smoke:
        args.cold, args.suite, args.repeat, args.resets = False, False, 1, 1
    ensure_engine()
    figures: dict[str, Figure] = {}
    if args.cold:
        forget_images()
        cold = Stack.create()
        figures["cold up (no images, no caches)"] = replace(timed(cold.up), goal=100)
        cold.down()
    # A 2-core machine's start varies by a second from one stack to the next: the median of several.
    ups, quick_syncs, downs = [], [], []
    for _ in range(args.repeat - 1):
        stack = Stack.create()
        try:
            ups.append(timed(stack.up))
            quick_syncs.append(pytest_run("scenarios/test_quick_sync.py", stack.name))
        finally:
            downs.append(timed(stack.down))
    stack = Stack.create()
    try:
        ups.append(timed(stack.up))
        quick_syncs.append(pytest_run("scenarios/test_quick_sync.py", stack.name))
        figures[f"warm up (images cached; p50 of {args.repeat})"] = Figure.median(ups, 3)
        figures[f"QUICK-SYNC-TEST, first run after up (p50 of {args.repeat})"] = Figure.median(quick_syncs, 5)
        if args.suite:
            figures["the whole suite on a running stack"] = replace(pytest_run("scenarios", stack.name), goal=30)
        ctx = stack_context(stack)
        assert ctx.wp and ctx.observer
        wp, observer, tenant = ctx.wp, ctx.observer, ctx.backend.integration_id

        def reset() -> None:
            wp.reset()
            observer.reset(tenant)

        resets = [timed(reset) for _ in range(args.resets)]
        figures[f"reset site + backend (p50 of {args.resets})"] = Figure.median(resets, 1)
        downs.append(timed(stack.down))
        figures[f"down (p50 of {args.repeat})"] = Figure.median(downs, None)
    except BaseException:
        stack.down()
        raise
    # "floor": the machine's busy core-seconds over its cores, the least wall time the work could take
    # here. A goal under its floor needs less work (or more cores), not less waiting.
    print(f"\n{'what':55} {'seconds':>8} {'goal':>7} {'floor':>6}")
    for name, figure in figures.items():
        print(figure.row(name))
    print("\nimages:")
    for tag, size in sorted(Engine().images("igny8/")):
        print(f"  {tag:32} {size / 1e6:7.0f} MB")


if __name__ == "__main__":
    main()
