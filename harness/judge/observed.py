"""What an integration stores, as far as the run can see it: the read-back through the API, and,
with the backend's observer, every row it keeps. Equal before and after a request means the
request changed nothing (ERR-*, SEC-1, SEC-6: "a refused request changes no stored state")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from harness.clients.backend import BackendClient
from harness.target.observer import Observer


def observed(backend: BackendClient, observer: Observer | None, integration_id: int | None = None) -> dict[str, Any]:
    iid = integration_id or backend.integration_id
    response = backend.content_types(iid)
    state: dict[str, Any] = {"read_back": (response.status_code, response.text)}
    if observer is not None:
        state["stored"] = observer.snapshot(iid)
    return state


def later_than_stored(backend: BackendClient, observer: Observer | None) -> datetime:
    """A generated_at after whatever structure the integration holds (and a second after now): a
    structure dated so is never refused as stale, whatever earlier tests or runs left. Only a
    microsecond past the stored one, so that many calls in a row (a property's examples) stay near
    the clock: the backend refuses a generated_at more than 5 minutes ahead of its own (CONC-3)."""
    held = stored_structure(backend, observer)
    soon = datetime.now(UTC) + timedelta(seconds=1)
    if not held:
        return soon
    return max(datetime.fromisoformat(held["generated_at"].replace("Z", "+00:00")) + timedelta(microseconds=1), soon)


SERVED = ("generated_at", "site_url", "wp_version", "plugin_version", "post_types", "taxonomies")


def as_served(structure: dict[str, Any]) -> dict[str, Any]:
    """A payload or a read-back reduced to what both show: the fields the read-back serves, no synced counts."""
    entries = lambda kind: {slug: {k: v for k, v in e.items() if k != "synced_count"} for slug, e in structure[kind].items()}  # noqa: E731
    return {**{k: structure[k] for k in SERVED[:4]}, "post_types": entries("post_types"), "taxonomies": entries("taxonomies")}


def stored_structure(backend: BackendClient, observer: Observer | None, integration_id: int | None = None) -> dict[str, Any] | None:
    """The structure the backend holds, as served: from the observer's copy when there is one (what
    is stored), else from the read-back (what is served)."""
    iid = integration_id or backend.integration_id
    if observer is not None:
        row = observer.integration(iid)
        assert row is not None, f"integration {iid} is gone from the backend"
        return as_served(row["structure"]) if row["structure"] else None
    read = backend.read_back(iid)
    return as_served(read) if read["generated_at"] else None
