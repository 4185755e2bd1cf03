"""Everything a check needs, put together outside pytest (for `igny8 repro` and the benchmarks) the
way the fixtures put it together inside: the plugin's manifest, the backend's observer, a tenant of
the run's own, logged-in clients."""

from __future__ import annotations

from pathlib import Path

from harness.clients.backend import BackendClient
from harness.clients.settings_page import SettingsPage
from harness.clients.wordpress import WordPressClient
from harness.judge.checks import CheckContext
from harness.stack.config import REFERENCE_BACKEND_IMAGE, ROOT
from harness.stack.stack import Stack
from harness.target import manifest
from harness.target.observer import Observer, ObserverSpec
from harness.target.target import BackendTarget

REFERENCE_OBSERVER = ROOT / "reference" / "backend" / "igny8-observer.yaml"


def observer_for(target: BackendTarget, path: str | Path | None) -> Observer | None:
    """The observer the run names, else the reference's for the reference image; None without a database."""
    if not path and isinstance(target, Stack) and target.config.backend_image == REFERENCE_BACKEND_IMAGE:
        path = REFERENCE_OBSERVER
    dsn = target.database_dsn
    return Observer(ObserverSpec.load(path), dsn) if path and dsn else None


def plugin_manifest(plugin_dir: str | Path, path: str | Path | None = None) -> manifest.PluginManifest:
    return manifest.load(path or Path(plugin_dir) / manifest.FILENAME, default_name=Path(plugin_dir).name)


def stack_context(stack: Stack, manifest_path: str | Path | None = None, observer_path: str | Path | None = None) -> CheckContext:
    """The harness's own tenant on `stack`, and clients for it and for WordPress, logged in."""
    tenant = stack.harness_tenant("run")[0]
    wp = WordPressClient.for_stack(stack)
    wp.login()
    backend = BackendClient(stack.backend_url, tenant, stack.ca_path, stack.secret_values)
    settings = SettingsPage(wp, plugin_manifest(stack.config.plugin_dir, manifest_path))
    return CheckContext(backend, observer_for(stack, observer_path), wp, settings, stack)
