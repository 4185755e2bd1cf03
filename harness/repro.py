"""`igny8 repro FILE`: replays a recorded failing example on a fresh stack with the same
implementations and WordPress version, and says whether it still fails."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import checks
from .checks import CheckContext
from .progress import say
from .session import stack_context
from .stack.stack import Stack, Wanted, running_stack


def load(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        doc: dict[str, Any] = json.loads(path.read_text())
        kind = doc["kind"]
        doc["example"]  # noqa: B018  (must be there)
    except (OSError, ValueError, KeyError) as exc:
        raise ValueError(f"{path} is not a repro file (a JSON with kind and example, written under reports/<run>/repro/): {exc}") from exc
    if kind not in checks.names():
        raise ValueError(f"{path}: unknown kind {kind!r}; the harness knows {', '.join(checks.names())}")
    return doc


def wanted_from(doc: dict[str, Any]) -> Wanted:
    """The builds the recorded run tested, read from what its stack said it ran."""
    system = doc.get("system", {})
    versions = system.get("versions", {})

    def minor(name: str) -> str | None:
        return ".".join(versions[name].split(".")[:2]) if versions.get(name) else None

    return Wanted(
        wordpress=minor("wordpress"),
        php=minor("php"),
        plugin_dir=system.get("plugin", {}).get("dir"),
        plugin_file=Path(system.get("plugin", {}).get("file", "")).name or None,
        backend_image=system.get("backend", {}).get("image"),
        extra_plugins=tuple(p["dir"] for p in system.get("extra_plugins", []) if p.get("dir")) or None,
    )


def prepare(check: checks.Check, ctx: CheckContext) -> None:
    """What must hold before the check runs (its `needs`), from a fresh site and tenant."""
    assert ctx.wp is not None and ctx.settings is not None and ctx.target is not None
    if check.needs == "nothing":
        return
    ctx.wp.reset()
    if check.needs == "wordpress":
        outcome = ctx.settings.connect(ctx.target.backend_url_for_plugin, ctx.backend.api_key)
        assert outcome.kind == "success", f"could not connect: {outcome}"
    else:
        assert ctx.backend.connect().status_code == 200


def replay(doc: dict[str, Any], stack: Stack) -> str | None:
    """Runs the recorded example once; returns None if it passes now, else the failure's message."""
    options = doc.get("options", {})
    ctx = stack_context(stack, options.get("manifest"), options.get("backend_observer"))
    check = checks.get(doc["kind"])
    try:
        prepare(check, ctx)
        check.run(ctx, doc["example"])
    except AssertionError as exc:
        return str(exc)
    return None


def run(path: str, keep: bool = False, stack_name: str | None = None, extra_plugins: tuple[str, ...] | None = None) -> int:
    """`extra_plugins` (--with-plugin) replace the third-party plugins the recorded run had."""
    doc = load(path)
    say(f"replaying {doc['kind']} from {doc.get('test', '?')} (seed {doc.get('seed')})")
    wanted = wanted_from(doc)
    if extra_plugins:
        wanted = replace(wanted, extra_plugins=tuple(extra_plugins))
    with running_stack(wanted, attach=stack_name, keep=keep) as stack:
        failure = replay(doc, stack)
    if failure:
        print(f"REPRODUCED: {failure}")
        return 1
    print("not reproduced: the example passes now")
    return 0
