"""The backend as the plugin uses it: its API, with one tenant's key. What it stores is read
through its observer (harness.target.observer), never from here."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from harness.clients.http import RecordingSession

if TYPE_CHECKING:
    from harness.stack.config import Rate
    from harness.stack.tenants import Tenant

API = "/api/v1/integration/integrations"
# The harness's own requests wait out a backend's throttle (OPS-4) as any well-behaved client would,
# a few times and never for long; a test of the throttle itself asks not to (retry_throttled=False).
THROTTLED_RETRIES = 3
LONGEST_WAIT = 60
# When each request was sent with each key, by every client of this process: a key's rate (OPS-4) is
# the backend's count of them, whichever client sent them (`wait_for_room`).
SENT: defaultdict[str, deque[float]] = defaultdict(deque)


class BackendClient:
    def __init__(self, base_url: str, tenant: Tenant, ca_path: Path | None, secrets: Iterable[str] = ()) -> None:
        self.base_url = base_url.rstrip("/")
        self.tenant, self.api_key, self.integration_id = tenant, tenant.api_key, tenant.integration_id
        self.ca_path = ca_path
        self.http = RecordingSession(secrets=[*tenant.secrets, *secrets])
        self.http.verify = str(ca_path) if ca_path else True

    def as_tenant(self, tenant: Tenant) -> BackendClient:
        """The same backend with another tenant's key."""
        return BackendClient(self.base_url, tenant, self.ca_path, self.http.secrets)

    def _auth(self, key: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key if key is None else key}"} if key != "" else {}

    def call(self, method: str, path: str, key: str | None = None, retry_throttled: bool = True, **kwargs: Any) -> requests.Response:
        """Any API call; `key=""` sends none, `key="..."` another one. A 429 is waited out and sent
        again (its Retry-After, at most a minute), unless `retry_throttled` is False."""
        headers = {**self._auth(key), **kwargs.pop("headers", {})}
        sent = SENT[self.api_key if key is None else key] if key != "" else deque()
        for _ in range(THROTTLED_RETRIES if retry_throttled else 0):
            sent.append(time.monotonic())
            response = self.http.request(method, f"{self.base_url}{API}/{path}", headers=headers, **kwargs)
            wait = response.headers.get("Retry-After", "")
            if response.status_code != 429 or not wait.isdigit():
                return response
            time.sleep(min(int(wait), LONGEST_WAIT))
        sent.append(time.monotonic())
        return self.http.request(method, f"{self.base_url}{API}/{path}", headers=headers, **kwargs)

    def wait_for_room(self, rate: Rate, room: int) -> float:
        """Waits until `room` more requests with this key fit in its rate: until at most
        `rate.requests - room` of those this process sent fall in the last `rate.seconds`. A window
        that slides is the strictest a backend may keep (PROTOCOL.md 8), so a fixed one has the room
        too. Returns the seconds waited. Room for the plugin, whose requests with the same key the
        harness does not see: a burst of the harness's own (a fuzzer, concurrent readers, many quick
        API tests) must not leave the next test's Connect a 429."""
        sent, allowed = SENT[self.api_key], max(rate.requests - room, 0)
        while sent and sent[0] <= time.monotonic() - rate.seconds:
            sent.popleft()
        if len(sent) <= allowed:
            return 0.0
        wait = sent[len(sent) - allowed - 1] + rate.seconds - time.monotonic()
        time.sleep(max(wait, 0.0))
        return max(wait, 0.0)

    def health(self) -> requests.Response:
        return self.http.get(f"{self.base_url}/api/v1/health/")

    def connect(self) -> requests.Response:
        return self.call("POST", "connect/", json={})

    def content_types(self, integration_id: int | None = None) -> requests.Response:
        return self.call("GET", f"{integration_id or self.integration_id}/content-types/")

    def read_back(self, integration_id: int | None = None) -> dict[str, Any]:
        """The content-types read-back, which must answer 200."""
        response = self.content_types(integration_id)
        assert response.status_code == 200, f"content-types answered {response.status_code}: {response.text[:300]}"
        body: dict[str, Any] = response.json()
        return body

    def update_structure(self, payload: Any, integration_id: int | None = None) -> requests.Response:
        return self.call("POST", f"{integration_id or self.integration_id}/update-structure/", json=payload)

    def sync_content(self, body: Any, integration_id: int | None = None) -> requests.Response:
        return self.call("POST", f"{integration_id or self.integration_id}/sync-content/", json=body)
