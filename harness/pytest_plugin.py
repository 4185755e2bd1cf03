"""The pytest plugin (entry point `igny8`): options, the requirement marker, and the wiring of
fixtures (harness.fixtures) and result collection (harness.collector). Kept thin."""

from pathlib import Path

import allure
import pytest

from . import baseline, manifest, profiles, spec
from .stack.project import REFERENCE_BACKEND_IMAGE, REFERENCE_PLUGIN, WORDPRESS_SUITES


def pytest_addoption(parser):
    group = parser.getgroup("igny8", "IGNY8 conformance harness")
    group.addoption("--igny8-stack", metavar="NAME", help="attach to this running stack instead of making one")
    group.addoption("--igny8-keep", action="store_true", help="leave the stack running after the run")
    group.addoption("--igny8-wp", default="6.1", choices=sorted(WORDPRESS_SUITES), help="WordPress version")
    group.addoption("--igny8-plugin", default=str(REFERENCE_PLUGIN), metavar="DIR", help="plugin directory under test")
    group.addoption("--igny8-backend-image", default=REFERENCE_BACKEND_IMAGE, metavar="IMAGE", help="backend image under test")
    group.addoption("--igny8-backend-url", metavar="URL", help="check a backend the harness does not start (key: IGNY8_BACKEND_KEY)")
    group.addoption("--igny8-backend-key-file", metavar="FILE", help="with --igny8-backend-url: a file holding its API key")
    group.addoption("--igny8-backend-ca", metavar="FILE", help="with --igny8-backend-url: the CA its certificate chains to")
    group.addoption("--igny8-backend-dsn", metavar="DSN", help="with --igny8-backend-url: its database, to check what it stores")
    group.addoption("--igny8-report-dir", metavar="DIR", help="write results.json, evidence and the HTML report here")
    group.addoption("--igny8-manifest", metavar="FILE", help="capability manifest (default: igny8-conformance.json in the plugin directory)")
    group.addoption("--igny8-baseline", metavar="FILE", help="known failures (YAML): a run fails only on failures not listed")
    group.addoption("--igny8-requirements", metavar="IDS", help="only tests that check one of these comma-separated requirement IDs")
    group.addoption("--igny8-profile", default="quick", choices=sorted(profiles.PROFILES), help="property-based effort: quick (CI) or thorough (nightly)")


def pytest_configure(config):
    config.addinivalue_line("markers", "requirement(*ids): the spec requirement IDs a test checks (spec/requirements.yaml)")
    profiles.use(config.getoption("igny8_profile"))  # before collection: tests read it in their decorators
    try:
        manifest_path = config.getoption("igny8_manifest") or Path(config.getoption("igny8_plugin")) / manifest.FILENAME
        config.stash[CLAIMED] = manifest.load(manifest_path)
        config.stash[KNOWN] = baseline.load(config.getoption("igny8_baseline")) if config.getoption("igny8_baseline") else []
    except (manifest.ManifestError, baseline.BaselineError) as exc:
        raise pytest.UsageError(str(exc)) from exc
    from . import fixtures
    from .collector import ResultCollector

    config.pluginmanager.register(fixtures, "igny8-fixtures")  # after pytest-playwright, so ours override
    if not hasattr(config, "workerinput"):  # the xdist controller (or a plain run) collects
        config.pluginmanager.register(ResultCollector(config), "igny8-collector")


CLAIMED = pytest.StashKey[frozenset]()
KNOWN = pytest.StashKey[list]()


def requirement_ids(item):
    return [rid for mark in item.iter_markers("requirement") for rid in mark.args]


def pytest_collection_modifyitems(config, items):
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
    unclaimed = manifest.unclaimed(config.stash[CLAIMED])
    for item in items:
        ids = requirement_ids(item)
        item.user_properties.append(("igny8_requirements", ids))
        reason = manifest.not_applicable_reason(ids, unclaimed)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))
        known = baseline.find(config.stash[KNOWN], item.nodeid, ids)
        if known:
            item.add_marker(pytest.mark.xfail(reason=f"known failure until {known.expires}: {known.reason} ({known.bug})", strict=False))


def pytest_runtest_setup(item):
    """Allure: the protocol as epic, the requirement's area as feature, its title as story, its ID as the test case id."""
    ids = requirement_ids(item)
    if ids:
        reqs, areas = spec.requirements(), spec.areas()
        allure.dynamic.epic("IGNY8 sync protocol")
        for rid in ids:
            allure.dynamic.feature(f"{reqs[rid].area} — {areas[reqs[rid].area]}")
            allure.dynamic.story(f"{rid} {reqs[rid].title}")
            allure.dynamic.label("requirement", rid)
        allure.dynamic.id(",".join(ids))
