"""The whole machine's CPU time, busy and idle, from /proc/stat's first line: what a benchmark's work
cost, whichever process or container did it. Containers come and go during a run (a mutant's
backend, a fault's restart), so their own accounts would lose what they used.

A module the benchmarks import (ci_bench, stack_bench), not a benchmark: it has no `__main__`, so
`./igny8 test` does not smoke-run it (harness.selftest.testplan.benchmarks)."""

import os
from pathlib import Path


def busy_and_idle_seconds() -> tuple[float, float]:
    """Core-seconds since boot: (busy, idle)."""
    user, nice, system, idle, iowait, irq, softirq, steal = (int(v) for v in Path("/proc/stat").read_text().split()[1:9])
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq + steal) / tick, (idle + iowait) / tick


CORES = os.cpu_count() or 1


def floor_seconds(busy: float) -> float:
    """The wall time work that kept `busy` core-seconds busy needs at the least here: spread over
    every core, with no waiting at all."""
    return busy / CORES


def floor_line(busy: float, idle: float, width: int = 55) -> str:
    """One table row: the core-seconds the work kept busy, and its floor."""
    what = f"CPU it kept busy: {busy:.0f} core-s ({busy / max(busy + idle, 1e-9):.0%} of {CORES} cores)"
    return f"{what:{width}} {floor_seconds(busy):8.0f}  its floor on {CORES} cores"
