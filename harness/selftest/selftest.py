"""The self-test: does the suite catch bugs? Against one stack it runs the whole suite on the
reference (which must pass: a broken stack must never "kill" every mutant), then the suite on each
mutant of reference/mutants/, put in place on the stack the way `igny8 run --stack NAME --plugin DIR`
does it. A mutant is killed only **on target**: one of the requirements it names fails. Other
requirements that fail are reported as collateral.

Fast mode (the default, and `./igny8 test`): a mutant's on-target tests run first and stop at the
first failure; only a survivor is run against the whole suite, to show what else it breaks.
`--full` runs the whole suite for every mutant. Writes reports/<id>-selftest/ with selftest.json and
its page, selftest.html (harness.outputs.selftest_html): the self-test's verdict, each mutant with links
to its runs, and which mutants each requirement's tests caught."""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.base.progress import say, step
from harness.judge.session import REFERENCE_OBSERVER
from harness.launch.runner import new_run_dir, run_suite
from harness.outputs import selftest_html
from harness.outputs.report_html import load
from harness.runs.options import RunOptions
from harness.selftest import mutants as mutants_module
from harness.stack.config import REFERENCE_BACKEND_IMAGE, REFERENCE_PLUGIN
from harness.stack.stack import Wanted, running_stack


@dataclass
class MutantResult:
    mutant: str
    side: str
    kills: list[str]
    on_target: list[str]  # named requirements that failed
    collateral: list[str] | None  # other requirements that failed; None: not measured (fast mode, killed)
    runs: list[str] = field(default_factory=list)
    error: str = ""  # why the mutant could not be tested (then it is not killed)

    @property
    def killed(self) -> bool:
        return bool(self.on_target)


class SelftestError(RuntimeError):
    pass


def _failed(run_dir: Path) -> set[str]:
    """Requirements whose tests failed or could not be set up: the reference passed on the same
    stack, so either comes from the mutant (its Connect button gone, say, breaks every setup)."""
    return {r["id"] for r in load(run_dir)["requirements"] if r["status"] in ("FAIL", "ERROR")}


def _ran_what_was_named(run_dir: Path, plugin_dir: Path, backend_image: str) -> None:
    """The run's own record of what it tested must name the mutant: proof that --stack with
    --plugin or --backend-image tests the build it names (issue: a run tests the build it names)."""
    system = load(run_dir)["run"].get("system", {})
    ran = (system.get("plugin", {}).get("dir"), system.get("backend", {}).get("image"))
    if ran != (str(plugin_dir.resolve()), backend_image):
        raise SelftestError(f"{run_dir.name} was to test plugin {plugin_dir} and backend {backend_image}, but its stack ran {ran}")


def selftest(
    names: Sequence[str] | None = None,
    wp: str | None = None,
    php: str | None = None,
    full: bool = False,
    on_result: Callable[[list[dict[str, Any]]], None] | None = None,
    stack_name: str | None = None,
    reference: Path | None = None,
    workers: int = 1,
    room_for_more: Callable[[], object] | None = None,
) -> int:
    """On `stack_name` (else a new stack); `reference` is a whole-suite run of the reference on that
    stack already made (else one is made first). With `workers` > 1, more stacks are made, each
    checked with QUICK-SYNC-TEST on the reference first, and the mutants shared out between them;
    `room_for_more` blocks until the machine has room for them (`igny8 test`: its other lane is done)."""
    chosen = mutants_module.load_all(names)
    out = new_run_dir("selftest")
    base = RunOptions({"wp": wp, "php": php, "no_allure_html": True})
    results: list[MutantResult] = []
    with running_stack(Wanted(wordpress=wp, php=php), attach=stack_name) as stack:
        if reference is None:
            reference = out / "reference"
            with step("the whole suite on the reference: it must pass before any mutant counts"):
                run_suite(reference, base.replace(stack=stack.name, plugin=str(REFERENCE_PLUGIN), backend_image=REFERENCE_BACKEND_IMAGE), ["-q", "--tb=line"])
        verdict = load(reference)["run"]["verdict"]
        if verdict != "PASS":
            print(f"\nthe reference run is {verdict}, not PASS: the self-test measures nothing on a broken stack ({reference / 'report.html'})")
            return _report([], out, None, reference, full, chosen)
        waiting = deque(chosen)

        def hunt(stack_name: str) -> None:
            on_stack = base.replace(stack=stack_name)
            while waiting:
                results.append(_run_mutant(waiting.popleft(), on_stack, out, full))

        def hunt_on_a_new_stack(_: int) -> None:
            if room_for_more:
                room_for_more()
            if not waiting:
                return
            with running_stack(Wanted(wordpress=wp, php=php)) as extra:
                smoke = out / f"reference-{extra.name}"
                run_suite(smoke, base.replace(stack=extra.name), ["-q", "--tb=line", "scenarios/test_quick_sync.py"], quiet=True)
                if any(t["status"] != "PASS" for t in load(smoke)["tests"]):
                    say(f"{extra.name} does not pass QUICK-SYNC-TEST on the reference: it hunts no mutant")
                    return
                hunt(extra.name)

        with ThreadPoolExecutor(workers) as pool:
            done = [pool.submit(hunt, stack.name), *(pool.submit(hunt_on_a_new_stack, n) for n in range(1, workers))]
            for future in done:
                future.result()
    results.sort(key=lambda r: [m.name for m in chosen].index(r.mutant))
    return _report(results, out, on_result, reference, full, chosen)


