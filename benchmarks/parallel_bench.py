#!/usr/bin/env python
"""Parallel stacks on one machine (issue #14): `-n 2` against a serial run, what two workers share,
and what a run interrupted halfway leaves behind.

    .venv/bin/python benchmarks/parallel_bench.py [--smoke] [TESTS ...]

1. The same tests serially and with `-n 2 --dist loadscope` (one stack per pytest-xdist worker):
   every test's status must be the same in both runs' results.json.
2. While the `-n 2` run goes, the engine is read every second: the two workers' stacks must share
   no compose project, no published port and no API key (a tenant lives in its stack's backend).
3. A `-n 2` run sent SIGINT (Ctrl-C) once both stacks are up must leave no container.
4. A `-n 2` run SIGKILLed once both stacks are up leaves its stacks (nothing can clean up after
   SIGKILL); `igny8 sweep` must then leave no container.

Each is printed beside its goal; a goal missed is a figure to read, not a failure of the script.
--smoke: the same four steps on two small modules, to show the benchmark still runs.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from python_on_whales.exceptions import NoSuchContainer

from harness.stack.config import LABEL, ROOT
from harness.stack.engine import Engine, ensure_engine
from harness.stack.stack import STATE_ROOT

DEFAULT_TESTS = ["scenarios/test_quick_sync.py", "scenarios/test_structure.py", "scenarios/test_tab.py", "scenarios/test_credentials.py"]
# Two modules, one per worker (--dist loadscope), each long enough to be running when the signal comes.
SMOKE_TESTS = ["scenarios/test_content_sync.py", "scenarios/test_cron.py"]
# As ./igny8 runs pytest: with bytecode caches (the machine may set PYTHONDONTWRITEBYTECODE).
PYTEST_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def pytest_command(tests: list[str], report_dir: Path, workers: int) -> list[str]:
    parallel = ["-n", str(workers), "--dist", "loadscope"] if workers > 1 else []
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests, *parallel, "--igny8-no-rerun", f"--igny8-report-dir={report_dir}"]


def statuses(report_dir: Path) -> dict[str, str]:
    return {t["nodeid"]: t["status"] for t in json.loads((report_dir / "results.json").read_text())["tests"]}


def stacks_now(engine: Engine) -> dict[str, dict[str, set[str]]]:
    """{project: {"ports": host ports it publishes, "keys": its API keys: the stack's and its tenants'}} of running stacks."""
    found: dict[str, dict[str, set[str]]] = {}
    for container in engine.client.container.list(filters={"label": LABEL}):
        try:  # inspected apart from the listing: a stack removed in between is gone
            labels, ports = container.config.labels or {}, container.network_settings.ports or {}
        except NoSuchContainer:
            continue
        project = labels.get("com.docker.compose.project")
        if not project:
            continue
        stack = found.setdefault(project, {"ports": set(), "keys": set()})
        for bindings in ports.values():
            stack["ports"] |= {b["HostPort"] for b in bindings or []}
        stack["keys"] |= api_keys(STATE_ROOT / project)
    return found


def api_keys(state: Path) -> set[str]:
    """The API keys a stack's state folder holds: the stack's own and its tenants'."""
    env_file, tenants = state / "stack.env", state / "tenants.json"  # harness/stack: write_env_file (KEY=<json>), harness_tenant
    keys: set[str] = set()
    try:
        if env_file.is_file():
            keys |= {json.loads(line.split("=", 1)[1]) for line in env_file.read_text().splitlines() if line.startswith("IGNY8_API_KEY=")}
        if tenants.is_file():
            keys |= {tenant["api_key"] for tenant in json.loads(tenants.read_text()).values()}
    except (FileNotFoundError, ValueError):  # removed, or being written, as it was read: the next look sees it
        pass
    return keys


def shared_between(seen: list[dict[str, dict[str, set[str]]]]) -> tuple[int, dict[str, int]]:
    """The most stacks seen at once, and how many ports and keys two stacks seen at once shared."""
    most, shared = 0, {"ports": 0, "keys": 0}
    for snapshot in seen:
        most = max(most, len(snapshot))
        names = sorted(snapshot)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                for what in shared:
                    shared[what] = max(shared[what], len(snapshot[a][what] & snapshot[b][what]))
    return most, shared


