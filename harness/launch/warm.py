"""pytest in a warm interpreter: a process forked from one that has already imported the libraries
every run imports, instead of a new Python that imports them all again (issue #14).

`./igny8 test` starts about seventy pytest runs side by side with its stacks (each lane's suites, and
every mutant of the hunt). A new interpreter spent about 2.5 s of a 2-core machine's CPU on imports
(Docker's client and its pydantic models, Playwright, pytest) before its first test. The standard
library's fork server imports them once, and each run is forked from it: about 1 s.

Only libraries that pytest never rewrites are imported ahead. pytest rewrites the asserts of test
modules, conftest files and every module of a plugin's distribution (Hypothesis's, whose plugin
ships with it), and it cannot rewrite a module imported before it started. For the same reason
this module imports nothing but the standard library, and the command line does not import
Hypothesis (harness.generate.profiles): each run imports both before pytest starts.
"""

from __future__ import annotations

import faulthandler
import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Mapping, Sequence
from functools import cache
from multiprocessing.context import ForkServerContext, ForkServerProcess
from pathlib import Path

# Imported once, by the fork server. Not Hypothesis, and no plugin's own module (see above).
IMPORTED_AHEAD = (
    "pytest",
    "python_on_whales",
    "playwright.sync_api",
    "requests",
    "psycopg",
    "trustme",
    "jsonschema",
    "bs4",
    "bs4.builder",
    "soupsieve.css_parser",
    "allure_commons",
    "jinja2",
    "yaml",
    "execnet",
    "django",
)


# The harness itself is imported ahead of pytest in a run: this module, and the command line, which
# multiprocessing imports again in every run it forks. pytest warns that it cannot rewrite it; it
# never does in the editable install the harness runs from (the install's own finder loads the
# harness, not pytest's hook), so nothing is lost, and the warning in every run's log is noise.
HARNESS_IMPORTED_AHEAD = "ignore:Module already imported so cannot be rewritten; harness:pytest.PytestAssertRewriteWarning"


@cache
def _fork_server() -> ForkServerContext:
    """Started on the first run; it ends with this process (multiprocessing closes it)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(IMPORTED_AHEAD))
    return context


def start_pytest(args: Sequence[str], cwd: Path, env: Mapping[str, str], log: Path) -> ForkServerProcess:
    """A pytest run over `args`, started in `cwd` with exactly `env`, its output written to `log`.
    It is in this process group, as a subprocess would be: Ctrl-C reaches it, and it removes its stacks."""
    process = _fork_server().Process(target=_pytest_main, args=(list(args), str(cwd), dict(env), str(log)), name="pytest")
    process.start()
    return process


def exit_status(process: ForkServerProcess) -> int:
    """pytest's exit status, when the run is over (minus the signal's number if one ended it)."""
    process.join()
    assert process.exitcode is not None
    return process.exitcode


def _pytest_main(args: list[str], cwd: str, env: dict[str, str], log: str) -> None:
    # What the fork server imported is never garbage: set apart, the collector skips it. pytest's
    # own full collection at the end took 0.13 s over it, twice a run.
    gc.freeze()
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    output = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(output)
    import pytest  # the fork server's: already imported

    status = int(pytest.main([*args, "-W", HARNESS_IMPORTED_AHEAD]))
    name_the_threads_left()
    sys.exit(status)


def name_the_threads_left() -> None:
    """The process ends only once every non-daemon thread has (multiprocessing joins them), and its
    lane waits for it: a thread a test left running holds both. One mutant's run of `./igny8 test`
    ended about 6 minutes after writing its report, in two CI runs, and in none alone. So the log
    names each such thread, with where it is."""
    left = [t for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon and t.is_alive()]
    if left:
        print(f"[igny8] pytest is over; this process ends when these threads do: {', '.join(t.name for t in left)}", flush=True)
        faulthandler.dump_traceback(all_threads=True)
