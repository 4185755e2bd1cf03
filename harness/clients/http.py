"""HTTP with evidence: every exchange is recorded, secrets masked, for the report (issue #4)."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from urllib3.exceptions import ProtocolError

from harness.base.masking import mask

# Sent again once when the server closed a kept-alive connection just as it was reused. Only for
# methods that change nothing: a POST may have been acted on before the connection dropped.
SAFE_TO_SEND_AGAIN = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, rendered (JSON indented, secrets masked) only when a report keeps
    it: a property test makes hundreds, and its evidence keeps the last few (harness.suite.evidence).
    Rendering each as it happened was a tenth of the harness's own CPU in a suite run."""

    response: requests.Response
    seconds: float
    secrets: tuple[str, ...]

    def rendered(self) -> dict[str, Any]:
        request = self.response.request
        body = request.body.decode("utf-8", "replace") if isinstance(request.body, bytes) else (request.body or "")
        response = self.response
        return {
            "request": mask(f"{request.method} {request.url}\n{_headers(request.headers)}\n\n{_pretty(body)}", self.secrets),
            "response": mask(f"{response.status_code} {response.reason}\n{_headers(response.headers)}\n\n{_pretty(response.text)}", self.secrets),
            "seconds": round(self.seconds, 4),
        }


class RecordingSession(requests.Session):
    """A requests.Session that keeps its exchanges, each masked with its secrets when rendered."""

    def __init__(self, secrets: Iterable[str] = (), timeout: float = 30) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]
        self.timeout = timeout
        self.exchanges: list[Exchange] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        # requests lets REQUESTS_CA_BUNDLE override Session.verify (psf/requests#3829): pass it per request.
        kwargs.setdefault("verify", self.verify)
        start = time.monotonic()
        try:
            response = super().request(method, url, *args, **kwargs)
        except requests.ConnectionError as error:
            verb = method.decode() if isinstance(method, bytes) else method
            if verb.upper() not in SAFE_TO_SEND_AGAIN or not _dropped_while_idle(error):
                raise
            start = time.monotonic()
            response = super().request(method, url, *args, **kwargs)
        self.exchanges.append(Exchange(response, time.monotonic() - start, tuple(self.secrets)))
        return response

    def take_exchanges(self) -> list[Exchange]:
        taken, self.exchanges = self.exchanges, []
        return taken


def _dropped_while_idle(error: requests.ConnectionError) -> bool:
    """The server closed the connection without answering ('Connection aborted.'): what a kept-alive
    connection closed at its idle timeout looks like, unlike a refused connection or a timeout."""
    cause = error.args[0] if error.args else None
    reason = cause.args[1] if isinstance(cause, ProtocolError) and len(cause.args) > 1 else None
    return isinstance(reason, (ConnectionResetError, http.client.RemoteDisconnected))


def _headers(headers: Mapping[str, str]) -> str:
    return "\n".join(f"{k}: {'Bearer …(masked)' if k.lower() == 'authorization' else v}" for k, v in headers.items())


def _pretty(text: str, limit: int = 20000) -> str:
    try:
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except (ValueError, TypeError):
        pass
    return text if len(text) <= limit else text[:limit] + f"\n… ({len(text) - limit} more characters)"
