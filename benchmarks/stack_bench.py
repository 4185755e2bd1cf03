#!/usr/bin/env python
"""The stack's figures: time to a healthy stack (cold and warm), the reset between tests, the
QUICK-SYNC-TEST scenario on a warm stack, and the image sizes.

    .venv/bin/python benchmarks/stack_bench.py [--cold] [--resets 20]

--cold first removes every igny8 image, the build cache and the debootstrap cache, as on a new
machine (the Debian packages inside the images still come from the network).
Goals: cold under 3 minutes, warm under 15 s (issue #3); QUICK-SYNC-TEST under 10 s and a reset
under 1 s (issue #4).
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import time

from harness.session import stack_context
from harness.stack import base_image, wheelhouse
from harness.stack.config import ROOT
from harness.stack.engine import Engine, ensure_engine
from harness.stack.stack import Stack


def timed(action):
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


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
    args = parser.parse_args()
    ensure_engine()
    figures = {}
    if args.cold:
        forget_images()
        cold = Stack.create()
        figures["cold up (no images, no caches)"] = (timed(cold.up), 180)
        cold.down()
    stack = Stack.create()
    try:
        figures["warm up (images cached)"] = (timed(stack.up), 15)
        ctx = stack_context(stack)
        assert ctx.wp and ctx.observer
        wp, observer, tenant = ctx.wp, ctx.observer, ctx.backend.integration_id
        resets = sorted(timed(lambda: (wp.reset(), observer.reset(tenant))) for _ in range(args.resets))
        figures[f"reset site + backend (p50 of {args.resets})"] = (statistics.median(resets), 1)
        quick = [sys.executable, "-m", "pytest", "-q", "scenarios/test_quick_sync.py", f"--igny8-stack={stack.name}", "-p", "no:cacheprovider"]
        start = time.perf_counter()
        status = subprocess.run(quick, cwd=ROOT, capture_output=True, text=True)
        figures["QUICK-SYNC-TEST scenario, warm stack"] = (time.perf_counter() - start, 10)
        if status.returncode:
            print(status.stdout[-2000:])
        figures["down"] = (timed(stack.down), None)
    except BaseException:
        stack.down()
        raise
    print(f"\n{'what':42} {'seconds':>8} {'goal':>7}")
    for name, (seconds, goal) in figures.items():
        print(f"{name:42} {seconds:8.2f} {('< ' + str(goal)) if goal else '':>7}  {'' if goal is None else 'meets' if seconds < goal else 'MISSES'}")
    print("\nimages:")
    for tag, size in sorted(Engine().images("igny8/")):
        print(f"  {tag:32} {size / 1e6:7.0f} MB")


if __name__ == "__main__":
    main()
