#!/usr/bin/env python
"""The main job's own choice of stacks (issue #42, harness/launch/workers.py): `./igny8 run` as a
user types it, beside `-n 2` and a serial run, and how often the default run is green.

    .venv/bin/python benchmarks/default_workers.py [--repeat N] [--smoke]

1. `./igny8 run` with no -n: the line it prints about its stacks, its wall time and its verdict;
2. `./igny8 run -n 2` and `./igny8 run -n 1` (serial), the same suite;
3. with --repeat N, the default run N times in a row: how many were green, and how many had a FLAKY.

Goals: the default's wall time within 10 % of `-n 2`'s; every repeated run green, none FLAKY.
Each figure is printed beside its goal; a goal missed is a figure to read, not a failure.
--smoke: two small modules, the default and the serial run once each.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import time
from pathlib import Path

from harness.base.paths import ROOT

SMOKE_TESTS = ["scenarios/test_content_sync.py", "scenarios/test_cron.py"]
STACKS_LINE = re.compile(r"\[igny8\] (\d+ stacks? \(.*\))")
RUN_FOLDER = re.compile(r"\[igny8\] run folder: (\S+)")


def run(extra: list[str]) -> dict[str, object]:
    """One `./igny8 run` as typed at a terminal; its wall time, exit status, stacks line and results."""
    started = time.perf_counter()
    done = subprocess.run([str(ROOT / "igny8"), "run", "--no-allure-html", *extra], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    output = done.stdout + done.stderr
    stacks = STACKS_LINE.search(output)
    folder = RUN_FOLDER.search(output)
    doc = json.loads((Path(folder.group(1)) / "results.json").read_text()) if folder and (Path(folder.group(1)) / "results.json").exists() else None
    statuses = [t["status"] for t in doc["tests"]] if doc else []
    return {
        "seconds": seconds,
        "exit": done.returncode,
        "stacks": stacks.group(1) if stacks else "(no line)",
        "verdict": doc["run"]["verdict"] if doc else "(no results)",
        "flaky": statuses.count("FLAKY"),
        "failed": sum(statuses.count(s) for s in ("FAIL", "ERROR")),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=0, metavar="N", help="then the default run N times in a row (the issue asks for 10)")
    parser.add_argument("--smoke", action="store_true", help=f"on {' and '.join(SMOKE_TESTS)} only, the default and serial runs once each")
    args = parser.parse_args()
    tests = SMOKE_TESTS if args.smoke else []
    default = run(tests)
    print(f"default: {default['stacks']}; {default['seconds']:.0f} s, {default['verdict']}, exit {default['exit']}", flush=True)
    two = None if args.smoke else run([*tests, "-n", "2"])
    if two is not None:  # each figure as it comes: a long --repeat may be stopped before the table
        print(f"-n 2: {two['seconds']:.0f} s, {two['verdict']}, exit {two['exit']}", flush=True)
    serial = run([*tests, "-n", "1"])
    print(f"-n 1: {serial['seconds']:.0f} s, {serial['verdict']}, exit {serial['exit']}", flush=True)
    rows: list[tuple[str, str, str, str]] = [
        ("./igny8 run (its own choice of stacks)", f"{default['seconds']:.0f} s", "", str(default["stacks"])),
        ("./igny8 run -n 1 (serial)", f"{serial['seconds']:.0f} s", "", f"{serial['verdict']}"),
    ]
    if two is not None:
        ratio = float(default["seconds"]) / float(two["seconds"])  # type: ignore[arg-type]
        rows.insert(1, ("./igny8 run -n 2", f"{two['seconds']:.0f} s", "", f"{two['verdict']}"))
        rows.append(("default / -n 2", f"{ratio:.2f}", "<= 1.10", "meets" if ratio <= 1.10 else "MISSES"))
    greens = flaky = 0
    for n in range(args.repeat):
        again = run(tests)
        greens += again["verdict"] == "PASS" and again["exit"] == 0
        flaky += int(again["flaky"] > 0)  # type: ignore[operator]
        print(f"repeat {n + 1}/{args.repeat}: {again['verdict']}, {again['failed']} failed, {again['flaky']} flaky, {again['seconds']:.0f} s", flush=True)
    if args.repeat:
        rows.append((f"default runs green, of {args.repeat} in a row", str(greens), str(args.repeat), "meets" if greens == args.repeat else "MISSES"))
        rows.append(("of those, runs with a FLAKY test", str(flaky), "0", "meets" if flaky == 0 else "MISSES"))
    print(f"\n{'what':44} {'measured':>10} {'goal':>8}  note")
    for what, measured, goal, note in rows:
        print(f"{what:44} {measured:>10} {goal:>8}  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
