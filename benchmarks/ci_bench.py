#!/usr/bin/env python
"""`./igny8 test`'s wall time on this checkout, beside its goal, and when each of its sections began.

    .venv/bin/python benchmarks/ci_bench.py

Goal (issue #14, on 2 cores, images cached): ≤ 6 min, with everything the tests hold (the unit
tests, the reference on the newest and the oldest cell, another build of both sides, the self-test
on the covering sample). Run it with the images built (`./igny8 up` once, or an earlier run):
building them is the cold figure's, `benchmarks/stack_bench.py --cold`.
"""

import re
import subprocess
import sys
import time
from pathlib import Path

from machine_cpu import busy_and_idle_seconds, floor_line

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 6 * 60
SECTION = re.compile(r"^== (\d\d:\d\d:\d\d) (.*)")  # harness.selftest.testplan.section's line


def main() -> int:
    busy_before, idle_before = busy_and_idle_seconds()
    started = time.perf_counter()
    sections: list[tuple[float, str]] = []
    with subprocess.Popen([str(ROOT / "igny8"), "test"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as run:
        assert run.stdout is not None
        for line in run.stdout:
            if match := SECTION.match(line):
                sections.append((time.perf_counter() - started, match.group(2)[:110]))
            if line.startswith(("igny8:", "igny8 gate:")) or "killed on target" in line:  # the totals, the hunt's and the gate's answers
                print(line, end="", flush=True)
        status = run.wait()
    seconds = time.perf_counter() - started
    busy_after, idle_after = busy_and_idle_seconds()
    busy, idle = busy_after - busy_before, idle_after - idle_before
    print("\nwhen each section began (seconds after the start):")
    for at, title in sections:
        print(f"  {at:7.0f}  {title}")
    print(f"\n{'what':55} {'seconds':>8} {'goal':>7}")
    verdict = "meets" if seconds <= GOAL_SECONDS else "MISSES"
    print(f"{'./igny8 test (images cached), exit ' + str(status):55} {seconds:8.0f} {'≤ ' + str(GOAL_SECONDS):>7}  {verdict}")
    print(floor_line(busy, idle))
    return status


if __name__ == "__main__":
    sys.exit(main())
