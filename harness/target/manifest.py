"""A plugin's manifest (spec/CONTRACT.md, 1.1): where its settings page is, what its controls are
called, its main file, and which optional features (spec `capability:`) it claims.

The plugin under test carries `igny8-conformance.json` in its directory, or the run names one
with --igny8-manifest. A missing manifest means the defaults and no capability. A requirement
whose capability is not claimed is NOT APPLICABLE, never PASS.

    {"name": "IGNY8 reference plugin", "capabilities": ["content-sync"], "controls": {"sync_now": "Sync"}}
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.spec import spec

FILENAME = "igny8-conformance.json"
# The controls of the settings page by their default accessible names (spec/CONTRACT.md, 1.2).
CONTROLS = {
    "backend_url": "Backend URL",
    "api_key": "API key",
    "connect": "Connect",
    "test_connection": "Test connection",
    "sync_now": "Sync now",
    "disconnect": "Disconnect",
    "diagnostics": "Download diagnostics",  # with diagnostics-export (LOG-4)
}
DEFAULTS: dict[str, Any] = {
    "plugin_file": "igny8-wp-plugin.php",
    "settings_page": "options-general.php?page=igny8",
    "recent_events": "Recent events",
}


class ManifestError(ValueError):
    pass


@dataclass(frozen=True)
class PluginManifest:
    name: str = "unnamed plugin"
    plugin_file: str = DEFAULTS["plugin_file"]
    settings_page: str = DEFAULTS["settings_page"]
    recent_events: str = DEFAULTS["recent_events"]
    capabilities: frozenset[str] = frozenset()
    controls: dict[str, str] = field(default_factory=lambda: dict(CONTROLS))

    def control(self, key: str) -> str:
        """The accessible name of a control ("connect", "api_key", ...)."""
        return self.controls[key]

    def claims(self, capability: str) -> bool:
        return capability in self.capabilities


def known_capabilities() -> set[str]:
    return {r.capability for r in spec.requirements().values() if r.capability}


def load(path: Path | str, default_name: str = "unnamed plugin") -> PluginManifest:
    """The manifest at `path` (a missing file: the defaults, no capability), checked against the spec."""
    path = Path(path)
    if not path.exists():
        return PluginManifest(name=default_name)
    try:
        doc = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path}: not JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise ManifestError(f"{path}: a manifest is a JSON object")
    unknown_fields = sorted(set(doc) - {"name", "capabilities", "controls", *DEFAULTS})
    if unknown_fields:
        raise ManifestError(f"{path}: unknown fields {unknown_fields}; a manifest has name, capabilities, controls, {', '.join(DEFAULTS)}")
    claimed = doc.get("capabilities", [])
    if not isinstance(claimed, list) or not all(isinstance(c, str) for c in claimed):
        raise ManifestError(f'{path}: "capabilities" must be a list of names, e.g. {{"capabilities": ["content-sync"]}}')
    unknown = sorted(set(claimed) - known_capabilities())
    if unknown:
        raise ManifestError(f"{path}: unknown capabilities {unknown}; the spec knows {sorted(known_capabilities())}")
    controls = doc.get("controls", {})
    if not isinstance(controls, dict) or not all(isinstance(v, str) and v.strip() for v in controls.values()):
        raise ManifestError(f'{path}: "controls" maps control keys to accessible names, e.g. {{"sync_now": "Sync structure now"}}')
    if set(controls) - set(CONTROLS):
        raise ManifestError(f"{path}: unknown controls {sorted(set(controls) - set(CONTROLS))}; the contract's are {sorted(CONTROLS)}")
    strings = {key: doc.get(key, default) for key, default in DEFAULTS.items()}
    if not all(isinstance(v, str) and v.strip() for v in strings.values()):
        raise ManifestError(f"{path}: {', '.join(DEFAULTS)} must be non-empty strings")
    if "/" in strings["plugin_file"] or not strings["plugin_file"].endswith(".php"):
        raise ManifestError(f"{path}: plugin_file names the main .php file in the plugin's own directory, not {strings['plugin_file']!r}")
    return PluginManifest(
        name=str(doc.get("name") or default_name),
        capabilities=frozenset(claimed),
        controls={**CONTROLS, **controls},
        **strings,
    )


def unclaimed(claimed: Iterable[str]) -> frozenset[str]:
    return frozenset(known_capabilities() - set(claimed))


def not_applicable_reason(requirement_ids: Iterable[str], unclaimed_caps: Collection[str]) -> str | None:
    """Why a test does not apply: all the requirements it checks need a capability not claimed."""
    reqs = [spec.requirements()[rid] for rid in requirement_ids]
    needed = sorted({r.capability for r in reqs if r.capability})
    if reqs and all(r.capability in unclaimed_caps for r in reqs):
        return f"the implementation does not claim {', '.join(needed)}"
    return None
