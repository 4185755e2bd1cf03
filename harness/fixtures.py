"""The fixtures a conformance test asks for, all prefixed `igny8_` so that they never collide with
another plugin's: the stack (or an external backend), logged-in clients, resets, evidence, a
browser. A project may override any of them in its conftest.py, as with pytest-django's."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .checks import CheckContext
from .clients.backend import BackendClient
from .clients.wordpress import WordPressClient
from .evidence import Evidence
from .external import ExternalBackend
from .options import RunOptions
from .progress import say
from .stack.config import StackConfig
from .stack.stack import Stack, running_stack
from .target import BackendTarget


def _worker(config: pytest.Config) -> str:
    return str(getattr(config, "workerinput", {}).get("workerid", "main"))


@pytest.fixture(scope="session")
def igny8_options(request: pytest.FixtureRequest) -> RunOptions:
    """This run's options (harness.options), as pytest received them."""
    return RunOptions.from_pytest(request.config)


@pytest.fixture(scope="session")
def igny8_backend_target(request: pytest.FixtureRequest, igny8_options: RunOptions) -> BackendTarget:
    """What the backend tests talk to: a --igny8-backend-url backend, or the stack's own."""
    o = igny8_options
    if o["backend_url"]:
        return ExternalBackend.from_options(o["backend_url"], o["backend_key_file"], o["backend_ca"], o["backend_dsn"])
    stack: Stack = request.getfixturevalue("igny8_stack")
    return stack


@pytest.fixture(scope="session")
def igny8_stack(request: pytest.FixtureRequest, igny8_options: RunOptions) -> Iterator[Stack]:
    """One stack per xdist worker: attached (--igny8-stack) or made, and removed unless --igny8-keep."""
    o = igny8_options
    if o["backend_url"]:
        pytest.skip("no WordPress in a --igny8-backend-url run: it checks the backend only")
    config = StackConfig(wordpress=o["wp"], plugin_dir=o["plugin"], backend_image=o["backend_image"])
    live = request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled  # progress shows as it happens
    if not o["stack"]:
        with live():
            say(f"worker {_worker(request.config)}: a new stack")
    with running_stack(config, attach=o["stack"], keep=o["keep"], shown=live) as stack:
        yield stack


@pytest.fixture(scope="session")
def igny8_wp_session(igny8_stack: Stack) -> WordPressClient:
    """WordPress, logged in to wp-admin once for the session."""
    client = WordPressClient.for_stack(igny8_stack)
    client.login()
    return client


@pytest.fixture(scope="session")
def igny8_backend_session(igny8_backend_target: BackendTarget) -> BackendClient:
    """The backend's API (with the target's key) and its database, for the session."""
    return BackendClient.for_target(igny8_backend_target)


@pytest.fixture
def igny8_wp(igny8_wp_session: WordPressClient, igny8_evidence: Evidence) -> Iterator[WordPressClient]:
    """WordPress, logged in to wp-admin; its HTTP exchanges become the test's evidence."""
    igny8_wp_session.http.take_exchanges()
    yield igny8_wp_session
    igny8_evidence.http("WordPress HTTP", igny8_wp_session.http.take_exchanges())


@pytest.fixture
def igny8_backend(igny8_backend_session: BackendClient, igny8_evidence: Evidence) -> Iterator[BackendClient]:
    """The backend's API and database; its HTTP exchanges become the test's evidence."""
    igny8_backend_session.http.take_exchanges()
    yield igny8_backend_session
    igny8_evidence.http("Backend HTTP", igny8_backend_session.http.take_exchanges())


