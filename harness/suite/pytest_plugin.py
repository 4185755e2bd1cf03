"""The pytest plugin (entry point `igny8`): its options (from harness.runs.options), the requirement
marker and what collection does with it, Allure's labels, which failures are re-run, and the wiring
of the fixtures (harness.suite.fixtures), the result collector and the outputs. Kept thin."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import allure
import pytest

from harness import outputs
from harness.base import cancel
from harness.generate import profiles, sites
from harness.runs import baseline, inputs, options
from harness.spec import spec
from harness.spec.status import mark_not_applicable
from harness.stack.config import REFERENCE_PLUGIN, extra_plugin_dirs
from harness.suite import charge, fixtures, stack_logs
from harness.suite.collector import ResultCollector
from harness.suite.items import KNOWN, MANIFEST, cases, cell_claims, requirement_ids
from harness.suite.planned import Planner
from harness.suite.worker_checks import WorkerChecks
from harness.target import manifest

# Fixtures that mean a test needs WordPress: such a test does not apply to a backend-only run.
WORDPRESS_FIXTURES = {"igny8_stack", "igny8_wp", "igny8_wp_session", "igny8_plugin_page", "igny8_fresh_site"}


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_to_pytest(parser.getgroup("igny8", "IGNY8 conformance harness"))


@pytest.hookimpl(tryfirst=True)  # before junitxml's and allure's: the outputs turn them on
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "requirement(*ids, case='positive'|'negative'): the spec requirement IDs a test checks (spec/requirements.yaml)")
    config.addinivalue_line("markers", "igny8_last: run after every other test (the checks that the run harmed nothing)")
    cancel.cancel_on_signals()  # SIGTERM and SIGHUP tear the stacks down as Ctrl-C does
    run = options.RunOptions.from_pytest(config)
    profiles.use(run["profile"])  # before collection: tests read it in their decorators
    try:
        plugin_dir = Path(run["plugin"] or REFERENCE_PLUGIN)
        config.stash[MANIFEST] = manifest.load(run["manifest"] or plugin_dir / manifest.FILENAME, default_name=plugin_dir.name)
        config.stash[KNOWN] = baseline.load(run["baseline"]) if run["baseline"] else []
        inputs.check_observer(run["backend_observer"])  # once, here, not once per test that needs the observer
        extra_plugin_dirs(sites.plugins_for_run(run["with_plugin"], run["site"]) or (), str(plugin_dir))  # refused before any stack
    except (manifest.ManifestError, baseline.BaselineError, ValueError) as exc:
        raise pytest.UsageError(str(exc)) from exc

    config.pluginmanager.register(fixtures, "igny8-fixtures")  # after pytest-playwright, so ours override
    if run["report_dir"]:
        Path(run["report_dir"]).mkdir(parents=True, exist_ok=True)
        outputs.configure_all(config, Path(run["report_dir"]))
    config.pluginmanager.register(Planner(config, run["shard"], run["report_dir"]), "igny8-planner")  # run.planned; --igny8-shard
    config.pluginmanager.register(WorkerChecks(config), "igny8-worker-checks")  # every worker's bystander
    if not hasattr(config, "workerinput"):  # the xdist controller (or a plain run) collects
        config.pluginmanager.register(ResultCollector(config), "igny8-collector")


def pytest_report_header(config: pytest.Config) -> list[str]:
    run = options.RunOptions.from_pytest(config)
    changed = ", ".join(f"{k}={v}" for k, v in run.changed().items() if not options.BY_NAME[k].secret) or "defaults"
    plugin: manifest.PluginManifest = config.stash[MANIFEST]
    return [f"igny8: {changed}; plugin {plugin.name!r} claims {sorted(plugin.capabilities) or 'no optional capability'}"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that names an unknown requirement is a mistake: refuse to run rather than report it."""
    known = spec.requirements()
    unknown = sorted({f"{item.nodeid}: {rid}" for item in items for rid in requirement_ids(item) if rid not in known})
    if unknown:
        raise pytest.UsageError("tests name requirements that spec/requirements.yaml does not have:\n  " + "\n  ".join(unknown))
    wanted = {r.strip() for r in (config.getoption("igny8_requirements") or "").split(",") if r.strip()}
    if wanted:
        deselected = [item for item in items if not wanted & set(requirement_ids(item))]
        items[:] = [item for item in items if wanted & set(requirement_ids(item))]
        config.hook.pytest_deselected(items=deselected)
    items.sort(key=lambda item: item.get_closest_marker("igny8_last") is not None)  # stable: the order stays otherwise
    if config.getoption("igny8_negative_first"):
        items.sort(key=lambda item: "negative" not in cases(item).values())
    plugin: manifest.PluginManifest = config.stash[MANIFEST]
    known_failures: list[baseline.KnownFailure] = config.stash[KNOWN]
    unclaimed = manifest.unclaimed(plugin.capabilities)
    backend_only = bool(config.getoption("igny8_backend_url"))
    for item in items:
        ids = requirement_ids(item)
        item.user_properties.append(("igny8_id", item.nodeid))  # one identity in results.json, junit.xml and Allure
        item.user_properties.append(("igny8_requirements", ids))
        item.user_properties.append(("igny8_cases", cases(item)))
        item.user_properties.append(("igny8_cells", cell_claims(item)))
        reason = manifest.not_applicable_reason(ids, unclaimed)
        if backend_only and WORDPRESS_FIXTURES & set(getattr(item, "fixturenames", ())):
            reason = "this run checks a backend only (--backend-url): the test needs WordPress"
        if reason:
            mark_not_applicable(item, reason)
        entry = baseline.find(known_failures, item.nodeid, ids)
        if entry:
            item.add_marker(pytest.mark.xfail(reason=f"known failure until {entry.expires}: {entry.reason} ({entry.bug})", strict=False))


