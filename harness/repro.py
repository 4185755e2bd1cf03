"""`igny8 repro FILE`: replays a recorded failing example on a fresh stack with the same
implementations and WordPress version, and says whether it still fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import checks
from .checks import CheckContext
from .clients.backend import BackendClient
from .clients.wordpress import WordPressClient
from .progress import say
from .stack.config import DEFAULT_WORDPRESS, StackConfig
from .stack.stack import Stack, running_stack


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


def config_from(doc: dict[str, Any]) -> StackConfig:
    system = doc.get("system", {})
    version = system.get("versions", {}).get("wordpress", DEFAULT_WORDPRESS)
    return StackConfig(
        wordpress=".".join(version.split(".")[:2]),
        plugin_dir=system.get("plugin", {}).get("dir") or StackConfig().plugin_dir,
        backend_image=system.get("backend", {}).get("image") or StackConfig().backend_image,
    )


def replay(doc: dict[str, Any], stack: Stack) -> str | None:
    """Runs the recorded example once; returns None if it passes now, else the failure's message."""
    wp, backend = WordPressClient.for_stack(stack), BackendClient.for_target(stack)
    wp.login()
    check = checks.get(doc["kind"])
    try:
        if check.needs != "nothing":
            wp.reset()
            backend.reset()
        if check.needs == "wordpress":
            page, _ = wp.connect(stack.urls.backend_for_plugin, stack.secrets.api_key)
            assert wp.notice(page)[0] == "success", f"could not connect: {wp.notice(page)}"
        elif check.needs == "backend":
            assert backend.connect().status_code == 200
        check.run(CheckContext(backend, backend.only_integration_id(), wp, stack), doc["example"])
    except AssertionError as exc:
        return str(exc)
    return None


def run(path: str, keep: bool = False, stack_name: str | None = None) -> int:
    doc = load(path)
    say(f"replaying {doc['kind']} from {doc.get('test', '?')} (seed {doc.get('seed')})")
    with running_stack(config_from(doc), attach=stack_name, keep=keep) as stack:
        failure = replay(doc, stack)
    if failure:
        print(f"REPRODUCED: {failure}")
        return 1
    print("not reproduced: the example passes now")
    return 0
