#!/usr/bin/env python
"""The stack's figures: time to a ready stack (cold and warm), the reset between tests, the
QUICK-SYNC-TEST scenario right after `up`, the whole suite on a running stack, and image sizes.

    .venv/bin/python benchmarks/stack_bench.py [--cold] [--resets 20] [--repeat 3] [--suite]

--cold first removes every igny8 image, the build cache and the debootstrap cache, as on a new
machine (the Debian packages inside the images still come from the network).
Goals (issue #14, on 2 cores): cold ≤ 100 s, warm ≤ 3 s, QUICK-SYNC-TEST ≤ 5 s on the first run
after `up`, the whole suite ≤ 30 s on a running stack; a reset under 1 s (issue #4).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

from machine_cpu import busy_and_idle_seconds, floor_line

from harness.session import stack_context
from harness.stack import base_image, wheelhouse
from harness.stack.config import ROOT
from harness.stack.engine import Engine, ensure_engine
from harness.stack.stack import Stack

# As ./igny8 runs pytest: with bytecode caches (the machine may set PYTHONDONTWRITEBYTECODE).
PYTEST_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(action):
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def pytest_seconds(tests, stack_name):
    """Wall time of one pytest process over `tests` on the stack, as `igny8 run --stack` would run it."""
    command = [sys.executable, "-m", "pytest", "-q", tests, f"--igny8-stack={stack_name}", "-p", "no:cacheprovider"]
    start = time.perf_counter()
    status = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=PYTEST_ENV)
    seconds = time.perf_counter() - start
    if status.returncode:
        print(status.stdout[-2000:])
    return seconds


def forget_images():
    engine = Engine()
    for tag, _ in sorted(engine.images("igny8/"), key=lambda t: t[0].startswith("igny8/debian")):  # children before the base they are built on
        engine.remove_image(tag)
    engine.prune_build_cache()
    (base_image.CACHE / "rootfs-bookworm.tar").unlink(missing_ok=True)
    shutil.rmtree(wheelhouse.WHEELHOUSE, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--resets", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="stacks started (and QUICK-SYNC-TEST runs) for the warm figures' median")
    parser.add_argument("--suite", action="store_true", help="also time the whole conformance suite")
    args = parser.parse_args()
    ensure_engine()
    figures = {}
    if args.cold:
        forget_images()
        cold = Stack.create()
        figures["cold up (no images, no caches)"] = (timed(cold.up), 100)
        cold.down()
    # A 2-core machine's start varies by a second from one stack to the next: the median of several.
    ups, quick_syncs, downs = [], [], []
    for _ in range(args.repeat - 1):
        stack = Stack.create()
        try:
            ups.append(timed(stack.up))
            quick_syncs.append(pytest_seconds("scenarios/test_quick_sync.py", stack.name))
        finally:
            downs.append(timed(stack.down))
    suite_cpu = None  # (busy, idle) core-seconds while the suite ran
    stack = Stack.create()
    try:
        ups.append(timed(stack.up))
        quick_syncs.append(pytest_seconds("scenarios/test_quick_sync.py", stack.name))
        figures[f"warm up (images cached; p50 of {args.repeat})"] = (statistics.median(ups), 3)
        figures[f"QUICK-SYNC-TEST, first run after up (p50 of {args.repeat})"] = (statistics.median(quick_syncs), 5)
        if args.suite:
            busy_before, idle_before = busy_and_idle_seconds()
            figures["the whole suite on a running stack"] = (pytest_seconds("scenarios", stack.name), 30)
            busy_after, idle_after = busy_and_idle_seconds()
            suite_cpu = (busy_after - busy_before, idle_after - idle_before)
        ctx = stack_context(stack)
        assert ctx.wp and ctx.observer
        wp, observer, tenant = ctx.wp, ctx.observer, ctx.backend.integration_id
        resets = sorted(timed(lambda: (wp.reset(), observer.reset(tenant))) for _ in range(args.resets))
        figures[f"reset site + backend (p50 of {args.resets})"] = (statistics.median(resets), 1)
        downs.append(timed(stack.down))
        figures[f"down (p50 of {args.repeat})"] = (statistics.median(downs), None)
    except BaseException:
        stack.down()
        raise
    print(f"\n{'what':55} {'seconds':>8} {'goal':>7}")
    for name, (seconds, goal) in figures.items():
        print(f"{name:55} {seconds:8.2f} {('≤ ' + str(goal)) if goal else '':>7}  {'' if goal is None else 'meets' if seconds <= goal else 'MISSES'}")
    if suite_cpu:
        print("the whole suite's " + floor_line(*suite_cpu, width=37))
    print("\nimages:")
    for tag, size in sorted(Engine().images("igny8/")):
        print(f"  {tag:32} {size / 1e6:7.0f} MB")


if __name__ == "__main__":
    main()
