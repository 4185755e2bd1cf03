"""The pytest plugin (entry point `igny8`): options, the requirement marker, and the wiring of
fixtures (harness.fixtures) and result collection (harness.collector). Kept thin."""

import pytest

from . import spec
from .stack.project import REFERENCE_BACKEND_IMAGE, REFERENCE_PLUGIN, WORDPRESS_SUITES


def pytest_addoption(parser):
    group = parser.getgroup("igny8", "IGNY8 conformance harness")
    group.addoption("--igny8-stack", metavar="NAME", help="attach to this running stack instead of making one")
    group.addoption("--igny8-keep", action="store_true", help="leave the stack running after the run")
    group.addoption("--igny8-wp", default="6.1", choices=sorted(WORDPRESS_SUITES), help="WordPress version")
    group.addoption("--igny8-plugin", default=str(REFERENCE_PLUGIN), metavar="DIR", help="plugin directory under test")
    group.addoption("--igny8-backend-image", default=REFERENCE_BACKEND_IMAGE, metavar="IMAGE", help="backend image under test")
    group.addoption("--igny8-report-dir", metavar="DIR", help="write results.json, evidence and the HTML report here")


def pytest_configure(config):
    config.addinivalue_line("markers", "requirement(*ids): the spec requirement IDs a test checks (spec/requirements.yaml)")
    from . import fixtures
    from .collector import ResultCollector

    config.pluginmanager.register(fixtures, "igny8-fixtures")  # after pytest-playwright, so ours override
    if not hasattr(config, "workerinput"):  # the xdist controller (or a plain run) collects
        config.pluginmanager.register(ResultCollector(config), "igny8-collector")


def requirement_ids(item):
    return [rid for mark in item.iter_markers("requirement") for rid in mark.args]


def pytest_collection_modifyitems(config, items):
    """A test that names an unknown requirement is a mistake: refuse to run rather than report it."""
    known = spec.requirements()
    unknown = sorted({f"{item.nodeid}: {rid}" for item in items for rid in requirement_ids(item) if rid not in known})
    if unknown:
        raise pytest.UsageError("tests name requirements that spec/requirements.yaml does not have:\n  " + "\n  ".join(unknown))
    for item in items:
        item.user_properties.append(("igny8_requirements", requirement_ids(item)))
