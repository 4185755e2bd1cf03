"""How many stacks a run uses when `-n` is not given: as many as the machine's cores and free memory
allow (about STACK_GIB a stack), at least one, and no more than the modules the run names. Said in
one line, with why. The workers take tests as `-n N` does (xdist's `load`: each takes the next test
as it frees), so the default is `-n N`: `--dist loadscope` (a module to one worker) measured 1.13
times `-n 2`'s wall time, the largest module ending alone (benchmarks/default_workers.py). Within a
worker, tests still run in collection order, so a module's tests run together and its module-scoped
state is made once per worker.

Some runs stay on one stack, and say so: a run on a stack that is already up (`--stack`), one against
a backend the harness does not start (`--backend-url`: one tenant, which two workers would reset
under each other), one kept to look at afterwards (`--keep`), and one a person debugs (`--pdb`, `-s`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.base.paths import ROOT
from harness.runs.options import RunOptions

STACK_GIB = 1.0  # a stack's five containers, its worker and its browser: 0.8-1 GiB measured
DEBUGGING = ("--pdb", "--trace", "-s", "--capture=no")
DISTRIBUTED = ("-n", "--numprocesses", "--tx", "--dist")


@dataclass(frozen=True)
class Machine:
    cores: int
    free_gib: float

    @classmethod
    def this_one(cls) -> Machine:
        return cls(cores=len(os.sched_getaffinity(0)), free_gib=_available_gib())


def _available_gib() -> float:
    """MemAvailable (what can be had without swapping), in GiB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024**2
    return STACK_GIB  # not Linux: one stack, the safe answer


@dataclass(frozen=True)
class Choice:
    workers: int
    why: str

    def pytest_args(self) -> list[str]:
        return ["-n", str(self.workers)] if self.workers > 1 else []

    def line(self) -> str:
        return f"{self.workers} stack{'s' if self.workers > 1 else ''} ({self.why})"


def choose(run: RunOptions, extra: Sequence[str], machine: Machine) -> Choice | None:
    """The workers for a run, or None when the command line already says (`-n`, `--tx`, `-p no:xdist`)."""
    if any(a in DISTRIBUTED or a.startswith(("-n", "--numprocesses=", "--tx=", "--dist=")) for a in extra) or "no:xdist" in extra:
        return None
    if run["stack"]:
        return Choice(1, f"--stack {run['stack']}: the run uses that stack alone")
    if run["backend_url"]:
        return Choice(1, "--backend-url: one tenant on a backend the harness does not start")
    if run["keep"]:
        return Choice(1, "--keep: one stack to look at afterwards")
    debugging = [a for a in extra if a in DEBUGGING]
    if debugging:
        return Choice(1, f"{debugging[0]}: a person is debugging")
    by_memory = int(machine.free_gib // STACK_GIB)
    modules = _modules(extra)
    workers = max(1, min(machine.cores, by_memory, modules))
    why = f"{machine.cores} cores, {machine.free_gib:.0f} GiB free"
    if workers == by_memory < machine.cores:
        why += f": memory for {by_memory} at about {STACK_GIB:.0f} GiB each"
    elif workers == modules < machine.cores:
        why += f": the run names {modules} module{'s' if modules > 1 else ''}"
    return Choice(workers, why)


def _modules(extra: Sequence[str]) -> int:
    """The test modules the run names (a path, or a node id's module); every scenario module when it names none."""
    named = {a.split("::")[0] for a in extra if a.startswith("scenarios") and a.split("::")[0].endswith(".py")}
    return len(named) if named else len(list((ROOT / "scenarios").glob("test_*.py")))
