"""HTTP with evidence: every exchange is recorded, secrets masked, for the report (issue #4)."""

import json
import time

import requests

from ..stack.project import mask


class RecordingSession(requests.Session):
    """A requests.Session that keeps a masked transcript of its exchanges."""

    def __init__(self, secrets=(), timeout=30):
        super().__init__()
        self.secrets = [s for s in secrets if s]
        self.timeout = timeout
        self.exchanges = []

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        # requests lets REQUESTS_CA_BUNDLE override Session.verify (psf/requests#3829): pass it per request.
        kwargs.setdefault("verify", self.verify)
        start = time.monotonic()
        response = super().request(method, url, *args, **kwargs)
        self.exchanges.append(self._record(response, time.monotonic() - start))
        return response

    def _record(self, response, seconds):
        request = response.request
        body = request.body.decode("utf-8", "replace") if isinstance(request.body, bytes) else (request.body or "")
        return {
            "request": mask(f"{request.method} {request.url}\n{_headers(request.headers)}\n\n{_pretty(body)}", self.secrets),
            "response": mask(f"{response.status_code} {response.reason}\n{_headers(response.headers)}\n\n{_pretty(response.text)}", self.secrets),
            "seconds": round(seconds, 4),
        }

    def take_exchanges(self):
        taken, self.exchanges = self.exchanges, []
        return taken


def _headers(headers):
    return "\n".join(f"{k}: {'Bearer …(masked)' if k.lower() == 'authorization' else v}" for k, v in headers.items())


def _pretty(text, limit=20000):
    try:
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except (ValueError, TypeError):
        pass
    return text if len(text) <= limit else text[:limit] + f"\n… ({len(text) - limit} more characters)"
