"""Running the conformance suite in a pytest process, with its results in one run folder."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from harness.base.paths import REPORTS, ROOT
from harness.base.progress import say
from harness.launch import warm
from harness.runs.options import RunOptions, pytest_args


def new_run_dir(suffix: str = "") -> Path:
    run_id = datetime.now(UTC).strftime("%Y%m%d-%H%M%S") + (f"-{suffix}" if suffix else "")
    path = REPORTS / run_id
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_suite(run_dir: Path, options: RunOptions, extra: Sequence[str] = (), env: Mapping[str, str] | None = None, quiet: bool = False) -> int:
    """Runs pytest over scenarios/ (or the tests named in `extra`) writing every output into
    run_dir; returns pytest's exit status. `env` is added to the environment (a backend's key).
    `quiet`: pytest's own output goes to run_dir/pytest.log, not the terminal (runs side by side),
    and the run is forked from a warm interpreter (harness.launch.warm), which spares it the imports."""
    named = [a for a in extra if a.startswith("scenarios")]
    # A seed always, so the report can name it and a failure can be replayed exactly.
    seed = [] if any(a.startswith("--hypothesis-seed") for a in extra) else [f"--hypothesis-seed={random.randrange(2**32)}"]
    args = [
        *([] if named else ["scenarios"]),
        *pytest_args(options.replace(report_dir=str(run_dir))),
        *seed,
        *extra,
    ]
    environment = {**os.environ, **(env or {})}
    if not quiet:  # at the terminal: a new Python, which keeps stdin (--pdb) and its output live
        with subprocess.Popen([sys.executable, "-m", "pytest", *args], cwd=ROOT, env=environment) as child:
            return _until_done(child.wait)
    run_dir.mkdir(parents=True, exist_ok=True)
    run = warm.start_pytest(args, ROOT, environment, run_dir / "pytest.log")
    return _until_done(lambda: warm.exit_status(run))


def _until_done(wait: Callable[[], int]) -> int:
    """pytest's exit status. On Ctrl-C, pytest (in our process group) got it too and is removing its
    stacks: wait for that rather than kill it (subprocess.call would), then stop. A second Ctrl-C
    abandons them to `igny8 sweep`."""
    try:
        return wait()
    except KeyboardInterrupt:
        say("interrupted: the run is removing its stacks (Ctrl-C again to leave them to `igny8 sweep`)")
        wait()
        raise