# ---- re-running a failure (pytest-rerunfailures): one that then passes is FLAKY (harness.runs.results) ----
#
# Only the conformance tests (those that name a requirement) are re-run, and only as the run's options
# say: --igny8-reruns, none with --igny8-no-rerun (or --pdb, where a person wants the first failure).
# Each attempt sets up its function-scoped fixtures afresh, so the per-test resets (igny8_fresh_site,
# igny8_fresh_backend, connected_site, ...) run again before every attempt.
#
# Property-based and stateful tests are re-run too: a deterministic failure fails again (Hypothesis
# replays the failing example from its database first, and the run's seed makes the same examples),
# and one that does not reproduce is worth knowing as FLAKY, not as a FAIL with Hypothesis's "Flaky".
#
# Not re-run, so a failure is FAIL at once:
# - a test that uses a fixture the suite defines with a wider scope than the test (test_quick_sync's
#   `connected`, test_scale's `large_site`): its state was built once for the module and the tests
#   before it built on it in order; a re-run would start from what the failed attempt left, not
#   from a fresh reset, and a pass there would prove nothing;
# - a test whose setup broke in a fixture shared beyond it (the stack, a session's client):
#   pytest-rerunfailures drops a broken fixture's cached error, so every attempt of every later
#   test would build the stack again; one ERROR per test, as without re-runs, is the honest answer;
# - a known failure (baseline, xfail) and a test that does not apply (skip): neither failed.


def _reruns(config: pytest.Config) -> int | None:
    """How many times a failing conformance test is re-run; None leaves pytest-rerunfailures alone."""
    if not config.pluginmanager.hasplugin("rerunfailures"):
        return None  # -p no:rerunfailures: nothing to wire
    if config.getoption("igny8_no_rerun") or config.getoption("usepdb"):
        return 0
    return max(0, int(config.getoption("igny8_reruns")))


def _fixtures(item: pytest.Item) -> list[pytest.FixtureDef[Any]]:
    """Every fixture definition in the item's closure."""
    info = getattr(item, "_fixtureinfo", None)  # pytest's own; pytest-rerunfailures reads it too
    return [fixture for chain in (info.name2fixturedefs.values() if info is not None else ()) for fixture in chain]


def shares_state(item: pytest.Item) -> bool:
    """The test uses state the suite built once for several tests: a fixture wider than the test
    that the suite defines (a conftest or a test module: a non-empty baseid), not a plugin (the
    harness's session clients, which the per-test resets put right; pytest-django's class-scoped one)."""
    return any(fixture.scope != "function" and fixture.baseid for fixture in _fixtures(item))


def _shared_fixture_broke(item: pytest.Item) -> bool:
    """A fixture wider than the test holds an error (pytest raises it again for every later test)."""
    return any(fixture.scope != "function" and fixture.cached_result is not None and fixture.cached_result[2] is not None for fixture in _fixtures(item))


@pytest.hookimpl(tryfirst=True)  # before pytest-rerunfailures' reads the count; after -k and -m chose (the marker is a keyword)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    reruns = _reruns(item.config)
    if reruns is not None and requirement_ids(item):
        item.add_marker(pytest.mark.flaky(reruns=0 if shares_state(item) else reruns), append=False)  # first: it overrides a test's own


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call" and report.failed:
        stack_logs.keep(item, call.start)  # what the services logged while it ran
    if report.when == "call" and report.failed and call.excinfo is not None and charge.charged(call.excinfo.value):
        charged = (charge.PROPERTY, charge.charged(call.excinfo.value))
        report.user_properties.append(charged)
        item.user_properties.append(charged)  # junitxml writes the teardown report's properties
    if report.when == "setup" and report.failed and item.config.pluginmanager.hasplugin("rerunfailures") and _shared_fixture_broke(item):
        # reruns=0 keeps pytest-rerunfailures from dropping the cached error at teardown; condition=False
        # from starting another attempt (it took the count before this attempt began).
        item.add_marker(pytest.mark.flaky(reruns=0, condition=False), append=False)
    return report


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Allure: the protocol as epic, the requirement's area as feature, its title as story, the IDs as
    labels (several tests share a requirement: it is not the test's identity). Parameters are shown
    as pytest shows them in the node id, so distinct cases stay distinct."""
    ids = requirement_ids(item)
    if ids:
        reqs, areas = spec.requirements(), spec.areas()
        allure.dynamic.epic("IGNY8 sync protocol")
        for rid in ids:
            allure.dynamic.feature(f"{reqs[rid].area} — {areas[reqs[rid].area]}")
            allure.dynamic.story(f"{rid} {reqs[rid].title}")
            allure.dynamic.label("requirement", rid)
    allure.dynamic.label("igny8_id", item.nodeid)  # how the allure-results output finds a FLAKY test's results
    callspec = getattr(item, "callspec", None)
    if callspec is not None:
        for name, value in callspec.params.items():
            allure.dynamic.parameter(name, _shown(value))


def _shown(value: object, limit: int = 200) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
