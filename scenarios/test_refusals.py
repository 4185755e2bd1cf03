"""Every operation x every refusal (spec/dimensions.yaml): each operation of spec/openapi.yaml is sent
each kind of request the backend must refuse, and must answer with that refusal, as JSON (ERR-4), and
change nothing (the read-back, and with an observer every stored row). A cell that does not apply has
its reason beside it in spec/dimensions.yaml, and is not run.

A refusal is proven by an answer: a request that got none (status 0 from inside the stack's network)
is no refusal."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from harness.generate.structures import structure
from harness.judge.observed import observed
from harness.judge.refusals import assert_plain_http_refused
from harness.spec import dimensions

DIMENSIONS = dimensions.load()
BODY_LIMIT = 5 * 1024 * 1024  # IGNY8_MAX_PAYLOAD_BYTES's default (ERR-3): the stack's backend runs with it
MISSING_ID = 987654321


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # under /api/v1/; {id} is the integration's
    body: Any  # a valid body, or None for an operation that takes none

    def url(self, base: str, integration_id: int) -> str:
        return f"{base}/api/v1/{self.path.format(id=integration_id)}"


OPERATIONS = {
    "health": Operation("GET", "health/", None),
    "connect": Operation("POST", "integration/integrations/connect/", {}),
    "test-connection": Operation("POST", "integration/integrations/{id}/test-connection/", {}),
    "update-structure": Operation("POST", "integration/integrations/{id}/update-structure/", structure()),
    "content-types": Operation("GET", "integration/integrations/{id}/content-types/", None),
    "sync-content": Operation("POST", "integration/integrations/{id}/sync-content/", {"items": []}),
    "disconnect": Operation("POST", "integration/integrations/{id}/disconnect/", {}),
}
OTHER_METHOD = {"GET": "DELETE", "POST": "PUT"}  # a method no operation of the API takes


def applying(requirement: str, refusal: str) -> list[str]:
    """The operations where `requirement`'s cell for `refusal` applies (the others have a reason in spec/dimensions.yaml)."""
    binding = DIMENSIONS.bindings[requirement]
    return [op for op in DIMENSIONS.values["operation"] if binding.reason((("operation", op), ("refusal", refusal))) is None]


def send(
    client,
    operation: str,
    integration_id: int,
    key: str | None = None,
    body: bytes | None = None,
    content_type: str = "application/json",
    method: str | None = None,
):
    op = OPERATIONS[operation]
    data = body if body is not None else (json.dumps(op.body).encode() if op.body is not None else None)
    headers = {"Authorization": f"Bearer {client.api_key if key is None else key}"} if key != "" else {}
    if data is not None:
        headers["Content-Type"] = content_type
    return client.http.request(method or op.method, op.url(client.base_url, integration_id), data=data, headers=headers)


def assert_refused(response, status: int, what: str) -> dict[str, Any]:
    assert response.status_code == status, f"{what}: expected {status}, got {response.status_code}: {response.text[:300]}"
    assert response.headers.get("Content-Type", "").startswith("application/json"), f"{what}: a {status} answered {response.headers.get('Content-Type')}"
    error = response.json().get("error")
    assert isinstance(error, dict) and error.get("code") and error.get("message"), f"{what}: not a JSON error envelope: {response.text[:300]}"
    return error


@pytest.fixture
def unchanged(connected_backend, igny8_backend, igny8_observer):
    """The integration as it was before the test's refused request: checked after it."""
    before = observed(igny8_backend, igny8_observer)
    yield
    assert observed(igny8_backend, igny8_observer) == before, "a refused request changed the integration"


@pytest.mark.requirement("SEC-1", case="negative", cells={"operation": "*", "refusal": "no_key"})
@pytest.mark.parametrize("operation", applying("SEC-1", "no_key"))
def test_no_key(operation, connected_backend, igny8_backend, unchanged):
    assert_refused(send(igny8_backend, operation, connected_backend, key=""), 401, f"{operation} without a key")


