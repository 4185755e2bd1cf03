"""An implementation's capability manifest: which optional features (spec `capability:`) it claims.

The plugin under test carries `igny8-conformance.json` in its directory, or the run names one
with --igny8-manifest. No manifest claims nothing. A requirement whose capability is not claimed
is NOT APPLICABLE, never PASS.

    {"name": "IGNY8 reference plugin", "capabilities": ["content-sync"]}
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from pathlib import Path

from . import spec

FILENAME = "igny8-conformance.json"


class ManifestError(ValueError):
    pass


def known_capabilities() -> set[str]:
    return {r.capability for r in spec.requirements().values() if r.capability}


def load(path: Path | str) -> frozenset[str]:
    """The claimed capabilities in the manifest at `path` (missing file: none), checked against the spec."""
    path = Path(path)
    if not path.exists():
        return frozenset()
    try:
        doc = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path}: not JSON ({exc})") from exc
    claimed = doc.get("capabilities") if isinstance(doc, dict) else None
    if not isinstance(claimed, list) or not all(isinstance(c, str) for c in claimed):
        raise ManifestError(f'{path}: "capabilities" must be a list of names, e.g. {{"capabilities": ["content-sync"]}}')
    unknown = sorted(set(claimed) - known_capabilities())
    if unknown:
        raise ManifestError(f"{path}: unknown capabilities {unknown}; the spec knows {sorted(known_capabilities())}")
    return frozenset(claimed)


def unclaimed(claimed: Iterable[str]) -> frozenset[str]:
    return frozenset(known_capabilities() - set(claimed))


def not_applicable_reason(requirement_ids: Iterable[str], unclaimed_caps: Collection[str]) -> str | None:
    """Why a test does not apply: all the requirements it checks need a capability not claimed."""
    reqs = [spec.requirements()[rid] for rid in requirement_ids]
    needed = sorted({r.capability for r in reqs if r.capability})
    if reqs and all(r.capability in unclaimed_caps for r in reqs):
        return f"the implementation does not claim {', '.join(needed)}"
    return None