def wait_for_stacks(engine: Engine, count: int, timeout: float, run: subprocess.Popen[bytes]) -> bool:
    """True once `count` stacks have every container running and pytest has had time to use them;
    False if they never were while `run` went on."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and run.poll() is None:
        running = stacks_now(engine)
        if len(running) >= count and all(len(s["ports"]) >= 3 for s in running.values()):
            time.sleep(5)  # into the tests, not still in `up`
            return True
        time.sleep(1)
    return False


def containers_left(engine: Engine) -> int:
    return len(engine.labelled_containers(LABEL))


def interrupted_run(engine: Engine, tests: list[str], work: Path, how: signal.Signals) -> tuple[bool, int]:
    """A `-n 2` run sent `how` once both stacks are up: (did both stacks come up, containers left)."""
    command = pytest_command(tests, work / how.name, 2)
    child = subprocess.Popen(command, cwd=ROOT, env=PYTEST_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    came_up = wait_for_stacks(engine, 2, 300, child)
    try:
        os.killpg(child.pid, how)  # the whole group, as a terminal's Ctrl-C or an OOM kill of a CI job would
    except ProcessLookupError:  # the run ended first: nothing was interrupted (came_up says so)
        pass
    try:
        child.wait(timeout=180)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    time.sleep(2)
    return came_up, containers_left(engine)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tests", nargs="*", help=f"test files or node ids (default: {' '.join(DEFAULT_TESTS)})")
    parser.add_argument("--smoke", action="store_true", help=f"on {' and '.join(SMOKE_TESTS)} only: the same steps in the least time")
    args = parser.parse_args()
    args.tests = args.tests or (SMOKE_TESTS if args.smoke else DEFAULT_TESTS)
    engine = ensure_engine()
    if containers_left(engine):
        print("skipped: other harness stacks are running: `igny8 down --all` first, so that what this counts is this run's")
        return 0
    rows: list[tuple[str, object, object]] = []
    with tempfile.TemporaryDirectory(prefix="igny8-parallel-") as tmp:
        work = Path(tmp)
        start = time.perf_counter()
        serial_exit = subprocess.call(pytest_command(args.tests, work / "serial", 1), cwd=ROOT, env=PYTEST_ENV, stdout=subprocess.DEVNULL)
        rows.append((f"serial run: exit status ({time.perf_counter() - start:.0f} s)", serial_exit, 0))

        seen: list[dict[str, dict[str, set[str]]]] = []
        done = threading.Event()
        broke: list[Exception] = []

        def watch() -> None:
            try:
                while not done.is_set():
                    seen.append(stacks_now(engine))
                    time.sleep(1)
            except Exception as exc:  # raised in the main thread below: a watch that stopped would count nothing more
                broke.append(exc)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        start = time.perf_counter()
        parallel_exit = subprocess.call(pytest_command(args.tests, work / "parallel", 2), cwd=ROOT, env=PYTEST_ENV, stdout=subprocess.DEVNULL)
        done.set()
        watcher.join()
        if broke:
            raise RuntimeError("reading the engine during the -n 2 run failed") from broke[0]
        rows.append((f"-n 2 run: exit status ({time.perf_counter() - start:.0f} s)", parallel_exit, 0))
        serial, parallel = statuses(work / "serial"), statuses(work / "parallel")
        differ = sorted(n for n in serial.keys() | parallel.keys() if serial.get(n) != parallel.get(n))
        for nodeid in differ:
            print(f"  differs: {nodeid}: serial {serial.get(nodeid)}, -n 2 {parallel.get(nodeid)}")
        rows.append((f"tests whose status differs ({len(serial)} tests)", len(differ), 0))
        most, shared = shared_between(seen)
        rows.append(("stacks seen at once during -n 2", most, 2))
        rows.append(("published ports two stacks shared", shared["ports"], 0))
        rows.append(("API keys (tenants) two stacks shared", shared["keys"], 0))
        rows.append(("containers left after the -n 2 run", containers_left(engine), 0))

        came_up, left = interrupted_run(engine, args.tests, work, signal.SIGINT)
        rows.append((f"containers left after SIGINT ({'both stacks were up' if came_up else 'stacks never came up'})", left, 0))
        came_up, left = interrupted_run(engine, args.tests, work, signal.SIGKILL)
        rows.append((f"containers a SIGKILLed run leaves ({'both stacks were up' if came_up else 'stacks never came up'})", left, None))
        subprocess.call([sys.executable, "-m", "harness.cli", "sweep"], cwd=ROOT, stdout=subprocess.DEVNULL)
        rows.append(("containers left after SIGKILL, then `igny8 sweep`", containers_left(engine), 0))

    print(f"\n{'what':64} {'measured':>8} {'goal':>6}")
    for what, measured, goal in rows:
        verdict = "" if goal is None else "meets" if measured == goal else "MISSES"
        print(f"{what:64} {measured!s:>8} {'' if goal is None else goal!s:>6}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
