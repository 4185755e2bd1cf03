"""What the backend stores and how: accounts, sites, users, integrations, structures and content.

Every function takes an open connection; the caller decides the transaction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from . import security

WALKS_KEPT = 16  # CONTENT-7: at least the 8 most recently opened walks of an integration are kept

STATUS_LABELS = {
    "connected": "Connected",
    "not_connected": "Not connected",
    "disconnected": "Disconnected",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def rfc3339(moment: datetime | None) -> str | None:
    """The one text form of a stored time: UTC, microseconds, ``Z``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def site_key(url: str) -> str:
    """CONN-9 compares site URLs ignoring a trailing slash and letter case."""
    return url.strip().rstrip("/").lower()


class Refusal(Exception):
    """A request the stored state refuses: status, code, message, details."""

    def __init__(self, status: int, code: str, message: str, details: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []


# --- Keys ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyHolder:
    integration_id: int
    site_id: int
    revoked: bool
    active: bool


def find_key(conn: psycopg.Connection, key: str) -> KeyHolder | None:
    rows = conn.execute(
        "SELECT id, site_id, key_sha256, key_revoked_at IS NOT NULL AS revoked, is_active  FROM ig_integrations WHERE key_prefix = %s",
        (security.key_prefix(key),),
    ).fetchall()
    found = None
    for row in rows:  # every candidate is compared, in constant time each
        if security.digests_match(row["key_sha256"], key) and found is None:
            found = KeyHolder(row["id"], row["site_id"], row["revoked"], row["is_active"])
    return found


def key_refusal(holder: KeyHolder | None) -> Refusal | None:
    if holder is None:
        return Refusal(401, "invalid_api_key", "The API key is not valid.")
    if holder.revoked:
        return Refusal(401, "revoked_api_key", "The API key has been revoked.")
    if not holder.active:
        return Refusal(401, "invalid_api_key", "The API key's integration is inactive.")
    return None


# --- Integrations ----------------------------------------------------------------------------------------


def lock_integration(conn: psycopg.Connection, integration_id: int) -> dict[str, Any]:
    row = conn.execute(
        "SELECT i.*, s.name AS site_name FROM ig_integrations i JOIN ig_sites s ON s.id = i.site_id WHERE i.id = %s FOR UPDATE OF i",
        (integration_id,),
    ).fetchone()
    if row is None:  # deleted under us
        raise Refusal(404, "not_found", "No such integration.")
    refusal = key_refusal(KeyHolder(row["id"], row["site_id"], row["key_revoked_at"] is not None, row["is_active"]))
    if refusal is not None:
        raise refusal
    return row


def connect(conn: psycopg.Connection, integration_id: int, site_url: str | None) -> dict[str, Any]:
    row = lock_integration(conn, integration_id)
    bound = row["bound_site_url"]
    if site_url is not None and bound is not None and site_key(bound) != site_key(site_url):
        raise Refusal(
            409,
            "site_mismatch",
            "This integration is connected to another site; disconnect it there first.",
            [{"path": "$.site_url", "message": "differs from the site this integration is bound to"}],
        )
    conn.execute(
        "UPDATE ig_integrations SET status = 'connected', connected_at = %s, bound_site_url = COALESCE(%s, bound_site_url) WHERE id = %s",
        (utcnow(), site_url, integration_id),
    )
    return {**row, "status": "connected"}


def disconnect(conn: psycopg.Connection, integration_id: int) -> dict[str, Any]:
    row = lock_integration(conn, integration_id)
    conn.execute(
        "UPDATE ig_integrations SET status = 'disconnected', disconnected_at = %s, bound_site_url = NULL WHERE id = %s",
        (utcnow(), integration_id),
    )
    return {**row, "status": "disconnected"}


def state(conn: psycopg.Connection, integration_id: int) -> dict[str, Any]:
    return conn.execute(
        "SELECT i.*, s.name AS site_name FROM ig_integrations i JOIN ig_sites s ON s.id = i.site_id WHERE i.id = %s",
        (integration_id,),
    ).fetchone()


# --- Structure -------------------------------------------------------------------------------------------


def store_structure(conn: psycopg.Connection, integration_id: int, payload: dict[str, Any], generated_at: datetime) -> datetime:
    row = lock_integration(conn, integration_id)
    if row["status"] != "connected":
        raise Refusal(409, "not_connected", "The integration is not connected: connect before sending a structure.")
    bound = row["bound_site_url"]
    if bound is not None and site_key(bound) != site_key(payload["site_url"]):
        raise Refusal(
            409,
            "site_mismatch",
            "The structure comes from another site than the one this integration is bound to.",
            [{"path": "$.site_url", "message": "differs from the site this integration is bound to"}],
        )
    stored = row["structure_generated_at"]
    if stored is not None and generated_at < stored:
        raise Refusal(
            409, "stale_structure", "A newer structure is already stored.", [{"path": "$.generated_at", "message": f"older than the stored {rfc3339(stored)}"}]
        )
    accepted = utcnow()
    previous = row["structure_synced_at"]
    if previous is not None and accepted <= previous:  # every accepted sync advances the time (STORE-2)
        accepted = previous + timedelta(microseconds=1)
    conn.execute(
        "UPDATE ig_integrations SET structure = %s, structure_generated_at = %s, last_structure_fetch = %s, structure_synced_at = %s WHERE id = %s",
        (Jsonb(payload), generated_at, rfc3339(accepted), accepted, integration_id),
    )
    return accepted


def synced_counts(conn: psycopg.Connection, integration_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """READ-2 from the counters kept with every content change (the items themselves are the truth;
    the observer derives the synced terms from them)."""
    types = {
        r["post_type"]: r["items"]
        for r in conn.execute("SELECT post_type, items FROM ig_type_counts WHERE integration_id = %s AND items > 0", (integration_id,))
    }
    taxonomies = {
        r["taxonomy"]: r["n"]
        for r in conn.execute(
            "SELECT taxonomy, count(*) AS n FROM ig_term_counts WHERE integration_id = %s AND items > 0 GROUP BY taxonomy",
            (integration_id,),
        )
    }
    return types, taxonomies


def read_back(conn: psycopg.Connection, integration_id: int) -> dict[str, Any]:
    row = state(conn, integration_id)
    structure = row["structure"] or {}
    types, taxonomies = synced_counts(conn, integration_id)
    post_types = {slug: {**entry, "synced_count": types.get(slug, 0)} for slug, entry in (structure.get("post_types") or {}).items()}
    taxes = {name: {**entry, "synced_count": taxonomies.get(name, 0)} for name, entry in (structure.get("taxonomies") or {}).items()}
    return {
        "integration_id": row["id"],
        "site_id": row["site_id"],
        "status": row["status"],
        "is_active": row["is_active"],
        "last_structure_fetch": row["last_structure_fetch"],
        "generated_at": structure.get("generated_at"),
        "site_url": structure.get("site_url"),
        "wp_version": structure.get("wp_version"),
        "plugin_version": structure.get("plugin_version"),
        "post_types": post_types,
        "taxonomies": taxes,
    }


# --- Content -----------------------------------------------------------------------------------------------

UPSERT = """
INSERT INTO ig_content_items
    (integration_id, external_id, post_type, title, status, url, modified_gmt, terms, named_seq, synced_at)
SELECT %(id)s, u.external_id, u.post_type, u.title, u.status, u.url, u.modified_gmt, u.terms, %(seq)s, %(now)s
  FROM unnest(%(external_id)s::bigint[], %(post_type)s::text[], %(title)s::text[], %(status)s::text[],
              %(url)s::text[], %(modified_gmt)s::text[], %(terms)s::jsonb[])
       AS u(external_id, post_type, title, status, url, modified_gmt, terms)
ON CONFLICT (integration_id, external_id) DO UPDATE SET
    post_type = EXCLUDED.post_type, title = EXCLUDED.title, status = EXCLUDED.status, url = EXCLUDED.url,
    modified_gmt = EXCLUDED.modified_gmt, terms = EXCLUDED.terms, named_seq = EXCLUDED.named_seq,
    synced_at = EXCLUDED.synced_at
"""


def _terms_of(terms: dict[str, list[str]] | None) -> set[tuple[str, str]]:
    return {(taxonomy, slug) for taxonomy, slugs in (terms or {}).items() for slug in slugs}


class _Counts:
    """Changes to the synced counters, applied once per batch."""

    def __init__(self) -> None:
        self.types: Counter[str] = Counter()
        self.terms: Counter[tuple[str, str]] = Counter()

    def add(self, post_type: str, terms: dict[str, list[str]] | None, sign: int) -> None:
        self.types[post_type] += sign
        for term in _terms_of(terms):
            self.terms[term] += sign

    def apply(self, conn: psycopg.Connection, integration_id: int) -> None:
        types = [(k, v) for k, v in self.types.items() if v]
        terms = [(k[0], k[1], v) for k, v in self.terms.items() if v]
        if types:
            names, changes = [list(x) for x in zip(*types, strict=True)]
            conn.execute(
                "INSERT INTO ig_type_counts (integration_id, post_type, items)"
                " SELECT %s, u.post_type, u.n FROM unnest(%s::text[], %s::int[]) AS u(post_type, n)"
                " ON CONFLICT (integration_id, post_type) DO UPDATE SET items = ig_type_counts.items + EXCLUDED.items",
                (integration_id, names, changes),
            )
            conn.execute(
                "DELETE FROM ig_type_counts WHERE integration_id = %s AND post_type = ANY(%s) AND items <= 0",
                (integration_id, names),
            )
        if terms:
            taxonomies, slugs, changes = [list(x) for x in zip(*terms, strict=True)]
            conn.execute(
                "INSERT INTO ig_term_counts (integration_id, taxonomy, slug, items)"
                " SELECT %s, u.taxonomy, u.slug, u.n FROM unnest(%s::text[], %s::text[], %s::int[]) AS u(taxonomy, slug, n)"
                " ON CONFLICT (integration_id, taxonomy, slug) DO UPDATE SET items = ig_term_counts.items + EXCLUDED.items",
                (integration_id, taxonomies, slugs, changes),
            )
            conn.execute(
                "DELETE FROM ig_term_counts c USING unnest(%s::text[], %s::text[]) AS u(taxonomy, slug)"
                " WHERE c.integration_id = %s AND c.taxonomy = u.taxonomy AND c.slug = u.slug AND c.items <= 0",
                (taxonomies, slugs, integration_id),
            )


def sync_content(conn: psycopg.Connection, integration_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Upsert the items, remove the deleted, and keep the walk's books (CONTENT-1, CONTENT-7)."""
    row = lock_integration(conn, integration_id)
    if row["status"] != "connected":
        raise Refusal(409, "not_connected", "The integration is not connected: connect before sending content.")
    walk_in = body.get("walk")
    walk = None
    if walk_in is not None:
        walk = conn.execute(
            "SELECT * FROM ig_walks WHERE integration_id = %s AND walk_id = %s FOR UPDATE",
            (integration_id, walk_in["id"]),
        ).fetchone()
        if walk is not None and walk["ended_at"] is None and walk_in["batch"] in walk["batches_seen"]:
            # This batch was applied already, its answer lost: it changes nothing.
            return {"upserted": 0, "deleted": 0, "duplicate": True}

    seq = row["content_seq"] + 1
    now = utcnow()
    items: dict[int, dict[str, Any]] = {}
    for item in body.get("items") or []:
        items[item["external_id"]] = item  # the last of one id in a batch wins
    gone = {d["external_id"] for d in body.get("deleted") or []}
    counts = _Counts()
    touched = sorted(set(items) | gone)
    if touched:
        for old in conn.execute(
            "SELECT post_type, terms FROM ig_content_items WHERE integration_id = %s AND external_id = ANY(%s)",
            (integration_id, touched),
        ):
            counts.add(old["post_type"], old["terms"], -1)
    kept = {ext: it for ext, it in items.items() if ext not in gone}  # named in both: deleted
    for it in kept.values():
        counts.add(it["post_type"], it.get("terms"), +1)
    if kept:
        rows = list(kept.items())
        conn.execute(
            UPSERT,
            {
                "id": integration_id,
                "seq": seq,
                "now": now,
                "external_id": [ext for ext, _ in rows],
                "post_type": [it["post_type"] for _, it in rows],
                "title": [it["title"] for _, it in rows],
                "status": [it["status"] for _, it in rows],
                "url": [it.get("url") or "" for _, it in rows],
                "modified_gmt": [it.get("modified_gmt") for _, it in rows],
                "terms": [Jsonb(it.get("terms") or {}) for _, it in rows],
            },
        )
    deleted = 0
    if gone:
        deleted += conn.execute(
            "DELETE FROM ig_content_items WHERE integration_id = %s AND external_id = ANY(%s)",
            (integration_id, sorted(gone)),
        ).rowcount

    if walk_in is not None:
        batch, last = walk_in["batch"], bool(walk_in.get("last", False))
        is_open = walk is not None and walk["ended_at"] is None
        if walk is None and batch == 0:  # batch 0 opens the walk
            walk = conn.execute(
                "INSERT INTO ig_walks (integration_id, walk_id, opened_seq, batches_seen) VALUES (%s, %s, %s, %s) RETURNING *",
                (integration_id, walk_in["id"], seq, [0]),
            ).fetchone()
            is_open = True
            _forget_old_walks(conn, integration_id)
        elif is_open:
            walk = conn.execute(
                "UPDATE ig_walks SET batches_seen = array_append(batches_seen, %s) WHERE integration_id = %s AND walk_id = %s RETURNING *",
                (batch, integration_id, walk_in["id"]),
            ).fetchone()
        if last and is_open:
            seen = set(walk["batches_seen"])
            if all(n in seen for n in range(batch)):
                # Every batch before this one arrived: what no batch named since the walk opened is gone.
                for old in conn.execute(
                    "DELETE FROM ig_content_items WHERE integration_id = %s AND named_seq < %s RETURNING post_type, terms",
                    (integration_id, walk["opened_seq"]),
                ):
                    counts.add(old["post_type"], old["terms"], -1)
                    deleted += 1
            conn.execute(
                "UPDATE ig_walks SET ended_at = %s WHERE integration_id = %s AND walk_id = %s",
                (now, integration_id, walk_in["id"]),
            )
    counts.apply(conn, integration_id)
    conn.execute("UPDATE ig_integrations SET content_seq = %s WHERE id = %s", (seq, integration_id))
    return {"upserted": len(kept), "deleted": deleted}


def _forget_old_walks(conn: psycopg.Connection, integration_id: int) -> None:
    conn.execute(
        "DELETE FROM ig_walks WHERE integration_id = %(id)s AND walk_id NOT IN ("
        " SELECT walk_id FROM ig_walks WHERE integration_id = %(id)s ORDER BY opened_seq DESC, opened_at DESC LIMIT %(kept)s)",
        {"id": integration_id, "kept": WALKS_KEPT},
    )


# --- The tab -----------------------------------------------------------------------------------------------


def badge(row: dict[str, Any]) -> str:
    if not row["is_active"]:
        return "Inactive"
    if row["key_revoked_at"] is not None:
        return "Key revoked"
    return STATUS_LABELS.get(row["status"], row["status"])


def site_for_user(conn: psycopg.Connection, site_id: int, user_id: int) -> dict[str, Any] | None:
    return conn.execute(
        "SELECT s.* FROM ig_sites s JOIN ig_users u ON u.account_id = s.account_id WHERE s.id = %s AND u.id = %s",
        (site_id, user_id),
    ).fetchone()


def primary_integration(conn: psycopg.Connection, site_id: int) -> dict[str, Any] | None:
    return conn.execute(
        "SELECT * FROM ig_integrations WHERE site_id = %s AND platform = 'wordpress' ORDER BY id LIMIT 1",
        (site_id,),
    ).fetchone()
