"""The backend as the plugin uses it (its API, with the key) and as its database holds it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
import requests
from psycopg.rows import dict_row

from .http import RecordingSession

if TYPE_CHECKING:
    from ..target import BackendTarget

API = "/api/v1/integration/integrations"


class BackendClient:
    def __init__(self, base_url: str, api_key: str, ca_path: Path | None, dsn: str | None = None, secrets: Iterable[str] = ()) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.dsn = dsn
        self._conn: psycopg.Connection[dict[str, Any]] | None = None
        self.http = RecordingSession(secrets=[api_key, *secrets])
        self.http.verify = str(ca_path) if ca_path else True

    @classmethod
    def for_target(cls, target: BackendTarget) -> BackendClient:
        return cls(target.backend_url, target.api_key, target.ca_path, target.database_dsn, target.secret_values)

    def _auth(self, key: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key if key is None else key}"} if key != "" else {}

    def call(self, method: str, path: str, key: str | None = None, **kwargs: Any) -> requests.Response:
        """Any API call; `key=""` sends none, `key="..."` another one."""
        headers = {**self._auth(key), **kwargs.pop("headers", {})}
        return self.http.request(method, f"{self.base_url}{API}/{path}", headers=headers, **kwargs)

    def health(self) -> requests.Response:
        return self.http.get(f"{self.base_url}/api/v1/health/")

    def connect(self) -> requests.Response:
        return self.call("POST", "connect/", json={})

    def content_types(self, integration_id: int) -> requests.Response:
        return self.call("GET", f"{integration_id}/content-types/")

    def update_structure(self, integration_id: int, payload: Any) -> requests.Response:
        return self.call("POST", f"{integration_id}/update-structure/", json=payload)

    # ---- the database, read directly --------------------------------------------------------

    def _db(self) -> psycopg.Connection[dict[str, Any]]:
        if not self.dsn:
            import pytest

            pytest.skip("no access to this backend's database: pass --igny8-backend-dsn to check what it stores")
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(self.dsn, row_factory=dict_row, autocommit=True)
        return self._conn

    def query(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        """Rows as dicts. One connection is kept: a new one per read cost more than the read."""
        try:
            cursor = self._db().execute(sql, params)
        except psycopg.OperationalError:  # the stack's database restarted: connect once more
            self._conn = None
            cursor = self._db().execute(sql, params)
        return cursor.fetchall() if cursor.description else []

    def integration_row(self, integration_id: int) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM integration_siteintegration WHERE id = %s", integration_id)
        return rows[0] if rows else None

    def only_integration_id(self) -> int:
        return self.query("SELECT id FROM integration_siteintegration ORDER BY id LIMIT 1")[0]["id"]

    def reset(self) -> None:
        """Back to a just-seeded backend: no structure, no content, not connected."""
        self.query("TRUNCATE content_syncedcontent, content_syncedterm")
        self.query(
            "UPDATE integration_siteintegration SET config_json = '{}', structure_synced_at = NULL,"
            " status = 'not_connected', connected_at = NULL, is_active = true, api_key_revoked_at = NULL"
        )
