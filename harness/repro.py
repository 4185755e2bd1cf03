"""`igny8 repro FILE`: replays a recorded failing example on a fresh stack with the same
implementations and WordPress version, and says whether it still fails."""

import json
from pathlib import Path

from . import properties
from .clients.backend import BackendClient
from .clients.wordpress import WordPressClient
from .progress import say
from .stack.project import Stack, StackConfig
from .stateful import SyncModel

API_CHECKS = {
    "api-valid": properties.check_valid_payload,
    "api-invalid": properties.check_invalid_payload,
    "api-malformed": properties.check_malformed_body,
    "api-order": properties.check_older_never_overwrites,
}


def load(path):
    path = Path(path)
    try:
        doc = json.loads(path.read_text())
        kind = doc["kind"]
        doc["example"]  # noqa: B018  (must be there)
    except (OSError, ValueError, KeyError) as exc:
        raise ValueError(f"{path} is not a repro file (a JSON with kind and example, written under reports/<run>/repro/): {exc}") from exc
    if kind not in (*API_CHECKS, "wp-sync", "stateful"):
        raise ValueError(f"{path}: unknown kind {kind!r}")
    return doc


def config_from(doc):
    system = doc.get("system", {})
    version = system.get("versions", {}).get("wordpress", "6.1")
    return StackConfig(
        wordpress=".".join(version.split(".")[:2]),
        plugin_dir=system.get("plugin", {}).get("dir") or StackConfig().plugin_dir,
        backend_image=system.get("backend", {}).get("image") or StackConfig().backend_image,
    )


def replay(doc, stack):
    """Runs the recorded example once; returns None if it passes now, else the failure's message."""
    wp, backend = WordPressClient.for_stack(stack), BackendClient.for_stack(stack)
    wp.login()
    kind, example = doc["kind"], doc["example"]
    try:
        if kind == "stateful":
            SyncModel(wp, backend, stack).replay([dict(step) for step in example])
            return None
        wp.reset()
        backend.reset()
        if kind == "wp-sync":
            page, _ = wp.connect(stack.urls.backend_for_plugin, stack.secrets.api_key)
            assert wp.notice(page)[0] == "success", f"could not connect: {wp.notice(page)}"
            properties.check_wp_sync(wp, backend, backend.only_integration_id(), example)
        else:
            assert backend.connect().status_code == 200
            API_CHECKS[kind](backend, backend.only_integration_id(), tuple(example) if isinstance(example, list) else example)
    except AssertionError as exc:
        return str(exc)
    return None


def run(path, keep=False, stack_name=None):
    doc = load(path)
    say(f"replaying {doc['kind']} from {doc.get('test', '?')} (seed {doc.get('seed')})")
    stack = Stack.attach(stack_name) if stack_name else Stack.create(config_from(doc))
    stack.config.keep = keep or bool(stack_name)
    try:
        if not stack_name:
            stack.up()
        failure = replay(doc, stack)
    finally:
        if not stack.config.keep:
            stack.down()
        else:
            say(f"left running for inspection: {stack.name} (`igny8 status {stack.name} --show-secrets`)")
    if failure:
        print(f"REPRODUCED: {failure}")
        return 1
    print("not reproduced: the example passes now")
    return 0
