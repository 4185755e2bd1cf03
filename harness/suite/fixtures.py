"""The fixtures a conformance test asks for, all prefixed `igny8_` so that they never collide with
another plugin's: the stack (or an external backend), logged-in clients, resets, evidence, a
browser. A project may override any of them in its conftest.py, as with pytest-django's."""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from harness.base.progress import say
from harness.clients.backend import BackendClient
from harness.clients.settings_page import SettingsPage
from harness.clients.tab import ContentTypesTab
from harness.clients.wordpress import ExtraPluginRefused, WordPressClient
from harness.generate import sites
from harness.judge import bystander, clocks
from harness.judge.bystander import Bystander
from harness.judge.checks import CheckContext
from harness.judge.clocks import Clock
from harness.judge.session import observer_for
from harness.runs.options import RunOptions
from harness.spec.status import incomplete, not_applicable
from harness.stack.config import Rate
from harness.stack.stack import Stack, Wanted, running_stack
from harness.stack.tenants import IntegrationChange, Tenant, TenantsUnavailable
from harness.suite import charge, worker_checks
from harness.suite.evidence import Evidence
from harness.target import manifest
from harness.target.external import ExternalBackend
from harness.target.manifest import PluginManifest
from harness.target.observer import Observer
from harness.target.target import BackendTarget


def _worker(config: pytest.Config) -> str:
    return str(getattr(config, "workerinput", {}).get("workerid", "main"))


@pytest.fixture(scope="session")
def igny8_options(request: pytest.FixtureRequest) -> RunOptions:
    """This run's options (harness.runs.options), as pytest received them."""
    return RunOptions.from_pytest(request.config)


@pytest.fixture(scope="session")
def igny8_plugin_manifest(request: pytest.FixtureRequest) -> PluginManifest:
    """The plugin's manifest (spec/CONTRACT.md 1.1): its settings page, controls, main file, capabilities."""
    from harness.suite.items import MANIFEST

    plugin: PluginManifest = request.config.stash[MANIFEST]
    return plugin


@pytest.fixture
def igny8_requirement(request: pytest.FixtureRequest, igny8_plugin_manifest: PluginManifest) -> Callable[..., AbstractContextManager[None]]:
    """`with igny8_requirement("CONN-8"): ...`: a failure inside is charged to CONN-8 alone (harness.suite.charge)."""
    unclaimed = manifest.unclaimed(igny8_plugin_manifest.capabilities)

    def block(*ids: str) -> AbstractContextManager[None]:
        return charge.charged_to(request.node, ids, unclaimed)

    return block


@pytest.fixture(scope="session")
def igny8_backend_target(request: pytest.FixtureRequest, igny8_options: RunOptions) -> BackendTarget:
    """What the backend tests talk to: a --igny8-backend-url backend, or the stack's own."""
    o = igny8_options
    if o["backend_url"]:
        return ExternalBackend.from_options(o["backend_url"], o["backend_key_file"], o["backend_ca"], o["backend_dsn"])
    stack: Stack = request.getfixturevalue("igny8_stack")
    return stack


@pytest.fixture(scope="session")
def igny8_stack(request: pytest.FixtureRequest, igny8_options: RunOptions, igny8_plugin_manifest: PluginManifest) -> Iterator[Stack]:
    """One stack per xdist worker: made (and removed unless --igny8-keep), or attached (--igny8-stack)
    with the plugin and backend the run names put in place."""
    o = igny8_options
    if o["backend_url"]:
        not_applicable(request.node, "no WordPress in a --igny8-backend-url run: it checks the backend only")
    plugin_file = igny8_plugin_manifest.plugin_file if o["plugin"] else None
    wanted = Wanted(o["wp"], o["plugin"], plugin_file, o["backend_image"], o["php"], extra_plugins=sites.plugins_for_run(o["with_plugin"], o["site"]))
    live = request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled  # progress shows as it happens
    if not o["stack"]:
        with live():
            say(f"worker {_worker(request.config)}: a new stack")
    with running_stack(wanted, attach=o["stack"], keep=o["keep"], shown=live) as stack:
        yield stack


@pytest.fixture(scope="session")
def igny8_observer(igny8_options: RunOptions, igny8_backend_target: BackendTarget) -> Observer | None:
    """The backend's observer (spec/CONTRACT.md 2.2), or None when the run has none."""
    return observer_for(igny8_backend_target, igny8_options["backend_observer"])


@pytest.fixture
def igny8_stored(request: pytest.FixtureRequest, igny8_observer: Observer | None) -> Observer:
    """The observer, for a test that checks what the backend stores: without one, it is NOT APPLICABLE and incomplete."""
    if igny8_observer is None:
        incomplete(request.node, "needs the backend's observer and database (--backend-observer, --backend-dsn; spec/CONTRACT.md 2.2)")
    return igny8_observer