def _run_mutant(mutant: mutants_module.Mutant, on_stack: RunOptions, out: Path, full: bool) -> MutantResult:
    if mutant.side == "plugin":
        plugin_dir, image = mutants_module.make_plugin(mutant, out / "plugins" / mutant.name), REFERENCE_BACKEND_IMAGE
    else:
        plugin_dir, image = REFERENCE_PLUGIN, mutants_module.build_backend(mutant)
    # Named on the command line, with --stack: the run itself puts the mutant in place.
    # A mutant's failure is the bug it plants: re-running it on a fresh reset only costs time.
    named = on_stack.replace(plugin=str(plugin_dir), backend_image=image, backend_observer=str(REFERENCE_OBSERVER), no_rerun=True)
    result = MutantResult(mutant.name, mutant.side, mutant.kills, [], None)
    try:
        _hunt(mutant, result, named, plugin_dir, image, out, full)
    except SelftestError as exc:  # the run did not test the mutant: it cannot count as a kill
        say(str(exc))
        result.on_target, result.error = [], str(exc)
    return result


def _hunt(mutant: mutants_module.Mutant, result: MutantResult, named: RunOptions, plugin_dir: Path, image: str, out: Path, full: bool) -> None:
    with step(f"mutant {mutant.name} ({mutant.side}): {mutant.description}"):
        if not full:
            target_dir = out / f"{mutant.name}-on-target"
            # Negative cases first, no shrinking, stop at the first failure: a kill is all this run needs.
            run_suite(target_dir, named.replace(requirements=",".join(mutant.kills), profile="kill", negative_first=True), ["-q", "--tb=no", "-x"], quiet=True)
            _ran_what_was_named(target_dir, plugin_dir, image)
            result.runs.append(target_dir.name)
            result.on_target = sorted(_failed(target_dir) & set(mutant.kills))
        if full or not result.killed:
            whole_dir = out / mutant.name
            run_suite(whole_dir, named, ["-q", "--tb=no"], quiet=True)
            _ran_what_was_named(whole_dir, plugin_dir, image)
            result.runs.append(whole_dir.name)
            failed = _failed(whole_dir)
            result.on_target = sorted(failed & set(mutant.kills))
            result.collateral = sorted(failed - set(mutant.kills))


def _report(
    results: list[MutantResult],
    out: Path,
    on_result: Callable[[list[dict[str, Any]]], None] | None,
    reference: Path,
    full: bool = False,
    chosen: Sequence[mutants_module.Mutant] = (),
) -> int:
    """selftest.json, its page (selftest.html) and the console's table; returns the exit status, which both record."""
    described = {m.name: m.description for m in chosen}
    rows = [{**asdict(r), "killed": r.killed, "description": described.get(r.mutant, "")} for r in results]
    killed = sum(r.killed for r in results)
    rate = killed / len(results) if results else 0.0
    survivors = [r.mutant for r in results if not r.killed]
    status = 0 if results and not survivors else 1
    summary = {
        "kill_rate": rate,
        "exit_status": status,
        "full": full,
        "available": len(list(mutants_module.MUTANTS.glob("*/*.yaml"))),
        "reference": os.path.relpath(reference, out),  # relative: the folder reads the same once reports/ is copied elsewhere
        "mutants": rows,
    }
    (out / "selftest.json").write_text(json.dumps(summary, indent=2))
    page = selftest_html.write_page(out)
    if not results:  # the reference did not pass (it has said so): no mutant to list
        print(f"self-test page: {page}")
        return status
    print(f"\n{'mutant':34} {'side':8} {'on target':24} {'collateral':28} verdict")
    for r in results:
        collateral = r.error[:60] if r.error else "not measured (killed first)" if r.collateral is None else ", ".join(r.collateral) or "none"
        print(f"{r.mutant:34} {r.side:8} {', '.join(r.on_target) or '-':24} {collateral:28} {'KILLED' if r.killed else 'SURVIVED'}")
    print(f"\nkilled on target {killed}/{len(results)} = {rate:.0%}\nself-test page: {page}")
    if survivors:
        say(f"survivors: {', '.join(survivors)}")
    if on_result:
        on_result(rows)
    return status
