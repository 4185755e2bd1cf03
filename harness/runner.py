"""Running the conformance suite in a pytest process, with its results in one run folder."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from .options import RunOptions, pytest_args
from .progress import say

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports"


def new_run_dir(suffix: str = "") -> Path:
    run_id = datetime.now(UTC).strftime("%Y%m%d-%H%M%S") + (f"-{suffix}" if suffix else "")
    path = REPORTS / run_id
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_suite(run_dir: Path, options: RunOptions, extra: Sequence[str] = (), env: Mapping[str, str] | None = None, quiet: bool = False) -> int:
    """Runs pytest over scenarios/ (or the tests named in `extra`) writing every output into
    run_dir; returns pytest's exit status. `env` is added to the environment (a backend's key).
    `quiet`: pytest's own output goes to run_dir/pytest.log, not the terminal (runs side by side)."""
    named = [a for a in extra if a.startswith("scenarios")]
    # A seed always, so the report can name it and a failure can be replayed exactly.
    seed = [] if any(a.startswith("--hypothesis-seed") for a in extra) else [f"--hypothesis-seed={random.randrange(2**32)}"]
    args = [
        *([] if named else ["scenarios"]),
        *pytest_args(options.replace(report_dir=str(run_dir))),
        *seed,
        *extra,
    ]
    command = [sys.executable, "-m", "pytest", *args]
    if not quiet:
        return _until_done(command, env)
    run_dir.mkdir(parents=True, exist_ok=True)
    with (run_dir / "pytest.log").open("w") as log:
        return _until_done(command, env, log)


def _until_done(command: Sequence[str], env: Mapping[str, str] | None, log: IO[str] | None = None) -> int:
    """pytest's exit status. On Ctrl-C, pytest (in our process group) got it too and is removing its
    stacks: wait for that rather than kill it (subprocess.call would), then stop. A second Ctrl-C
    abandons them to `igny8 sweep`."""
    merged = subprocess.STDOUT if log else None
    with subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=merged) as child:
        try:
            return child.wait()
        except KeyboardInterrupt:
            say("interrupted: the run is removing its stacks (Ctrl-C again to leave them to `igny8 sweep`)")
            child.wait()
            raise