@pytest.fixture(scope="session")
def igny8_tenant(igny8_backend_target: BackendTarget) -> Tenant:
    """The tenant this run tests with: the harness's own on the stack (the seed command), or the one
    given (--backend-url). Every reset and read of the backend is scoped to it."""
    return igny8_backend_target.harness_tenant("run")[0]


@pytest.fixture(scope="session")
def igny8_site(igny8_options: RunOptions) -> sites.SiteProfile:
    """The site profile the run names (--igny8-site), or NO_SITE: an empty site as installed."""
    return sites.for_run(igny8_options["site"])


@pytest.fixture(scope="session")
def igny8_wp_session(request: pytest.FixtureRequest, igny8_stack: Stack, igny8_site: sites.SiteProfile) -> WordPressClient:
    """WordPress, logged in to wp-admin as its administrator, once for the session, which starts
    from a just-installed site (or the run's site profile, built here) with the plugin under test
    activated afresh."""
    client = WordPressClient.for_stack(igny8_stack)
    client.login()
    try:
        made = sites.build(client, igny8_site)  # every reset returns to it; NO_SITE empties an attached stack's
        client.reset()
    except ExtraPluginRefused as exc:  # not the site the run names: no test can say anything of it
        pytest.exit(str(exc), returncode=pytest.ExitCode.USAGE_ERROR)
    if made.get("site"):
        with request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
            say(f"{igny8_site.summary()}, built in {made['seconds']} s")
    from harness.generate import strategies  # not at plugin load: its character tables are Hypothesis's slow start

    registered = client.state()["wordpress"]
    strategies.note_registered([*registered["post_types"], *registered["taxonomies"]])  # this version's own
    return client


@pytest.fixture(scope="session")
def igny8_backend_session(igny8_backend_target: BackendTarget, igny8_tenant: Tenant) -> BackendClient:
    """The backend's API with the run's tenant's key, for the session."""
    return BackendClient(igny8_backend_target.backend_url, igny8_tenant, igny8_backend_target.ca_path, igny8_backend_target.secret_values)


@pytest.fixture(scope="session")
def igny8_backend_clock(igny8_backend_session: BackendClient) -> Clock:
    """The backend's clock (harness.judge.clocks): for the times it records."""
    return clocks.read("the backend", igny8_backend_session.health)


@pytest.fixture(scope="session")
def igny8_wordpress_clock(igny8_wp_session: WordPressClient) -> Clock:
    """WordPress's clock (harness.judge.clocks): for the times the plugin records (generated_at)."""
    return clocks.read("WordPress", lambda: igny8_wp_session.http.get(f"{igny8_wp_session.base_url}/wp-login.php"))


@pytest.fixture
def igny8_wp(igny8_wp_session: WordPressClient, igny8_stack_info: dict[str, Any], igny8_evidence: Evidence) -> Iterator[WordPressClient]:
    """WordPress, logged in to wp-admin; its HTTP exchanges become the test's evidence."""
    igny8_wp_session.http.take_exchanges()
    yield igny8_wp_session
    igny8_evidence.http("WordPress HTTP", igny8_wp_session.http.take_exchanges())


@pytest.fixture
def igny8_plugin_page(igny8_wp: WordPressClient, igny8_plugin_manifest: PluginManifest) -> SettingsPage:
    """The plugin's settings page, used as a person uses it (spec/CONTRACT.md 1.2)."""
    return SettingsPage(igny8_wp, igny8_plugin_manifest)


@pytest.fixture
def igny8_backend(
    igny8_backend_session: BackendClient, igny8_bystander_session: Bystander | str, igny8_stack_info: dict[str, Any], igny8_evidence: Evidence
) -> Iterator[BackendClient]:
    """The backend's API with the run's tenant's key; its HTTP exchanges become the test's evidence.
    Another tenant (the bystander) is present from the first backend-facing test on."""
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
        # The database's version from the database itself: the backend's health names none (OPS-3).
        "versions": {"postgres": observer.server_version() if (observer := request.getfixturevalue("igny8_observer")) else None},
        "urls": {"backend": target.backend_url},
    }
    if not igny8_options["backend_url"]:
        stack: Stack = request.getfixturevalue("igny8_stack")
        state = request.getfixturevalue("igny8_wp_session").state()
        plugin: PluginManifest = request.getfixturevalue("igny8_plugin_manifest")
        info["plugin"] = {**state["plugin"], "dir": stack.config.plugin_dir, "manifest": plugin.name}
        info["extra_plugins"] = extra_plugins_ran(stack, state)
        site: sites.SiteProfile = request.getfixturevalue("igny8_site")
        if site is not sites.NO_SITE:
            info["site"] = {"name": site.name, "file": str(Path(site.source).resolve()), "summary": site.summary()}  # a repro may run from elsewhere
        info["versions"].update(state["versions"])
        info["urls"]["wordpress"] = stack.urls.wordpress
        info["cell"] = stack.config.cell.record()
    if igny8_report_dir:
        (igny8_report_dir / f"stack-{target.name.replace(' ', '_').replace('/', '_')}.json").write_text(json.dumps(info, indent=2))
    return info


