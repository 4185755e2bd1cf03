"""The backend as the plugin uses it (its API, with the key) and as its database holds it."""

import psycopg
from psycopg.rows import dict_row

from .http import RecordingSession

API = "/api/v1/integration/integrations"


class BackendClient:
    def __init__(self, base_url, api_key, ca_path, dsn=None, secrets=()):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.dsn = dsn
        self._conn = None
        self.http = RecordingSession(secrets=[api_key, *secrets])
        self.http.verify = str(ca_path) if ca_path else True

    @classmethod
    def for_stack(cls, stack):
        return cls(stack.urls.backend, stack.secrets.api_key, stack.ca_path, stack.postgres_dsn, stack.secrets.all())

    def _auth(self, key):
        return {"Authorization": f"Bearer {self.api_key if key is None else key}"} if key != "" else {}

    def call(self, method, path, key=None, **kwargs):
        """Any API call; `key=""` sends none, `key="..."` another one."""
        headers = {**self._auth(key), **kwargs.pop("headers", {})}
        return self.http.request(method, f"{self.base_url}{API}/{path}", headers=headers, **kwargs)

    def health(self):
        return self.http.get(f"{self.base_url}/api/v1/health/")

    def connect(self):
        return self.call("POST", "connect/", json={})

    def content_types(self, integration_id):
        return self.call("GET", f"{integration_id}/content-types/")

    def update_structure(self, integration_id, payload):
        return self.call("POST", f"{integration_id}/update-structure/", json=payload)

    # ---- the database, read directly --------------------------------------------------------

    def _db(self):
        if not self.dsn:
            import pytest

            pytest.skip("no access to this backend's database: pass --igny8-backend-dsn to check what it stores")
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(self.dsn, row_factory=dict_row, autocommit=True)
        return self._conn

    def query(self, sql, *params):
        """Rows as dicts. One connection is kept: a new one per read cost more than the read."""
        try:
            cursor = self._db().execute(sql, params)
        except psycopg.OperationalError:  # the stack's database restarted: connect once more
            self._conn = None
            cursor = self._db().execute(sql, params)
        return cursor.fetchall() if cursor.description else []

    def integration_row(self, integration_id):
        rows = self.query("SELECT * FROM integration_siteintegration WHERE id = %s", integration_id)
        return rows[0] if rows else None

    def only_integration_id(self):
        return self.query("SELECT id FROM integration_siteintegration ORDER BY id LIMIT 1")[0]["id"]

    def reset(self):
        """Back to a just-seeded backend: no structure, no content, not connected."""
        self.query("TRUNCATE content_syncedcontent, content_syncedterm")
        self.query(
            "UPDATE integration_siteintegration SET config_json = '{}', structure_synced_at = NULL,"
            " status = 'not_connected', connected_at = NULL, is_active = true, api_key_revoked_at = NULL"
        )