@pytest.mark.requirement("SEC-1", case="negative", cells={"operation": "*", "refusal": "revoked_key"})
@pytest.mark.parametrize("operation", applying("SEC-1", "revoked_key"))
def test_a_revoked_key(operation, connected_backend, igny8_backend, igny8_observer, igny8_change_integration):
    igny8_change_integration(connected_backend, "revoke-key")
    before = observed(igny8_backend, igny8_observer)
    assert_refused(send(igny8_backend, operation, connected_backend), 401, f"{operation} with a revoked key")
    assert observed(igny8_backend, igny8_observer) == before, "a request with a revoked key changed the integration"


@pytest.mark.requirement("SEC-9", case="negative", cells={"operation": "*", "refusal": "other_tenants_key"})
@pytest.mark.parametrize("operation", applying("SEC-9", "other_tenants_key"))
def test_another_tenants_integration(operation, connected_backend, igny8_backend, igny8_bystander, igny8_observer):
    theirs = observed(igny8_bystander.client, igny8_observer)
    foreign = send(igny8_backend, operation, igny8_bystander.integration_id)
    missing = send(igny8_backend, operation, MISSING_ID)
    error = assert_refused(foreign, 404, f"{operation} of another tenant's integration")
    assert (foreign.status_code, error) == (missing.status_code, missing.json().get("error")), f"{operation}: another tenant's id answers unlike a missing one"
    assert observed(igny8_bystander.client, igny8_observer) == theirs, "a request with this tenant's key changed another tenant"


@pytest.mark.requirement("ERR-3", case="negative", cells={"operation": "*", "refusal": "oversized"})
@pytest.mark.parametrize("operation", applying("ERR-3", "oversized"))
def test_an_oversized_body(operation, connected_backend, igny8_backend, unchanged):
    over = json.dumps({"padding": "y" * (BODY_LIMIT + 1)}).encode()
    assert_refused(send(igny8_backend, operation, connected_backend, body=over), 413, f"{operation} with a body over the limit")


@pytest.mark.requirement("ERR-2", case="negative", cells={"operation": "*", "refusal": "malformed"})
@pytest.mark.parametrize("operation", applying("ERR-2", "malformed"))
def test_a_malformed_body(operation, connected_backend, igny8_backend, unchanged):
    assert_refused(send(igny8_backend, operation, connected_backend, body=b'{"items": '), 400, f"{operation} with a body that is not JSON")


@pytest.mark.requirement("ERR-2", case="negative", cells={"operation": "*", "refusal": "wrong_content_type"})
@pytest.mark.parametrize("operation", applying("ERR-2", "wrong_content_type"))
def test_a_body_of_another_content_type(operation, connected_backend, igny8_backend, unchanged):
    body = json.dumps(OPERATIONS[operation].body).encode()
    assert_refused(send(igny8_backend, operation, connected_backend, body=body, content_type="text/plain"), 415, f"{operation} with a text/plain body")


@pytest.mark.requirement("ERR-4", case="negative", cells={"operation": "*", "refusal": "wrong_method"})
@pytest.mark.parametrize("operation", applying("ERR-4", "wrong_method"))
def test_a_method_the_operation_does_not_take(operation, connected_backend, igny8_backend, unchanged):
    method = OTHER_METHOD[OPERATIONS[operation].method]
    assert_refused(send(igny8_backend, operation, connected_backend, method=method), 405, f"{method} on {operation}")


@pytest.mark.requirement("SEC-10", case="negative", cells={"operation": "*", "refusal": "plain_http"})
@pytest.mark.parametrize("operation", applying("SEC-10", "plain_http"))
def test_plain_http(operation, connected_backend, igny8_backend, igny8_stack, unchanged):
    op = OPERATIONS[operation]
    headers = {"Authorization": f"Bearer {igny8_backend.api_key}", "Content-Type": "application/json"}
    answer = igny8_stack.from_inside(op.method, op.url("http://api.igny8.test", connected_backend), headers, json.dumps(op.body) if op.body is not None else "")
    assert_plain_http_refused(answer, operation)
