"""Running the conformance suite in a pytest process, with its results in one run folder."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from harness.base import cancel
from harness.base.paths import REPORTS, ROOT
from harness.base.progress import say
from harness.launch import warm
from harness.launch.salvage import how_it_ended, salvage
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
    cancel.stop_if_cancelled()  # a lane's next run, after the process was cancelled
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
            status = _until_done(child.pid, child.wait)
    else:
        run_dir.mkdir(parents=True, exist_ok=True)
        run = warm.start_pytest(args, ROOT, environment, run_dir / "pytest.log")
        assert run.pid is not None
        status = _until_done(run.pid, lambda: warm.exit_status(run))
    if status < 0:  # ended by a signal: as a shell says it, 128 + its number
        status = 128 - status
    if status and not (run_dir / "results.json").exists() and salvage(run_dir, status, options):
        say(f"{how_it_ended(status)}: {run_dir / 'results.json'} holds what it finished, the rest NOT RUN")
    return status


def _until_done(pid: int, wait: Callable[[], int]) -> int:
    """pytest's exit status. On Ctrl-C, SIGTERM or SIGHUP (harness.base.cancel), pytest got the
    signal too (from its process group, or forwarded from here) and is removing its stacks: wait for
    that rather than kill it (subprocess.call would), then stop. A second signal abandons them to
    the next run's sweep."""
    cancel.forward_to(pid)
    try:
        status = wait()
        cancel.stop_if_cancelled()  # a run in another thread than the one the signal reached
        return status
    except KeyboardInterrupt as interrupt:
        say(f"{cancel.signal_name(interrupt)}: the run is removing its stacks (a second signal leaves them to `igny8 sweep`)")
        wait()
        raise
    finally:
        cancel.forget(pid)