def extra_plugins_ran(stack: Stack, state: dict[str, Any]) -> list[dict[str, Any]]:
    """The third-party plugins (--with-plugin) as WordPress lists them (folder, file, name, version,
    active), each with the directory it is mounted from."""
    dirs = {Path(d).name: d for d in stack.config.extra_plugins}
    return [{**plugin, "dir": dirs.get(plugin["folder"])} for plugin in state.get("extra_plugins", [])]


@pytest.fixture
def igny8_fresh_backend(igny8_backend_session: BackendClient, igny8_stored: Observer, igny8_stack_info: dict[str, Any]) -> None:
    """The run's tenant as just made: no structure, no content, not connected."""
    igny8_stored.reset(igny8_backend_session.integration_id)
    igny8_backend_session.http.take_exchanges()


def reset_site(wp: WordPressClient, backend: BackendClient, observer: Observer | None, rate: Rate | None = None) -> None:
    """A just-installed site (plugin activated afresh, not connected), and the run's tenant as just
    made when the backend's observer can reset it (without one the tenant keeps its state: a
    connect replaces its structure anyway)."""
    wp.reset()
    if observer is not None:
        observer.reset(backend.integration_id)
    # The tests before may have spent most of the key's rate (OPS-4: quick API tests one after
    # another, readers, a fuzzer), and the plugin's requests in this test use the same key: a Connect
    # whose sync met a 429 said "Connected, but the sync failed" in a -n 2 run of a306dec. Where the
    # harness set the rate, wait until a third of it is free; where it did not, one request, its
    # 429 waited out as the harness's client waits one out.
    if rate is not None:
        backend.wait_for_room(rate, room=rate.requests // 3)
    backend.call("GET", f"{backend.integration_id}/content-types/")


def api_rate(target: BackendTarget) -> Rate | None:
    """The key's rate the harness gave the backend (OPS-4); None where it did not set one."""
    return target.rates.api if target.rates else None


@pytest.fixture
def igny8_fresh_site(
    igny8_wp_session: WordPressClient,
    igny8_backend_session: BackendClient,
    igny8_observer: Observer | None,
    igny8_backend_target: BackendTarget,
    igny8_stack_info: Any,
) -> None:
    """A just-installed site, not connected (harness.suite.fixtures.reset_site)."""
    reset_site(igny8_wp_session, igny8_backend_session, igny8_observer, api_rate(igny8_backend_target))
    igny8_wp_session.http.take_exchanges()


@pytest.fixture(scope="session")
def igny8_bystander_session(
    request: pytest.FixtureRequest, igny8_backend_target: BackendTarget, igny8_backend_session: BackendClient, igny8_observer: Observer | None
) -> Bystander | str:
    """Another tenant with its own structure and content, there when the run starts (or why it cannot be)."""
    try:
        tenant, made = igny8_backend_target.harness_tenant("bystander")
    except TenantsUnavailable as exc:
        return str(exc)
    client = igny8_backend_session.as_tenant(tenant)
    read_back = bystander.populate(client) if made else client.read_back()
    made_now = Bystander(client, read_back, igny8_observer.snapshot(tenant.integration_id) if igny8_observer else None)
    request.config.stash[worker_checks.BYSTANDER] = (made_now, igny8_observer)  # each worker checks its own at the end
    return made_now


@pytest.fixture
def igny8_bystander(request: pytest.FixtureRequest, igny8_bystander_session: Bystander | str) -> Bystander:
    """The bystander tenant (harness.judge.bystander); NOT APPLICABLE and incomplete where the backend cannot make one."""
    if isinstance(igny8_bystander_session, str):
        incomplete(request.node, igny8_bystander_session)
    return igny8_bystander_session


@pytest.fixture
def igny8_tab(request: pytest.FixtureRequest, igny8_backend_target: BackendTarget, igny8_tenant: Tenant) -> Callable[[Page], ContentTypesTab]:
    """open(page) -> the run's tenant's Content Types tab in the browser, logged in as its user (spec/CONTRACT.md 2.3);
    NOT APPLICABLE and incomplete where the run has no such user (a backend it does not start)."""
    if not (igny8_tenant.username and igny8_tenant.password):
        incomplete(request.node, "needs the tenant's user for the tab, made by the backend's seed command: only on a stack the harness runs")

    def open_tab(page: Page) -> ContentTypesTab:
        return ContentTypesTab(page, igny8_backend_target.backend_url, igny8_tenant.site_id).open_as(str(igny8_tenant.username), str(igny8_tenant.password))

    return open_tab


@pytest.fixture
def igny8_sibling_integrations(
    request: pytest.FixtureRequest, igny8_backend_target: BackendTarget, igny8_backend_session: BackendClient, igny8_stack_info: Any
) -> tuple[BackendClient, BackendClient]:
    """Two integrations of one site of a new account, each with its own key (SEC-9); NOT APPLICABLE
    and incomplete where the backend cannot make them."""
    account = f"Siblings {secrets.token_hex(3)}"
    try:
        first = igny8_backend_target.tenants.create(account)
        second = igny8_backend_target.tenants.create(account, another_integration=True)
    except TenantsUnavailable as exc:
        incomplete(request.node, str(exc))
    return igny8_backend_session.as_tenant(first), igny8_backend_session.as_tenant(second)


@pytest.fixture
def igny8_new_tenant(
    request: pytest.FixtureRequest, igny8_backend_target: BackendTarget, igny8_backend_session: BackendClient, igny8_stack_info: dict[str, Any]
) -> Callable[[str], BackendClient]:
    """new(account) -> the backend with a new tenant's key (the seed command); NOT APPLICABLE and
    incomplete where the backend offers none. (The run records what ran, whichever test comes first.)"""

    def new(account: str) -> BackendClient:
        try:
            tenant = igny8_backend_target.tenants.create(f"{account} {secrets.token_hex(3)}")
        except TenantsUnavailable as exc:
            incomplete(request.node, str(exc))
        return igny8_backend_session.as_tenant(tenant)

    return new


@pytest.fixture
def igny8_change_integration(request: pytest.FixtureRequest, igny8_backend_target: BackendTarget) -> Callable[[int, IntegrationChange], dict[str, object]]:
    """change(integration_id, "revoke-key" | "deactivate" | "activate") with the backend's own command;
    NOT APPLICABLE and incomplete where the backend offers none."""

    def change(integration_id: int, what: IntegrationChange) -> dict[str, object]:
        try:
            return igny8_backend_target.tenants.change(integration_id, what)
        except TenantsUnavailable as exc:
            incomplete(request.node, str(exc))

    return change


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
    masked: list[str] = []
    if {"igny8_stack", "igny8_backend_target", "igny8_backend", "igny8_wp"} & set(request.fixturenames):
        masked = list(request.getfixturevalue("igny8_backend_target").secret_values)
        masked += request.getfixturevalue("igny8_tenant").secrets
    folder = igny8_report_dir / "evidence" / _safe(request.node.nodeid) if igny8_report_dir else None
    attempt = getattr(request.node, "execution_count", 1)  # pytest-rerunfailures counts a re-run test's attempts
    if folder and attempt > 1:
        folder = folder / f"attempt-{attempt}"  # every attempt's evidence is kept, not overwritten
    collected = Evidence(folder, masked)
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


@pytest.fixture
def igny8_repro_context(request: pytest.FixtureRequest, igny8_options: RunOptions, igny8_stack_info: dict[str, Any]) -> dict[str, Any]:
    """What a repro file records beside its example: the test, the seed, what ran, and the run's declarations."""
    return {
        "test": request.node.nodeid,
        "seed": request.config.getoption("hypothesis_seed", None),
        "system": igny8_stack_info,
        "options": {name: igny8_options[name] for name in ("manifest", "backend_observer") if igny8_options[name]},
    }


class Examples:
    """Runs a registered check (harness.judge.checks) per example, counts them, and writes the failing
    one as a repro file before re-raising."""

    def __init__(self, request: pytest.FixtureRequest, report_dir: Path | None, context: dict[str, Any]) -> None:
        self.count = 0
        self.request, self.report_dir, self.context = request, report_dir, context
        self.repro: Path | None = None

    def run(self, kind: str, example: Any, ctx: CheckContext) -> None:
        from harness.judge import by_name
        from harness.judge.properties import write_repro

        self.count += 1
        try:
            by_name.get(kind).run(ctx, example)
        except AssertionError:
            # Hypothesis replays the shrunk example last, so the file left is the minimal one.
            folder = self.report_dir / "repro" if self.report_dir else None
            self.repro = write_repro(folder, _safe(self.request.node.name), kind, example, self.context)
            raise


@pytest.fixture
def igny8_examples(request: pytest.FixtureRequest, igny8_report_dir: Path | None, igny8_repro_context: dict[str, Any]) -> Iterator[Examples]:
    counter = Examples(request, igny8_report_dir, igny8_repro_context)
    yield counter
    request.node.user_properties.append(("igny8_examples", counter.count))
    if counter.repro:
        request.node.user_properties.append(("igny8_repro_file", str(counter.repro)))
