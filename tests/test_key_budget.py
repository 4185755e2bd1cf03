"""The harness's client keeps room in a key's rate for the plugin (harness.clients.backend.wait_for_room),
against a real HTTP server that throttles as PROTOCOL.md 8 allows: REQUESTS per SECONDS a key, a
sliding window, 429 with Retry-After beyond it."""

import threading
import time
from collections import deque
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from harness.clients.backend import BackendClient
from harness.stack.config import Rate
from harness.stack.tenants import Tenant

RATE = Rate(6, 1)


@pytest.fixture
def throttling_backend() -> Iterator[str]:
    """Answers 200 to RATE.requests requests a key in any RATE.seconds, 429 to the rest (which count too)."""
    seen: dict[str, deque[float]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            times = seen.setdefault(self.headers.get("Authorization", ""), deque())
            now = time.monotonic()
            while times and times[0] <= now - RATE.seconds:
                times.popleft()
            times.append(now)
            over = len(times) > RATE.requests
            self.send_response(429 if over else 200)
            if over:
                self.send_header("Retry-After", str(RATE.seconds))
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_after_a_burst_the_client_waits_until_the_plugins_requests_fit(throttling_backend):
    harness = BackendClient(throttling_backend, Tenant(1, 1, "key-of-a-burst"), None)
    for _ in range(RATE.requests):  # a test before spent the whole rate
        assert harness.call("GET", "1/content-types/", retry_throttled=False).status_code == 200
    waited = harness.wait_for_room(RATE, room=3)
    assert 0 < waited <= RATE.seconds
    # Another client with the same key (the plugin, which the harness does not see) now has its room.
    plugin = BackendClient(throttling_backend, Tenant(1, 1, "key-of-a-burst"), None)
    assert [plugin.call("GET", "1/content-types/", retry_throttled=False).status_code for _ in range(3)] == [200] * 3


def test_without_the_wait_the_plugins_requests_would_meet_a_429(throttling_backend):
    """The check above can fail: the same burst, no wait, and the plugin's third request is refused."""
    harness = BackendClient(throttling_backend, Tenant(2, 2, "key-without-a-wait"), None)
    for _ in range(RATE.requests - 2):
        harness.call("GET", "2/content-types/", retry_throttled=False)
    plugin = BackendClient(throttling_backend, Tenant(2, 2, "key-without-a-wait"), None)
    assert [plugin.call("GET", "2/content-types/", retry_throttled=False).status_code for _ in range(3)] == [200, 200, 429]


def test_a_key_with_room_is_not_kept_waiting(throttling_backend):
    harness = BackendClient(throttling_backend, Tenant(3, 3, "key-with-room"), None)
    harness.call("GET", "3/content-types/")
    assert harness.wait_for_room(RATE, room=3) == 0.0
