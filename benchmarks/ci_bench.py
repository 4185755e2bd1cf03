#!/usr/bin/env python
"""`./igny8 test`'s wall time on this checkout, beside its goal, and when each of its sections began.

    .venv/bin/python benchmarks/ci_bench.py [--smoke]

Goal (issue #14, on 2 cores, images cached): ≤ 6 min, with everything the tests hold (the unit
tests, the reference on the newest and the oldest cell, another build of both sides, the self-test
on the covering sample). Run it with the images built (`./igny8 up` once, or an earlier run):
building them is the cold figure's, `benchmarks/stack_bench.py --cold`.
--smoke: times `./igny8 test --unit` on the benchmarks' own tests (tests/test_benchmarks.py) instead,
to show the benchmark still runs; never the whole `./igny8 test`, which smoke-runs this script.
The exit status of what it timed is a figure beside the others; the script fails only when that
command ends without its closing line ("igny8: N passed, M failed"), that is, when it broke.
"""

import argparse
import re
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

from machine_cpu import busy_and_idle_seconds, floor_line

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 6 * 60
SECTION = re.compile(r"^== (\d\d:\d\d:\d\d) (.*)")  # harness.selftest.testplan.section's line
TOTALS = re.compile(r"^igny8: \d+ passed, \d+ failed")  # harness.selftest.totals.Totals.line, the last line of `igny8 test`
SMOKE = ["test", "--unit", "-q", "-k", "test_benchmarks"]  # tests/ and mypy as `test` runs them, on a few tests
UNIT_JUNIT = ROOT / "reports" / "unit" / "junit.xml"  # harness.selftest.testplan.unit writes it; a smoke run puts back the one it found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="time `./igny8 test --unit` on tests/test_benchmarks.py only: the same code path in seconds")
    args = parser.parse_args()
    command = SMOKE if args.smoke else ["test"]
    kept = UNIT_JUNIT.read_bytes() if args.smoke and UNIT_JUNIT.exists() else None
    busy_before, idle_before = busy_and_idle_seconds()
    started = time.perf_counter()
    sections: list[tuple[float, str]] = []
    closed, last_lines = False, deque[str](maxlen=40)  # the tail of its output, shown when it broke
    try:
        with subprocess.Popen([str(ROOT / "igny8"), *command], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as run:
            assert run.stdout is not None
            for line in run.stdout:
                if match := SECTION.match(line):
                    sections.append((time.perf_counter() - started, match.group(2)[:110]))
                closed |= bool(TOTALS.match(line))
                last_lines.append(line)
                if line.startswith(("igny8:", "igny8 gate:")) or "killed on target" in line:  # the totals, the hunt's and the gate's answers
                    print(line, end="", flush=True)
            status = run.wait()
    finally:
        if kept is not None:
            UNIT_JUNIT.write_bytes(kept)
    seconds = time.perf_counter() - started
    busy_after, idle_after = busy_and_idle_seconds()
    busy, idle = busy_after - busy_before, idle_after - idle_before
    print("\nwhen each section began (seconds after the start):")
    for at, title in sections:
        print(f"  {at:7.0f}  {title}")
    print(f"\n{'what':55} {'seconds':>8} {'goal':>7}")
    verdict = "meets" if seconds <= GOAL_SECONDS else "MISSES"
    what = f"./igny8 {' '.join(command)}{'' if args.smoke else ' (images cached)'}, exit {status}"
    print(f"{what:55} {seconds:8.0f} {'≤ ' + str(GOAL_SECONDS):>7}  {verdict}")
    if args.smoke:
        print("(the goal is the whole `./igny8 test`'s: this smoke run times a few tests)")
    print(floor_line(busy, idle))
    if not closed:
        print(f"./igny8 {' '.join(command)} ended (exit {status}) without its closing line: it broke. Its last lines:", file=sys.stderr)
        print("".join(f"   | {line}" for line in last_lines), end="", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
