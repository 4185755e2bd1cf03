"""PostgreSQL through psycopg 3: a small per-process pool, the schema, and waiting for the server.

Connections are autocommit; every change runs inside an explicit ``conn.transaction()``. A pooled
connection is pinged when taken, so that a database restarted under a running backend costs no
failed request (OPS-3 stops PostgreSQL in the middle of a run).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import conninfo as pg_conninfo
from psycopg import sql as pg_sql
from psycopg.rows import dict_row

from .config import settings

log = logging.getLogger("igny8alt.db")

CONNECT_TIMEOUT = 3  # seconds: a stopped database must not hold a health check for long


class DatabaseUnavailable(RuntimeError):
    """The database did not answer."""


def connect(url: str | None = None) -> psycopg.Connection:
    return psycopg.connect(
        url or settings().database_url,
        autocommit=True,
        row_factory=dict_row,
        connect_timeout=CONNECT_TIMEOUT,
        application_name="igny8-backend-alt",
    )


class Pool:
    def __init__(self, size: int = 8) -> None:
        self._idle: list[psycopg.Connection] = []
        self._lock = threading.Lock()
        self._size = size
        self._pid = os.getpid()

    def _fresh(self) -> psycopg.Connection:
        try:
            return connect()
        except psycopg.Error as exc:
            raise DatabaseUnavailable("no connection") from exc

    def get(self) -> psycopg.Connection:
        with self._lock:
            if self._pid != os.getpid():  # forked: the parent's connections are not ours
                self._idle, self._pid = [], os.getpid()
            conn = self._idle.pop() if self._idle else None
        if conn is not None:
            try:
                conn.execute("SELECT 1")
                return conn
            except psycopg.Error:
                _close(conn)
        return self._fresh()

    def put(self, conn: psycopg.Connection) -> None:
        healthy = not conn.closed and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        with self._lock:
            if healthy and self._pid == os.getpid() and len(self._idle) < self._size:
                self._idle.append(conn)
                return
        _close(conn)

    def discard(self, conn: psycopg.Connection) -> None:
        _close(conn)


def _close(conn: psycopg.Connection) -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - closing a broken connection may fail in any way
        pass


_pool = Pool()


@contextmanager
def connection() -> Iterator[psycopg.Connection]:
    conn = _pool.get()
    try:
        yield conn
    except psycopg.OperationalError:
        _pool.discard(conn)
        raise
    except BaseException:
        _pool.put(conn)
        raise
    else:
        _pool.put(conn)


@contextmanager
def transaction() -> Iterator[psycopg.Connection]:
    with connection() as conn:
        with conn.transaction():
            yield conn


def ping() -> bool:
    """Whether the database answers now (health, OPS-1)."""
    try:
        with connection() as conn:
            conn.execute("SELECT 1")
        return True
    except (psycopg.Error, DatabaseUnavailable):
        return False


# --- Schema ----------------------------------------------------------------------------------------

SCHEMA_LOCK = 0x1A2B3C  # advisory lock: one process creates the schema at a time

DDL = """
CREATE TABLE IF NOT EXISTS ig_accounts (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ig_sites (
    id          bigserial PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES ig_accounts(id) ON DELETE CASCADE,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, name)
);
CREATE TABLE IF NOT EXISTS ig_users (
    id             bigserial PRIMARY KEY,
    account_id     bigint NOT NULL REFERENCES ig_accounts(id) ON DELETE CASCADE,
    username       text NOT NULL,
    login_key      text NOT NULL UNIQUE,
    password_hash  text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ig_integrations (
    id                      bigserial PRIMARY KEY,
    site_id                 bigint NOT NULL REFERENCES ig_sites(id) ON DELETE CASCADE,
    platform                text NOT NULL DEFAULT 'wordpress',
    key_prefix              text NOT NULL,
    key_sha256              text NOT NULL UNIQUE,
    key_revoked_at          timestamptz,
    is_active               boolean NOT NULL DEFAULT true,
    status                  text NOT NULL DEFAULT 'not_connected'
                            CHECK (status IN ('not_connected', 'connected', 'disconnected')),
    bound_site_url          text,
    connected_at            timestamptz,
    disconnected_at         timestamptz,
    structure               jsonb,
    structure_generated_at  timestamptz,
    last_structure_fetch    text,
    structure_synced_at     timestamptz,
    content_seq             bigint NOT NULL DEFAULT 0,
    created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ig_integrations_key_prefix ON ig_integrations (key_prefix);
CREATE INDEX IF NOT EXISTS ig_integrations_site ON ig_integrations (site_id, id);
CREATE TABLE IF NOT EXISTS ig_content_items (
    integration_id  bigint NOT NULL REFERENCES ig_integrations(id) ON DELETE CASCADE,
    external_id     bigint NOT NULL,
    post_type       text NOT NULL,
    title           text NOT NULL,
    status          text NOT NULL,
    url             text NOT NULL DEFAULT '',
    modified_gmt    text,
    terms           jsonb NOT NULL DEFAULT '{}'::jsonb,
    named_seq       bigint NOT NULL,
    synced_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (integration_id, external_id)
);
CREATE TABLE IF NOT EXISTS ig_type_counts (
    integration_id  bigint NOT NULL REFERENCES ig_integrations(id) ON DELETE CASCADE,
    post_type       text NOT NULL,
    items           integer NOT NULL,
    PRIMARY KEY (integration_id, post_type)
);
CREATE TABLE IF NOT EXISTS ig_term_counts (
    integration_id  bigint NOT NULL REFERENCES ig_integrations(id) ON DELETE CASCADE,
    taxonomy        text NOT NULL,
    slug            text NOT NULL,
    items           integer NOT NULL,
    PRIMARY KEY (integration_id, taxonomy, slug)
);
CREATE TABLE IF NOT EXISTS ig_walks (
    integration_id  bigint NOT NULL REFERENCES ig_integrations(id) ON DELETE CASCADE,
    walk_id         text NOT NULL,
    opened_seq      bigint NOT NULL,
    batches_seen    integer[] NOT NULL DEFAULT '{}',
    opened_at       timestamptz NOT NULL DEFAULT now(),
    ended_at        timestamptz,
    PRIMARY KEY (integration_id, walk_id)
);
CREATE TABLE IF NOT EXISTS ig_api_hits (
    integration_id  bigint NOT NULL,
    hit_at          timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ig_api_hits_by_key ON ig_api_hits (integration_id, hit_at);
CREATE TABLE IF NOT EXISTS ig_login_failures (
    login_key  text NOT NULL,
    failed_at  timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ig_login_failures_by_key ON ig_login_failures (login_key, failed_at);
CREATE TABLE IF NOT EXISTS ig_web_sessions (
    sid_sha256  text PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES ig_users(id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ig_web_sessions_by_age ON ig_web_sessions (created_at);
"""


def create_schema() -> None:
    with transaction() as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        conn.execute(DDL)


def wait_for_database(timeout: float | None = None) -> None:
    """Wait until PostgreSQL answers (the stack starts services without waiting on one another).

    A database named in DATABASE_URL that does not exist yet is created.
    """
    deadline = time.monotonic() + (settings().db_wait_seconds if timeout is None else timeout)
    delay = 0.1
    while True:
        try:
            conn = connect()
            conn.close()
            return
        except psycopg.OperationalError as exc:
            if "does not exist" in str(exc) and _create_database():
                continue
            if time.monotonic() > deadline:
                raise DatabaseUnavailable("the database did not answer in time") from exc
            time.sleep(delay)
            delay = min(delay * 1.5, 1.0)


def _create_database() -> bool:
    info = pg_conninfo.conninfo_to_dict(settings().database_url)
    name = info.get("dbname")
    if not name or name == "postgres":
        return False
    info["dbname"] = "postgres"
    try:
        with psycopg.connect(pg_conninfo.make_conninfo(**info), autocommit=True, connect_timeout=CONNECT_TIMEOUT) as conn:
            conn.execute(pg_sql.SQL("CREATE DATABASE {}").format(pg_sql.Identifier(name)))
        log.info("created the database")
        return True
    except psycopg.errors.DuplicateDatabase:
        return True
    except psycopg.Error:
        return False
