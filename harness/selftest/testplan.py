"""What `./igny8 test` runs, with one closing line: the harness's and the backend's own tests, with the
harness's types checked beside them; then two lanes at once. One: the conformance suite against the
reference on the newest matrix cell, then the self-test on its stack. The other: a backend-only run
without an observer (which must not pass), field reports reproduced from files (a planted bug found,
none on the reference), the suite against another build of both sides (a plugin written from spec/
alone, and a backend with other table names, through its observer), the suite against a backend
written from spec/ alone on another framework (reference/backend-alt/, through its own observer, the
reference plugin in front of it), then the reference on the
oldest cell on the shop-shaped site profile with a third-party-style plugin and a busy wp-admin beside
it, then (where the corpus's files are on the machine) the site and admin modules on the newest cell
with every real plugin of the corpus active; then a stack
of its own joins the mutant hunt. The hunt is on the covering sample (harness.selftest.mutants.covering): one
mutant of each requirement and state; every mutant runs in `./igny8 selftest`, the nightly's. Last,
the two reference cells are merged into one report and put to the release gate. Then every script in
benchmarks/ runs in smoke mode (`--smoke`), one after the other, so that none rots unseen."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from harness.base.paths import ROOT
from harness.launch.runner import new_run_dir, run_suite
from harness.outputs.report_html import load
from harness.runs.options import RunOptions
from harness.selftest import devdb, mutants
from harness.selftest.selftest import selftest
from harness.selftest.totals import Totals
from harness.stack import corpus
from harness.stack.config import MATRICES, REFERENCE_BACKEND_IMAGE, REFERENCE_PLUGIN, Cell
from harness.stack.images import backend_image, independent_backend
from harness.stack.stack import Wanted, running_stack

ALT_PLUGIN = ROOT / "reference" / "igny8-wp-plugin-alt"
EXAMPLE_SITE_PLUGIN = ROOT / "fixtures" / "plugins" / "igny8-example-site"  # a third-party-style plugin (fixtures/README.md)
NOISY_ADMIN_PLUGIN = ROOT / "fixtures" / "plugins" / "igny8-noisy-admin"  # wp-admin as busy plugins make it (redirect, notices, dialog)
BUSY_SITE = ROOT / "fixtures" / "sites" / "busy.yaml"  # every plugin of the corpus at once (fixtures/plugins/corpus.json)
# With every corpus plugin active, the modules about the site and the admin screen: the whole suite
# there would add ~7 minutes to a run that must stay under 25; the nightly runs it whole on every cell.
BUSY_SUBSET = "quick_sync or structure or labels or states or real_sites or site_profile"
FIELD_REPORTS = ROOT / "fixtures" / "field-reports"
SHOP_SITE = ROOT / "fixtures" / "sites" / "shop.yaml"  # the shape a strict schema refused (fixtures/README.md)
FIELD_REPORT_MUTANT = "counts-off-by-one"  # a bug a customer's config_json or diagnostics would show
# Two stacks hunt mutants at once (the second once the other lane is done): the runs mostly wait on
# HTTP, PHP and the databases, so a second stack nearly halves the self-test on two cores.
SELFTEST_WORKERS = 2
BENCHMARKS = ROOT / "benchmarks"
# A script has a main; a module the benchmarks import (machine_cpu.py) has none and is not run.
SCRIPT = re.compile(r"""^if __name__ == ["']__main__["']:""", re.MULTILINE)
SMOKE_TIMEOUT = 600.0  # seconds: a smoke run takes seconds to a minute; one still going after this broke


ON_STACK = ROOT / "tests" / "onstack"  # the harness's tests that start real stacks: a lane runs them, not --unit
# import-linter's command, with no cache folder left in the checkout (it reads harness/ in about a second).
LINT_IMPORTS = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"]


def section(title: str) -> None:
    print(f"== {datetime.now():%H:%M:%S} {title}", flush=True)


def unit(pytest_args: Sequence[str], totals: Totals) -> int:
    """tests/, with mypy beside it on the other core (each is one busy process); mypy's output after,
    then the layers' contracts (import-linter)."""
    section("the harness's and the backend's tests (tests/), and the harness's types (mypy harness/) beside them")
    given = os.environ.get("DATABASE_URL")  # a database the caller runs is left running; ours is stopped after
    env = {**os.environ, "DATABASE_URL": given or devdb.start()}
    junit = ROOT / "reports" / "unit" / "junit.xml"  # a folder: reports/*/ is git-ignored
    try:
        with subprocess.Popen([sys.executable, "-m", "mypy", "harness"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as mypy:
            status = subprocess.call([sys.executable, "-m", "pytest", "tests", f"--ignore={ON_STACK}", f"--junitxml={junit}", *pytest_args], cwd=ROOT, env=env)
            typed_output, _ = mypy.communicate()
    finally:
        if not given:
            devdb.stop()  # every ./igny8 test left its PostgreSQL running
    totals.add_junit(junit)
    section("the harness's types (mypy harness/)")
    print(typed_output, end="", flush=True)
    totals.add_check("mypy", mypy.returncode == 0)
    section("the harness's layers (import-linter's contracts in pyproject.toml)")
    layered = subprocess.call(LINT_IMPORTS, cwd=ROOT)
    totals.add_check("import-linter", layered == 0)
    return status or mypy.returncode or layered


def conformance(totals: Totals) -> int:
    """Two lanes at once, each on stacks of its own. One suite run keeps about two thirds of the two
    cores busy (the rest is waiting on HTTP, PHP and the databases), so a second lane fills the gap.
    The reference lane's one suite run is the baseline the hunt needs, so the hunt starts after it,
    on one stack, while the other lane runs its two (another build, the oldest cell); a second stack
    joins the hunt when that lane is done. A third lane (the oldest cell on its own) was tried: the
    three suite runs took 623-825 s each where two lanes take 440-540 s, three scale tests missed
    their ceilings (PERF-1, PERF-2), and nothing ended sooner: two lanes already use the cores."""
    other_builds_done = threading.Event()
    newest, oldest = MATRICES["edges"][-1], MATRICES["edges"][0]
    cells = {cell.name: new_run_dir(f"reference-{cell.name}") for cell in (newest, oldest)}
    with ThreadPoolExecutor(2) as lanes:
        other = lanes.submit(_other_builds_lane, totals, oldest, cells[oldest.name], newest)
        other.add_done_callback(lambda _: other_builds_done.set())  # also when it fails: never a deadlock
        reference = lanes.submit(_reference_lane, totals, newest, cells[newest.name], other_builds_done.wait)
        status = reference.result() | other.result()
    return status | _gate_edges(totals, list(cells.values()))


def _reference_lane(totals: Totals, cell: Cell, reference_run: Path, room_for_more: Callable[[], object]) -> int:
    with running_stack(Wanted(wordpress=cell.wordpress, php=cell.php)) as stack:
        reference = RunOptions({"stack": stack.name, "plugin": str(REFERENCE_PLUGIN), "backend_image": REFERENCE_BACKEND_IMAGE})
        status = _suite(totals, f"the conformance suite against the reference on {cell.name} (scenarios/)", reference_run, reference)
        sample = [m.name for m in mutants.covering(mutants.load_all())]
        section(f"the self-test: the suite against {len(sample)} mutants, one of each requirement and state (reference/mutants/)")
        hunted = selftest(
            sample, on_result=totals.add_mutants, stack_name=stack.name, reference=reference_run, workers=SELFTEST_WORKERS, room_for_more=room_for_more
        )
        return status | hunted


def _other_builds_lane(totals: Totals, oldest: Cell, oldest_run: Path, newest: Cell) -> int:
    with running_stack() as stack:
        status = _incomplete_without_observer(stack.urls.backend, stack.ca_path, stack.secrets.api_key, totals)
        status |= _field_reports(stack.name, totals)
    status |= _harness_on_stacks(totals)
    # Another vendor's build of both sides at once: whatever the suite took from the reference's
    # plugin or from its table names fails here. Other table names are another database layout:
    # a backend on a database of its own, so on a stack of its own.
    image, observer = backend_image.variant(backend_image.RENAMED_TABLES)
    other_build = RunOptions({"plugin": str(ALT_PLUGIN), "backend_image": image, "backend_observer": str(observer), "no_allure_html": True})
    title = (
        f"the conformance suite against another build: a plugin written from spec/ alone ({ALT_PLUGIN.relative_to(ROOT)})"
        f" and a backend with other table names ({image}, observed through {observer.name})"
    )
    status |= _suite(totals, title, new_run_dir("other-build"), other_build)
    # A backend written from spec/ alone on another framework, with the reference plugin in front of it:
    # whatever the suite takes from the reference backend's choices (markup, wording, formats, tables) fails here.
    image, observer = independent_backend.ensure()
    independent = RunOptions({"backend_image": image, "backend_observer": str(observer), "no_allure_html": True})
    source = independent_backend.SOURCE.relative_to(ROOT)
    title = f"the conformance suite against an independent backend ({source}: Flask, from spec/ alone), observed through its own {observer.name}"
    status |= _suite(totals, title, new_run_dir("independent-backend"), independent)
    # The oldest WordPress and PHP, on a shop-shaped site (attribute taxonomies named in upper case
    # and other scripts), with a third-party plugin's late types, public status and markup labels beside it,
    # and a wp-admin as busy plugins make it (a first-run redirect, foreign notices, a dialog, Settings moved).
    extras = (str(EXAMPLE_SITE_PLUGIN), str(NOISY_ADMIN_PLUGIN))
    oldest_options = RunOptions({"wp": oldest.wordpress, "php": oldest.php, "site": str(SHOP_SITE), "with_plugin": extras, "no_allure_html": True})
    site = f"{SHOP_SITE.relative_to(ROOT)} with {EXAMPLE_SITE_PLUGIN.name} and {NOISY_ADMIN_PLUGIN.name}"
    status |= _suite(totals, f"the conformance suite against the reference on {oldest.name}, the oldest cell, on {site}", oldest_run, oldest_options)
    return status | _busy_site(totals, newest)


def _busy_site(totals: Totals, cell: Cell) -> int:
    """The reference on `cell` with every corpus plugin active (fixtures/sites/busy.yaml): the modules about
    the site and the admin screen (BUSY_SUBSET). The corpus's files are not the project's to commit: on a
    machine without them this says so, NOT APPLICABLE, and counts nothing."""
    absent = [entry.missing() for entry in corpus.entries() if entry.missing()]
    title = f"the reference on {cell.name} on {BUSY_SITE.relative_to(ROOT)}, every corpus plugin active (-k '{BUSY_SUBSET}')"
    if absent:
        section(f"{title}: NOT APPLICABLE here: {absent[0]}" + (f" (and {len(absent) - 1} more)" if len(absent) > 1 else ""))
        return 0
    options = RunOptions({"wp": cell.wordpress, "php": cell.php, "site": str(BUSY_SITE), "no_allure_html": True})
    return _suite(totals, title, new_run_dir(f"busy-{cell.name}"), options, ["-k", BUSY_SUBSET])


def _suite(totals: Totals, title: str, run_dir: Path, options: RunOptions, pytest_args: Sequence[str] = ()) -> int:
    """One suite run (whole, unless `pytest_args` select), its pytest output kept in its folder (the lanes
    would interleave it), and one line for it; the tail of that output when it did not pass."""
    section(f"{title}: started")
    status = run_suite(run_dir, options, list(pytest_args), quiet=True)
    totals.add_run(run_dir)
    section(f"{title}: {_summary(run_dir)}")
    if status:
        log = (run_dir / "pytest.log").read_text(errors="replace").splitlines()
        print("\n".join(f"   | {line}" for line in log[-40:]), flush=True)
    return status


def _summary(run_dir: Path) -> str:
    try:
        doc = load(run_dir)
    except FileNotFoundError:
        return f"no results (see {run_dir / 'pytest.log'})"
    statuses = Counter(t["status"] for t in doc["tests"])
    counts = ", ".join(f"{n} {s.lower()}" for s, n in sorted(statuses.items()))
    return f"{doc['run']['verdict']}: {counts} in {doc['run']['wall_seconds']:.0f} s ({run_dir / 'report.html'})"


def _incomplete_without_observer(url: str, ca: Path, key: str, totals: Totals) -> int:
    section("a backend-only run with no observer: it must end INCOMPLETE and fail")
    run_dir = new_run_dir("external-no-observer")
    options = RunOptions({"backend_url": url, "backend_ca": str(ca), "no_allure_html": True})
    status = run_suite(run_dir, options, ["-q", "--tb=no"], env={"IGNY8_BACKEND_KEY": key}, quiet=True)
    doc = load(run_dir)
    reasons = {r["id"] for r in doc["requirements"] if r["incomplete"]}
    ok = status != 0 and doc["run"]["verdict"] == "INCOMPLETE" and {"SEC-3", "READ-3"} <= reasons
    print(f"exit {status}, verdict {doc['run']['verdict']}, incomplete: {', '.join(sorted(reasons))} -> {'as it must' if ok else 'WRONG'}")
    totals.add_check("backend-only run without an observer is INCOMPLETE and fails", ok)
    return 0 if ok else 1


def _field_reports(stack_name: str, totals: Totals) -> int:
    """`igny8 repro --from-structure` and `--from-diagnostics`, as a developer types them, on this
    stack: each must find a planted bug (a mutant plugin) from the file alone, and nothing on the reference."""
    section("field reports: a planted bug reproduced from a file, and nothing on the reference")
    planted = mutants.make_plugin(mutants.load_all([FIELD_REPORT_MUTANT])[0], ROOT / "reports" / "field-report-mutant")
    failed = 0
    for flag, path in (("--from-structure", FIELD_REPORTS / "forum-config.json"), ("--from-diagnostics", FIELD_REPORTS / "forum-diagnostics.json")):
        for plugin, expected in ((planted, "REPRODUCED"), (REFERENCE_PLUGIN, "not reproduced")):
            command = [sys.executable, "-m", "harness.cli", "repro", flag, str(path), "--stack", stack_name, "--plugin", str(plugin)]
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
            last = (
                (done.stdout.strip().splitlines() or ["(no output)"])[-1]
                if expected == "not reproduced"
                else next((line for line in done.stdout.splitlines() if line.startswith("REPRODUCED")), "(no REPRODUCED line)")
            )
            ok = done.returncode == (1 if expected == "REPRODUCED" else 0) and last.startswith(expected)
            print(f"repro {flag} {path.name} --plugin {plugin.name}: exit {done.returncode}, {last[:100]} -> {'as it must' if ok else 'WRONG'}", flush=True)
            if not ok:
                print("\n".join(f"   | {line}" for line in (done.stdout + done.stderr).splitlines()[-30:]), flush=True)
            totals.add_check(f"repro {flag} with {plugin.name} says {expected}", ok)
            failed |= not ok
    return int(failed)


def _harness_on_stacks(totals: Totals) -> int:
    """The harness's own tests that need real stacks (tests/onstack/): real `./igny8 run`s cancelled
    by a signal, or killed and then swept by the next run; a failing test's stack logs kept."""
    title = "the harness's tests on real stacks (tests/onstack/): cancelled and killed runs, a failure's stack logs"
    section(f"{title}: started")
    junit = ROOT / "reports" / "onstack" / "junit.xml"
    done = subprocess.run([sys.executable, "-m", "pytest", str(ON_STACK), "-q", "--tb=short", f"--junitxml={junit}"], cwd=ROOT, capture_output=True, text=True)
    totals.add_junit(junit)
    lines = (done.stdout + done.stderr).strip().splitlines() or ["(no output)"]
    section(f"{title}: {lines[-1]}")
    if done.returncode:  # the lanes would interleave a live output: the tail, when it did not pass
        print("\n".join(f"   | {line}" for line in lines[-60:]), flush=True)
    return done.returncode


def _gate_edges(totals: Totals, runs: Sequence[Path]) -> int:
    """The oldest and newest cells in one report, and the release gate's answer on them: the same
    commands a nightly run ends with (ci/)."""
    from harness.outputs.merged_html import write_merged
    from harness.runs.gate import gate

    section("the oldest and newest cells merged, and the release gate on them")
    try:
        merged = write_merged(runs, new_run_dir("edges-merged")).parent
        decision = gate([merged], summary=merged / "summary.md")
    except ValueError as exc:  # a cell wrote no results: its lane has said why
        print(f"no gate: {exc}", flush=True)
        totals.add_check("release gate on the oldest and newest cells", False)
        return 1
    print(decision.answer(), *(f"  {line}" for line in decision.why()), f"report: {merged / 'report.html'}", sep="\n", flush=True)
    totals.add_check("release gate on the oldest and newest cells", decision.releasable)
    return 0 if decision.releasable else 1


def benchmark_scripts(folder: Path = BENCHMARKS) -> list[Path]:
    """The benchmarks in `folder`: every *.py with a `__main__`, whatever its name, so that a new one
    is smoke-run without an edit here."""
    return [path for path in sorted(folder.glob("*.py")) if SCRIPT.search(path.read_text())]


def benchmarks(totals: Totals, folder: Path = BENCHMARKS, timeout: float = SMOKE_TIMEOUT) -> int:
    """Every benchmark in `folder` with `--smoke`: the code path of its figures on the smallest sizes,
    a stack started where it needs one, so one after the other. One check each: it must exit 0, goals
    met or not (a goal is a figure to read); one that cannot run here says "skipped: <why>" and exits 0."""
    failed = 0
    for path in benchmark_scripts(folder):
        section(f"a benchmark in smoke mode: {path.name} --smoke")
        started = time.perf_counter()
        status, skipped, timed_out = _smoke(path, timeout)
        ok = status == 0 and not timed_out
        outcome = f"stopped after {timeout:.0f} s" if timed_out else f"exit {status}" + (f", {skipped}" if skipped else "")
        print(f"{path.name} --smoke: {outcome} in {time.perf_counter() - started:.0f} s -> {'ok' if ok else 'BROKE'}", flush=True)
        totals.add_check(f"{path.name} --smoke", ok)
        failed |= not ok
    return int(failed)


def _smoke(path: Path, timeout: float) -> tuple[int, str, bool]:
    """Runs `path --smoke` from the checkout, its output shown as it comes: (exit status, its
    "skipped: ..." line if it printed one, whether it was stopped for taking longer than `timeout`)."""
    skipped, timed_out = "", threading.Event()
    command = [sys.executable, str(path), "--smoke"]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as run:  # a Ctrl-C here reaches it too
        watchdog = threading.Timer(timeout, _stop, (run, timed_out))
        watchdog.start()
        try:
            assert run.stdout is not None
            for line in run.stdout:
                print(f"   | {line}", end="", flush=True)
                skipped = skipped or (line.strip() if line.startswith("skipped:") else "")
            status = run.wait()
        finally:
            watchdog.cancel()
    return status, skipped, timed_out.is_set()


def _stop(run: subprocess.Popen[str], timed_out: threading.Event) -> None:
    """A smoke run past its time: a Ctrl-C (a stack it made is removed), then SIGKILL a minute later."""
    if run.poll() is not None:  # it ended as the time came
        return
    timed_out.set()
    run.send_signal(signal.SIGINT)
    try:
        run.wait(timeout=60)
    except subprocess.TimeoutExpired:
        run.kill()
