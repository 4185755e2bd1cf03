"""Tenants: the seed command, the integration state command and the seeding at start (CONTRACT.md 2.1)."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from typing import Any

import psycopg

from . import db, security, store

log = logging.getLogger("igny8alt.tenants")

SEED_TENANTS_FILE = "/tmp/igny8-seed-tenants.json"
STACK_ACCOUNT = "IGNY8 stack"
STACK_SITE = "IGNY8 stack site"


class TenantError(RuntimeError):
    pass


def _account(conn: psycopg.Connection, name: str) -> int:
    row = conn.execute(
        "INSERT INTO ig_accounts (name) VALUES (%s) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id",
        (name,),
    ).fetchone()
    return row["id"]


def _site(conn: psycopg.Connection, account_id: int, name: str) -> int:
    row = conn.execute(
        "INSERT INTO ig_sites (account_id, name) VALUES (%s, %s) ON CONFLICT (account_id, name) DO UPDATE SET name = EXCLUDED.name RETURNING id",
        (account_id, name),
    ).fetchone()
    return row["id"]


def _user(conn: psycopg.Connection, account_id: int, username: str, password: str | None) -> tuple[int, str | None]:
    """The account's user of this name: made with ``password`` (or a fresh one) if missing.

    Returns the user's id and the password it was made with, or None for a user that already was.
    """
    key = security.login_key(username)
    if not key:
        raise TenantError("a username may not be blank")
    row = conn.execute("SELECT id, account_id FROM ig_users WHERE login_key = %s", (key,)).fetchone()
    if row is not None:
        if row["account_id"] != account_id:
            raise TenantError(f"the username {username!r} belongs to another account")
        return row["id"], None
    password = password or security.new_password()
    row = conn.execute(
        "INSERT INTO ig_users (account_id, username, login_key, password_hash) VALUES (%s, %s, %s, %s) RETURNING id",
        (account_id, username, key, security.hash_password(password)),
    ).fetchone()
    return row["id"], password


def _new_integration(conn: psycopg.Connection, site_id: int, key: str) -> int:
    row = conn.execute(
        "INSERT INTO ig_integrations (site_id, key_prefix, key_sha256) VALUES (%s, %s, %s) RETURNING id",
        (site_id, security.key_prefix(key), security.key_digest(key)),
    ).fetchone()
    return row["id"]


def seed(account: str, site: str, username: str, another_integration: bool = False, password: str | None = None, api_key: str | None = None) -> dict[str, Any]:
    """Make (or find) an account, its site and user, and a WordPress integration with a fresh key.

    Without ``another_integration`` the site's first integration is reused, with a fresh key (the old
    one stops working, since only its hash is kept); with it, a new integration with its own key.
    An existing user keeps its password: the answer's ``password`` is then null.
    """
    if not account.strip() or not site.strip():
        raise TenantError("an account and a site need a name")
    key = api_key or security.new_api_key()
    with db.transaction() as conn:
        account_id = _account(conn, account)
        site_id = _site(conn, account_id, site)
        _, made_password = _user(conn, account_id, username, password)
        first = None if another_integration else store.primary_integration(conn, site_id)
        if first is None:
            integration_id = _new_integration(conn, site_id, key)
        else:
            integration_id = first["id"]
            conn.execute(
                "UPDATE ig_integrations SET key_prefix = %s, key_sha256 = %s, key_revoked_at = NULL WHERE id = %s",
                (security.key_prefix(key), security.key_digest(key), integration_id),
            )
    return {
        "integration_id": integration_id,
        "site_id": site_id,
        "api_key": key,
        "username": username,
        "password": made_password,
    }


def set_state(integration_id: int, action: str) -> dict[str, Any]:
    with db.transaction() as conn:
        row = conn.execute("SELECT id FROM ig_integrations WHERE id = %s FOR UPDATE", (integration_id,)).fetchone()
        if row is None:
            raise TenantError(f"no integration {integration_id}")
        if action == "revoke-key":
            conn.execute("UPDATE ig_integrations SET key_revoked_at = COALESCE(key_revoked_at, %s) WHERE id = %s", (store.utcnow(), integration_id))
        elif action == "deactivate":
            conn.execute("UPDATE ig_integrations SET is_active = false WHERE id = %s", (integration_id,))
        elif action == "activate":
            conn.execute("UPDATE ig_integrations SET is_active = true WHERE id = %s", (integration_id,))
        elif action != "show":
            raise TenantError(f"unknown action {action}")
        return describe(conn, integration_id)


def describe(conn: psycopg.Connection, integration_id: int) -> dict[str, Any]:
    row = store.state(conn, integration_id)
    return {
        "integration_id": row["id"],
        "site_id": row["site_id"],
        "status": row["status"],
        "is_active": row["is_active"],
        "key_revoked": row["key_revoked_at"] is not None,
        "badge": store.badge(row),
    }


# --- At start ---------------------------------------------------------------------------------------------


def seed_at_start(api_key: str | None, username: str | None, password: str | None, tenants: tuple[str, ...]) -> None:
    if api_key:
        with db.connection() as conn:
            known = store.find_key(conn, api_key) is not None
        if not known:
            try:
                made = seed(STACK_ACCOUNT, STACK_SITE, username or "igny8", another_integration=True, password=password, api_key=api_key)
                log.info("seeded the stack's integration %s", made["integration_id"])
            except TenantError as exc:
                log.warning("could not seed the stack's integration: %s", exc)
    made_tenants: dict[str, Any] = {}
    for name in tenants:
        with db.connection() as conn:
            exists = conn.execute("SELECT 1 FROM ig_accounts WHERE name = %s", (name,)).fetchone() is not None
        if exists:
            continue
        try:
            made_tenants[name] = seed(name, f"{name} site", name.lower())
        except TenantError as exc:
            log.warning("could not seed tenant %s: %s", name, exc)
    if made_tenants:
        write_secret_file(SEED_TENANTS_FILE, made_tenants)


def write_secret_file(path: str, data: Any) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".igny8-seed-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
