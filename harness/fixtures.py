"""The fixtures a conformance test asks for: the stack, its clients, a reset, evidence, a browser."""

import json
import os
import shutil

import pytest

from .clients.backend import BackendClient
from .clients.wordpress import WordPressClient
from .evidence import Evidence
from .external import ExternalBackend
from .progress import say
from .stack.project import Stack, StackConfig


def _worker(config):
    return getattr(config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(scope="session")
def igny8_backend_target(request):
    """What the backend tests talk to: a --igny8-backend-url backend, or the stack's own."""
    opt = request.config.getoption
    if opt("igny8_backend_url"):
        return ExternalBackend.from_options(opt("igny8_backend_url"), opt("igny8_backend_key_file"), opt("igny8_backend_ca"), opt("igny8_backend_dsn"))
    return request.getfixturevalue("igny8_stack")


@pytest.fixture(scope="session")
def igny8_stack(request):
    """One stack per xdist worker: attached (--igny8-stack) or made, and removed unless --igny8-keep."""
    opt = request.config.getoption
    if opt("igny8_backend_url"):
        pytest.skip("no WordPress in a --igny8-backend-url run: it checks the backend only")
    if opt("igny8_stack"):
        yield Stack.attach(opt("igny8_stack"))
        return
    config = StackConfig(wordpress=opt("igny8_wp"), plugin_dir=opt("igny8_plugin"), backend_image=opt("igny8_backend_image"), keep=opt("igny8_keep"))
    stack = Stack.create(config)
    live = request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled  # progress shows as it happens
    try:
        with live():
            say(f"worker {_worker(request.config)}: stack {stack.name}")
            stack.up()
        yield stack
    finally:
        with live():
            if opt("igny8_keep"):
                say(f"left running: {stack.name} (`igny8 status {stack.name}`, `igny8 down {stack.name}`)")
            else:
                stack.down()


@pytest.fixture(scope="session")
def _wp_client(igny8_stack):
    client = WordPressClient.for_stack(igny8_stack)
    client.login()
    return client


@pytest.fixture(scope="session")
def _backend_client(igny8_backend_target):
    return BackendClient.for_stack(igny8_backend_target)


@pytest.fixture
def wp(_wp_client, evidence):
    """WordPress, logged in to wp-admin; its HTTP exchanges become the test's evidence."""
    _wp_client.http.take_exchanges()
    yield _wp_client
    evidence.http("WordPress HTTP", _wp_client.http.take_exchanges())


@pytest.fixture
def backend(_backend_client, evidence):
    """The backend's API (with the stack's key) and its database; exchanges become evidence."""
    _backend_client.http.take_exchanges()
    yield _backend_client
    evidence.http("Backend HTTP", _backend_client.http.take_exchanges())


@pytest.fixture(scope="session")
def stack_info(request, igny8_backend_target, _backend_client, igny8_report_dir):
    """What is really running, read from it: versions of WordPress, PHP, the databases, the plugin, the backend."""
    health = _backend_client.health().json()
    target = igny8_backend_target
    info = {
        "stack": target.name,
        "plugin": {},
        "backend": {"version": health.get("version"), "revision": health.get("revision"), "image": target.config.backend_image},
        "versions": {"postgres": health.get("database")},
        "urls": {"wordpress": target.urls.wordpress, "backend": target.urls.backend},
    }
    if not request.config.getoption("igny8_backend_url"):
        state = request.getfixturevalue("_wp_client").state()
        info["plugin"] = {**state["plugin"], "dir": target.config.plugin_dir}
        info["versions"].update(state["versions"])
    if igny8_report_dir:
        (igny8_report_dir / f"stack-{target.name.replace(' ', '_').replace('/', '_')}.json").write_text(json.dumps(info, indent=2))
    return info


@pytest.fixture
def fresh_backend(_backend_client, stack_info):
    """A just-seeded backend: no structure, no content, not connected."""
    _backend_client.reset()
    _backend_client.http.take_exchanges()


@pytest.fixture
def fresh_site(_wp_client, fresh_backend):
    """A just-installed site (plugin active, not connected) and a just-seeded backend."""
    _wp_client.reset()
    _wp_client.http.take_exchanges()


@pytest.fixture(scope="session")
def igny8_report_dir(request):
    path = request.config.getoption("igny8_report_dir")
    if not path:
        return None
    from pathlib import Path

    Path(path).mkdir(parents=True, exist_ok=True)
    return Path(path)


@pytest.fixture
def evidence(request, igny8_report_dir):
    secrets = []
    if {"igny8_stack", "igny8_backend_target", "backend", "wp"} & set(request.fixturenames):
        secrets = request.getfixturevalue("igny8_backend_target").secrets.all()
        if "igny8_stack" in request.fixturenames:
            secrets += request.getfixturevalue("igny8_stack").secrets.all()
    folder = igny8_report_dir / "evidence" / _safe(request.node.nodeid) if igny8_report_dir else None
    collected = Evidence(folder, secrets)
    yield collected
    request.node.user_properties.append(("igny8_evidence", collected.items))


def _safe(nodeid):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in nodeid)[-120:]


# ---- Playwright with Debian's Chromium (it cannot download its own browsers here) ----------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = os.environ.get("IGNY8_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The harness's browser is a reader, not what is under test: the stack's CA is not installed in it.
    return {**browser_context_args, "ignore_https_errors": True, "viewport": {"width": 1280, "height": 900}}


# ---- property-based tests: example counts and repro files ----------------------------------


class Examples:
    """Counts a property's examples, and writes the failing one as a repro file before re-raising."""

    def __init__(self, request, report_dir, stack_info):
        self.count = 0
        self.request, self.report_dir, self.stack_info = request, report_dir, stack_info
        self.repro = None

    def run(self, kind, example, check, *args):
        from .properties import write_repro

        self.count += 1
        try:
            check(*args, example)
        except AssertionError:
            # Hypothesis replays the shrunk example last, so the file left is the minimal one.
            context = {"test": self.request.node.nodeid, "seed": self.request.config.getoption("hypothesis_seed", None), "system": self.stack_info}
            folder = self.report_dir / "repro" if self.report_dir else None
            self.repro = write_repro(folder, _safe(self.request.node.name), kind, example, context)
            raise


@pytest.fixture
def examples(request, igny8_report_dir, stack_info):
    counter = Examples(request, igny8_report_dir, stack_info)
    yield counter
    request.node.user_properties.append(("igny8_examples", counter.count))
    if counter.repro:
        request.node.user_properties.append(("igny8_repro_file", str(counter.repro)))
