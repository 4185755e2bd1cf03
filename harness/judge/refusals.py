"""What proves a refusal: an answer from what refused. A request that got none (status 0 from inside
the stack's network: no such host, nothing listening, a timeout) proves nothing of what the backend
would have done, so it is never taken for a refusal."""

from __future__ import annotations

from harness.stack.neighbour import Answer


def assert_plain_http_refused(answer: Answer, what: str) -> None:
    """SEC-10: a request over plain HTTP is answered, and the answer redirects to https:// or refuses it."""
    assert answer.status != 0, f"nothing answered {what} over plain HTTP: no refusal was seen, so none is proven"
    assert 300 <= answer.status < 500, f"{what} over plain HTTP answered {answer.status}: neither redirected nor refused"
    if answer.status < 400:
        assert answer.location.startswith("https://"), f"{what} over plain HTTP was redirected elsewhere than https://: {answer.location!r}"
