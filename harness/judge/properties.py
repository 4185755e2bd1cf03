"""The end-to-end properties, as registered checks (harness.judge.checks): the tests run them per
example, and `igny8 repro` runs them again with a recorded example."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema.protocols import Validator
from requests import Response

from harness.clients.wordpress import STRUCTURE_HOOK, WordPressClient
from harness.generate import sites
from harness.generate.strategies import newer
from harness.judge.checks import CheckContext, check
from harness.judge.expect import differences, expected_structure, served_structure
from harness.judge.observed import as_served, later_than_stored, observed, stored_structure
from harness.spec import spec
from harness.spec.formats import schema_validator


def sync_site(wp: WordPressClient, site: dict[str, Any]) -> None:
    """Makes WordPress hold `site` (replacing the previous custom structure), then runs the daily sync."""
    refused = wp.register(site["post_types"], site["taxonomies"])["errors"]
    assert not refused, f"WordPress refused the site: {refused}"
    if site["posts"]:
        wp.create_posts(site["posts"])
    for taxonomy, names in site.get("terms", {}).items():
        wp.create_terms(taxonomy, names)
    ran = wp.run_cron(STRUCTURE_HOOK)
    assert ran == [STRUCTURE_HOOK], f"the daily event did not run (ran: {ran}); is the plugin connected?"


@check("wp-sync", needs="wordpress")
def check_wp_sync(ctx: CheckContext, site: dict[str, Any]) -> None:
    """WordPress to backend: after a sync the served structure equals WordPress's own view, and a
    second sync changes nothing (CONC-2). Entries of the previous site must be gone (STORE-1)."""
    assert ctx.wp is not None, "this check drives WordPress: it needs a stack with WordPress"
    wp, backend = ctx.wp, ctx.backend
    sync_site(wp, site)
    wordpress = wp.state()["wordpress"]
    served = backend.read_back()
    diff = differences(expected_structure(wordpress), served_structure(served))
    assert not diff, "the backend differs from WordPress after a sync:\n" + "\n".join(diff)
    if ctx.observer is not None:
        stored = ctx.observer.integration(backend.integration_id)
        errors = [f"{e.json_path}: {e.message}" for e in _validator().iter_errors(stored["structure"] if stored else None)]
        assert not errors, "the structure the plugin sent is not valid against structure.schema.json:\n" + "\n".join(errors[:10])
    wp.run_cron(STRUCTURE_HOOK)
    again = backend.read_back()
    assert _without_time(again) == _without_time(served), "a second sync of the same site changed the read-back"


@lru_cache(maxsize=1)
def _validator() -> Validator:
    return schema_validator(json.loads(spec.structure_schema_path().read_text()))


def _without_time(read: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in read.items() if k not in ("last_structure_fetch", "generated_at")}


@check("api-valid", needs="backend")
def check_valid_payload(ctx: CheckContext, payload: dict[str, Any]) -> None:
    """Any schema-valid payload is accepted and reads back the same (READ-1)."""
    backend = ctx.backend
    payload = newer(payload, later_than_stored(ctx.backend, ctx.observer))
    response = backend.update_structure(payload)
    assert response.status_code == 200, f"a valid payload was refused: {response.status_code} {response.text[:500]}"
    served = backend.read_back()
    for kind in ("post_types", "taxonomies"):
        got = {slug: {k: v for k, v in e.items() if k != "synced_count"} for slug, e in served[kind].items()}
        assert got == payload[kind], f"{kind} read back differently"
    assert (served["site_url"], served["wp_version"], served["plugin_version"]) == (payload["site_url"], payload["wp_version"], payload["plugin_version"])


def check_refused(response: Response, what: str) -> dict[str, Any]:
    """A refusal is a 4xx JSON error that names the problem."""
    assert 400 <= response.status_code < 500, f"{what}: answered {response.status_code}, not a 4xx: {response.text[:300]}"
    assert response.headers.get("Content-Type", "").startswith("application/json"), f"{what}: the refusal is not JSON"
    error: dict[str, Any] = response.json().get("error", {})
    assert error.get("code") and error.get("message"), f"{what}: the refusal does not say what is wrong: {response.text[:300]}"
    return error


@check("api-invalid", needs="backend")
def check_invalid_payload(ctx: CheckContext, case: Sequence[Any]) -> None:
    """case: (how it is broken, payload). Refused, naming a path, and nothing stored."""
    how, payload = case
    before = observed(ctx.backend, ctx.observer)
    error = check_refused(ctx.backend.update_structure(payload), how)
    assert error["details"], f"{how}: the refusal names no path"
    assert observed(ctx.backend, ctx.observer) == before, f"{how}: refused, yet stored"


@check("api-malformed", needs="backend")
def check_malformed_body(ctx: CheckContext, case: Sequence[str]) -> None:
    """case: (the body as latin-1 text, so that it can be written to a repro file; its content type)."""
    text, content_type = case
    body = text.encode("latin-1")
    before = observed(ctx.backend, ctx.observer)
    response = ctx.backend.call("POST", f"{ctx.backend.integration_id}/update-structure/", data=body, headers={"Content-Type": content_type})
    check_refused(response, f"body {body[:40]!r} as {content_type}")
    assert observed(ctx.backend, ctx.observer) == before, f"body {body[:40]!r} as {content_type}: refused, yet stored"


@check("api-order", needs="backend")
def check_older_never_overwrites(ctx: CheckContext, case: Sequence[Any]) -> None:
    """CONC-1: of two structures `gap` microseconds apart, the newer stays though the older arrives last.
    The newer is dated just after the stored one and the older `gap` before it, so that examples in a
    row never carry the stored time far ahead of the clock (CONC-3 refuses more than 5 minutes)."""
    backend = ctx.backend
    first, second, gap = case
    base = later_than_stored(ctx.backend, ctx.observer)
    older, newer_payload = newer(first, base - timedelta(microseconds=gap)), newer(second, base)
    assert backend.update_structure(newer_payload).status_code == 200
    response = backend.update_structure(older)
    assert response.status_code == 409, f"an older structure answered {response.status_code}, not 409"
    assert stored_structure(backend, ctx.observer) == as_served(newer_payload), "an older structure overwrote the newer one"


def write_repro(directory: Path | None, name: str, kind: str, example: Any, context: dict[str, Any]) -> Path | None:
    """A self-contained repro file: what to replay, with which seed, on which versions."""
    if directory is None:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    path.write_text(json.dumps({"kind": kind, "example": example, **context}, indent=2, ensure_ascii=False))
    return path


@check("site-sync", needs="nothing")
def check_site_sync(ctx: CheckContext, site: dict[str, Any]) -> None:
    """A site of the given shape, built before the plugin connects; after Connect and a daily sync,
    the backend holds WordPress's own view of it (STRUCT-2..5, STORE-1)."""
    assert ctx.wp is not None and ctx.settings is not None and ctx.target is not None, "this check builds a WordPress site: it needs a stack"
    wp, backend = ctx.wp, ctx.backend
    sites.build(wp, sites.NO_SITE)
    present = wp.state()["wordpress"]  # WordPress's own and the third-party plugins' registrations stay theirs
    profile = sites.SiteProfile(
        name=site.get("name", "field-report"),
        post_types={k: v for k, v in site["post_types"].items() if k not in present["post_types"]},
        taxonomies={k: v for k, v in site["taxonomies"].items() if k not in present["taxonomies"]},
        terms=site.get("terms", {}),
        posts=site.get("posts", []),
    )
    sites.build(wp, profile)
    if ctx.observer is not None:
        ctx.observer.reset(backend.integration_id)
    outcome = ctx.settings.connect(ctx.target.backend_url_for_plugin, backend.api_key)
    assert outcome.kind == "success", f"Connect did not succeed on a site of this shape: {outcome}"
    wp.run_cron(STRUCTURE_HOOK)
    diff = differences(expected_structure(wp.state()["wordpress"]), served_structure(backend.read_back()))
    assert not diff, "the backend differs from WordPress on a site of this shape:\n" + "\n".join(diff[:40])
