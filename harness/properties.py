"""The end-to-end properties, as registered checks (harness.checks): the tests run them per
example, and `igny8 repro` runs them again with a recorded example."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from requests import Response

from .checks import CheckContext, check
from .clients.backend import BackendClient
from .clients.wordpress import WordPressClient
from .expect import differences, expected_structure, served_structure
from .strategies import newer


def sync_site(wp: WordPressClient, site: dict[str, Any]) -> None:
    """Makes WordPress hold `site` (replacing the previous custom structure), then runs the daily sync."""
    refused = wp.register(site["post_types"], site["taxonomies"])["errors"]
    assert not refused, f"WordPress refused the site: {refused}"
    if site["posts"]:
        wp.create_posts(site["posts"])
    for taxonomy, names in site.get("terms", {}).items():
        wp.create_terms(taxonomy, names)
    ran = wp.run_cron("igny8_sync_site_structure")
    assert ran == ["igny8_sync_site_structure"], f"the daily event did not run (ran: {ran}); is the plugin connected?"


@check("wp-sync", needs="wordpress")
def check_wp_sync(ctx: CheckContext, site: dict[str, Any]) -> None:
    """WordPress to backend: after a sync the served structure equals WordPress's own view, and a
    second sync changes nothing (CONC-2). Entries of the previous site must be gone (STORE-1)."""
    wp, backend, integration_id = _wordpress(ctx), ctx.backend, ctx.integration_id
    sync_site(wp, site)
    wordpress = wp.state()["wordpress"]
    served = backend.content_types(integration_id).json()
    diff = differences(expected_structure(wordpress), served_structure(served))
    assert not diff, "the backend differs from WordPress after a sync:\n" + "\n".join(diff)
    wp.run_cron("igny8_sync_site_structure")
    again = backend.content_types(integration_id).json()
    assert _without_time(again) == _without_time(served), "a second sync of the same site changed the read-back"


def _wordpress(ctx: CheckContext) -> WordPressClient:
    assert ctx.wp is not None, "this check drives WordPress: it needs a stack with WordPress"
    return ctx.wp


def _without_time(read: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in read.items() if k not in ("last_structure_fetch", "generated_at")}


@check("api-valid", needs="backend")
def check_valid_payload(ctx: CheckContext, payload: dict[str, Any]) -> None:
    """Any schema-valid payload is accepted and reads back the same (READ-1)."""
    backend, integration_id = ctx.backend, ctx.integration_id
    payload = newer(payload, datetime.now(UTC))
    response = backend.update_structure(integration_id, payload)
    assert response.status_code == 200, f"a valid payload was refused: {response.status_code} {response.text[:500]}"
    served = backend.content_types(integration_id).json()
    for kind in ("post_types", "taxonomies"):
        got = {slug: {k: v for k, v in e.items() if k != "synced_count"} for slug, e in served[kind].items()}
        assert got == payload[kind], f"{kind} read back differently"
    assert (served["site_url"], served["wp_version"], served["plugin_version"]) == (payload["site_url"], payload["wp_version"], payload["plugin_version"])


def check_refused(response: Response, what: str) -> dict[str, Any]:
    """A refusal is a 4xx JSON error that names the problem, and stored state is unchanged."""
    assert 400 <= response.status_code < 500, f"{what}: answered {response.status_code}, not a 4xx: {response.text[:300]}"
    assert response.headers.get("Content-Type", "").startswith("application/json"), f"{what}: the refusal is not JSON"
    error = response.json().get("error", {})
    assert error.get("code") and error.get("message"), f"{what}: the refusal does not say what is wrong: {response.text[:300]}"
    return error


@check("api-invalid", needs="backend")
def check_invalid_payload(ctx: CheckContext, case: Sequence[Any]) -> None:
    """case: (how it is broken, payload)."""
    backend, integration_id = ctx.backend, ctx.integration_id
    how, payload = case
    before = _row(backend, integration_id)
    error = check_refused(backend.update_structure(integration_id, payload), how)
    assert error["details"], f"{how}: the refusal names no path"
    after = _row(backend, integration_id)
    assert (after["config_json"], after["structure_synced_at"]) == (before["config_json"], before["structure_synced_at"]), f"{how}: refused, yet stored"


@check("api-malformed", needs="backend")
def check_malformed_body(ctx: CheckContext, case: Sequence[str]) -> None:
    """case: (the body as latin-1 text, so that it can be written to a repro file; its content type)."""
    backend, integration_id = ctx.backend, ctx.integration_id
    text, content_type = case
    body = text.encode("latin-1")
    before = _row(backend, integration_id)
    headers = {"Content-Type": content_type}
    response = backend.call("POST", f"{integration_id}/update-structure/", data=body, headers=headers)
    check_refused(response, f"body {body[:40]!r} as {content_type}")
    assert _row(backend, integration_id)["config_json"] == before["config_json"]


@check("api-order", needs="backend")
def check_older_never_overwrites(ctx: CheckContext, case: Sequence[Any]) -> None:
    """CONC-1: of two structures `gap` microseconds apart, the newer stays though the older arrives last.
    Both are dated after whatever the backend holds, so earlier examples do not interfere."""
    backend, integration_id = ctx.backend, ctx.integration_id
    first, second, gap = case
    stored = _row(backend, integration_id)["config_json"].get("content_types")
    base = max(datetime.now(UTC), datetime.fromisoformat(stored["generated_at"]) if stored else datetime.now(UTC)) + timedelta(seconds=1)
    older, newer_payload = newer(first, base), newer(second, base + timedelta(microseconds=gap))
    assert backend.update_structure(integration_id, newer_payload).status_code == 200
    response = backend.update_structure(integration_id, older)
    assert response.status_code == 409, f"an older structure answered {response.status_code}, not 409"
    stored = _row(backend, integration_id)["config_json"]["content_types"]
    assert stored == newer_payload, "an older structure overwrote the newer one"


def _row(backend: BackendClient, integration_id: int) -> dict[str, Any]:
    row = backend.integration_row(integration_id)
    assert row is not None, f"integration {integration_id} is gone from the backend"
    return row


def write_repro(directory: Path | None, name: str, kind: str, example: Any, context: dict[str, Any]) -> Path | None:
    """A self-contained repro file: what to replay, with which seed, on which versions."""
    if directory is None:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    path.write_text(json.dumps({"kind": kind, "example": example, **context}, indent=2, ensure_ascii=False))
    return path