@pytest.fixture(scope="session")
def igny8_stack_info(
    request: pytest.FixtureRequest,
    igny8_options: RunOptions,
    igny8_backend_target: BackendTarget,
    igny8_backend_session: BackendClient,
    igny8_report_dir: Path | None,
) -> dict[str, Any]:
    """What is really running, read from it: versions of WordPress, PHP, the databases, the plugin, the backend."""
    health = igny8_backend_session.health().json()
    target = igny8_backend_target
    info: dict[str, Any] = {
        "stack": target.name,
        "plugin": {},
        "backend": {"version": health.get("version"), "revision": health.get("revision"), "image": target.backend_label},
        "versions": {"postgres": health.get("database")},
        "urls": {"backend": target.backend_url},
    }
    if not igny8_options["backend_url"]:
        stack: Stack = request.getfixturevalue("igny8_stack")
        state = request.getfixturevalue("igny8_wp_session").state()
        info["plugin"] = {**state["plugin"], "dir": stack.config.plugin_dir}
        info["versions"].update(state["versions"])
        info["urls"]["wordpress"] = stack.urls.wordpress
    if igny8_report_dir:
        (igny8_report_dir / f"stack-{target.name.replace(' ', '_').replace('/', '_')}.json").write_text(json.dumps(info, indent=2))
    return info


@pytest.fixture
def igny8_fresh_backend(igny8_backend_session: BackendClient, igny8_stack_info: dict[str, Any]) -> None:
    """A just-seeded backend: no structure, no content, not connected."""
    igny8_backend_session.reset()
    igny8_backend_session.http.take_exchanges()


@pytest.fixture
def igny8_fresh_site(igny8_wp_session: WordPressClient, igny8_fresh_backend: None) -> None:
    """A just-installed site (plugin active, not connected) and a just-seeded backend."""
    igny8_wp_session.reset()
    igny8_wp_session.http.take_exchanges()


@pytest.fixture(scope="session")
def igny8_report_dir(igny8_options: RunOptions) -> Path | None:
    """The run folder (--igny8-report-dir), or None when no report is written."""
    if not igny8_options["report_dir"]:
        return None
    path = Path(igny8_options["report_dir"])
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def igny8_evidence(request: pytest.FixtureRequest, igny8_report_dir: Path | None) -> Iterator[Evidence]:
    """What the test saw, masked, kept on disk for the report and attached to Allure."""
    secrets: list[str] = []
    if {"igny8_stack", "igny8_backend_target", "igny8_backend", "igny8_wp"} & set(request.fixturenames):
        secrets = list(request.getfixturevalue("igny8_backend_target").secret_values)
    folder = igny8_report_dir / "evidence" / _safe(request.node.nodeid) if igny8_report_dir else None
    collected = Evidence(folder, secrets)
    yield collected
    request.node.user_properties.append(("igny8_evidence", collected.items))


def _safe(nodeid: str) -> str:
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
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    executable = os.environ.get("IGNY8_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # The harness's browser is a reader, not what is under test: the stack's CA is not installed in it.
    return {**browser_context_args, "ignore_https_errors": True, "viewport": {"width": 1280, "height": 900}}


# ---- property-based tests: example counts and repro files ----------------------------------


class Examples:
    """Runs a registered check (harness.checks) per example, counts them, and writes the failing
    one as a repro file before re-raising."""

    def __init__(self, request: pytest.FixtureRequest, report_dir: Path | None, stack_info: dict[str, Any]) -> None:
        self.count = 0
        self.request, self.report_dir, self.stack_info = request, report_dir, stack_info
        self.repro: Path | None = None

    def run(self, kind: str, example: Any, ctx: CheckContext) -> None:
        from . import checks
        from .properties import write_repro

        self.count += 1
        try:
            checks.get(kind).run(ctx, example)
        except AssertionError:
            # Hypothesis replays the shrunk example last, so the file left is the minimal one.
            context = {"test": self.request.node.nodeid, "seed": self.request.config.getoption("hypothesis_seed", None), "system": self.stack_info}
            folder = self.report_dir / "repro" if self.report_dir else None
            self.repro = write_repro(folder, _safe(self.request.node.name), kind, example, context)
            raise


@pytest.fixture
def igny8_examples(request: pytest.FixtureRequest, igny8_report_dir: Path | None, igny8_stack_info: dict[str, Any]) -> Iterator[Examples]:
    counter = Examples(request, igny8_report_dir, igny8_stack_info)
    yield counter
    request.node.user_properties.append(("igny8_examples", counter.count))
    if counter.repro:
        request.node.user_properties.append(("igny8_repro_file", str(counter.repro)))
