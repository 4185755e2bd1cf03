"""What `./igny8 test` runs, in order, with one closing line: the harness's and the backend's own
tests, the harness's types, then on one stack the conformance suite against the reference, against
a plugin written from spec/ alone, against a backend with other table names (through its observer),
a backend-only run without an observer (which must not pass), and the self-test."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from . import devdb
from .options import RunOptions
from .outputs.report_html import load
from .runner import ROOT, new_run_dir, run_suite
from .selftest import selftest
from .stack import backend_image
from .stack.config import REFERENCE_BACKEND_IMAGE, REFERENCE_PLUGIN
from .stack.stack import running_stack
from .totals import Totals

ALT_PLUGIN = ROOT / "reference" / "igny8-wp-plugin-alt"
# Two stacks hunt mutants at once: the runs mostly wait on HTTP, PHP and the databases, so a second
# stack nearly halves the self-test on two cores.
SELFTEST_WORKERS = 2


def section(title: str) -> None:
    print(f"== {title}", flush=True)


def unit(pytest_args: Sequence[str], totals: Totals) -> int:
    section("the harness's and the backend's tests (tests/)")
    env = {**os.environ, "DATABASE_URL": os.environ.get("DATABASE_URL") or devdb.start()}
    junit = ROOT / "reports" / "unit" / "junit.xml"  # a folder: reports/*/ is git-ignored
    status = subprocess.call([sys.executable, "-m", "pytest", "tests", f"--junitxml={junit}", *pytest_args], cwd=ROOT, env=env)
    totals.add_junit(junit)
    section("the harness's types (mypy harness/)")
    typed = subprocess.call([sys.executable, "-m", "mypy", "harness"], cwd=ROOT)
    totals.add_check("mypy", typed == 0)
    return status or typed


def conformance(totals: Totals) -> int:
    status = 0
    with running_stack() as stack:
        on_stack = RunOptions({"stack": stack.name})
        reference = RunOptions({"stack": stack.name, "plugin": str(REFERENCE_PLUGIN), "backend_image": REFERENCE_BACKEND_IMAGE})

        section("the conformance suite against the reference (scenarios/)")
        reference_run = new_run_dir("reference")
        status |= _counted(totals, reference_run, run_suite(reference_run, reference))

        section(f"the conformance suite against a plugin written from spec/ alone ({ALT_PLUGIN.relative_to(ROOT)})")
        alt_run = new_run_dir("alt-plugin")
        status |= _counted(totals, alt_run, run_suite(alt_run, on_stack.replace(plugin=str(ALT_PLUGIN), no_allure_html=True)))

        section("a backend-only run with no observer: it must end INCOMPLETE and fail")
        status |= _incomplete_without_observer(stack.urls.backend, stack.ca_path, stack.secrets.api_key, totals)

        section("the self-test: the suite against each mutant (reference/mutants/)")
        status |= selftest(on_result=totals.add_mutants, stack_name=stack.name, reference=reference_run, workers=SELFTEST_WORKERS)

    # Other table names are another database layout: a backend of its own, on a stack of its own.
    image, observer = backend_image.variant(backend_image.RENAMED_TABLES)
    section(f"the conformance suite against a backend with other table names ({image}, observed through {observer.name})")
    renamed_run = new_run_dir("renamed-tables")
    renamed = RunOptions({"backend_image": image, "backend_observer": str(observer), "no_allure_html": True})
    status |= _counted(totals, renamed_run, run_suite(renamed_run, renamed))
    return status


def _counted(totals: Totals, run_dir: Path, status: int) -> int:
    totals.add_run(run_dir)
    return status


def _incomplete_without_observer(url: str, ca: Path, key: str, totals: Totals) -> int:
    run_dir = new_run_dir("external-no-observer")
    options = RunOptions({"backend_url": url, "backend_ca": str(ca), "no_allure_html": True})
    status = run_suite(run_dir, options, ["-q", "--tb=no"], env={"IGNY8_BACKEND_KEY": key})
    doc = load(run_dir)
    reasons = {r["id"] for r in doc["requirements"] if r["incomplete"]}
    ok = status != 0 and doc["run"]["verdict"] == "INCOMPLETE" and {"SEC-3", "READ-3"} <= reasons
    print(f"exit {status}, verdict {doc['run']['verdict']}, incomplete: {', '.join(sorted(reasons))} -> {'as it must' if ok else 'WRONG'}")
    totals.add_check("backend-only run without an observer is INCOMPLETE and fails", ok)
    return 0 if ok else 1
