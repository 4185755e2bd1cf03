"""The self-test: the suite against each mutant, on one stack; every mutant must be caught by
the requirement it breaks. Writes reports/<id>-selftest/ with a side-by-side page and the kill rate."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import mutants as mutants_module
from .options import RunOptions
from .outputs.report_html import load, render_html
from .progress import say, step
from .runner import new_run_dir, run_suite
from .stack.config import REFERENCE_BACKEND_IMAGE, REFERENCE_PLUGIN, StackConfig
from .stack.stack import running_stack


def selftest(names: Sequence[str] | None = None, wp: str | None = None, on_result: Callable[[list[dict[str, Any]]], None] | None = None) -> int:
    chosen = mutants_module.load_all(names)
    requirements = sorted({rid for m in chosen for rid in m.kills})
    out = new_run_dir("selftest")
    base = RunOptions({"wp": wp} if wp else {}).replace(no_allure_html=True)
    runs: list[Path] = []
    rows: list[dict[str, Any]] = []
    with running_stack(StackConfig(wordpress=base["wp"])) as stack:
        on_stack = base.replace(stack=stack.name)
        say(f"reference, on the requirements the mutants break: {', '.join(requirements)}")
        reference_dir = out / "reference"
        run_suite(reference_dir, on_stack.replace(requirements=",".join(requirements)), ["-q"])
        runs.append(reference_dir)
        for mutant in chosen:
            with step(f"mutant {mutant.name} ({mutant.side}): {mutant.description}"):
                if mutant.side == "plugin":
                    stack.replace(plugin_dir=str(mutants_module.make_plugin(mutant, out / "plugins" / mutant.name)))
                else:
                    stack.replace(backend_image=mutants_module.build_backend(mutant))
                run_dir = out / mutant.name
                run_suite(run_dir, on_stack.replace(requirements=",".join(mutant.kills)), ["-q", "--tb=line"])  # failing is the point
                stack.replace(plugin_dir=str(REFERENCE_PLUGIN), backend_image=REFERENCE_BACKEND_IMAGE)
            statuses = {r["id"]: r["status"] for r in load(run_dir)["requirements"] if r["id"] in mutant.kills}
            killed = any(s == "FAIL" for s in statuses.values())
            rows.append({"mutant": mutant.name, "side": mutant.side, "kills": mutant.kills, "statuses": statuses, "killed": killed})
            runs.append(run_dir)
    render_html(out / "selftest.html", [load(r) for r in runs], runs_root=out)
    rate = sum(r["killed"] for r in rows) / len(rows) if rows else 0.0
    (out / "selftest.json").write_text(json.dumps({"kill_rate": rate, "mutants": rows}, indent=2))
    print(f"\n{'mutant':32} {'side':8} {'must break':22} verdict")
    for r in rows:
        shown = ", ".join(f"{rid} {st}" for rid, st in r["statuses"].items())
        print(f"{r['mutant']:32} {r['side']:8} {shown:22} {'KILLED' if r['killed'] else 'SURVIVED'}")
    print(f"\nkill rate {sum(r['killed'] for r in rows)}/{len(rows)} = {rate:.0%}\nside by side: {out / 'selftest.html'}")
    if on_result:
        on_result(rows)
    return 0 if rows and all(r["killed"] for r in rows) else 1
