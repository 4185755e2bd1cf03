"""Every place a credential could come from: only "Authorization: Bearer <key>" opens an
integration. The right key anywhere else, a malformed header, or another tenant's key is refused,
and nothing is stored (SEC-1, SEC-2, ERR-4)."""

import pytest

from harness.generate.structures import structure, timestamp
from harness.judge.observed import later_than_stored, observed


def elsewhere(backend, observer, how):
    """update-structure with the right key sent `how`, and no Authorization header."""
    url = f"{backend.integration_id}/update-structure/"
    body = structure(generated_at=timestamp(later_than_stored(backend, observer)))
    key = backend.api_key
    sends = {
        "query string ?api_key=": {"params": {"api_key": key}, "json": body},
        "query string ?token=": {"params": {"token": key}, "json": body},
        "JSON body field": {"json": {**body, "api_key": key}},
        "cookie": {"cookies": {"api_key": key, "sessionid": key}, "json": body},
        "X-Api-Key header": {"headers": {"X-Api-Key": key}, "json": body},
        "Basic scheme": {"headers": {"Authorization": f"Basic {key}"}, "json": body},
        "Token scheme": {"headers": {"Authorization": f"Token {key}"}, "json": body},
        "no scheme": {"headers": {"Authorization": key}, "json": body},
        "Bearer with nothing": {"headers": {"Authorization": "Bearer "}, "json": body},
        "the key's prefix only": {"headers": {"Authorization": f"Bearer {key[:14]}"}, "json": body},
        "the key with a character more": {"headers": {"Authorization": f"Bearer {key}x"}, "json": body},
    }
    return backend.call("POST", url, key="", **sends[how])


PLACES = [
    "query string ?api_key=",
    "query string ?token=",
    "JSON body field",
    "cookie",
    "X-Api-Key header",
    "Basic scheme",
    "Token scheme",
    "no scheme",
    "Bearer with nothing",
    "the key's prefix only",
    "the key with a character more",
]


@pytest.mark.requirement("SEC-1", "ERR-4", case="negative")
@pytest.mark.parametrize("how", PLACES)
def test_the_key_anywhere_but_the_authorization_header_opens_nothing(how, connected_backend, igny8_backend, igny8_observer):
    before = observed(igny8_backend, igny8_observer)
    response = elsewhere(igny8_backend, igny8_observer, how)
    assert response.status_code == 401, f"the key sent as {how} answered {response.status_code}: {response.text[:200]}"
    assert response.headers["Content-Type"].startswith("application/json") and response.json()["error"]["code"]
    assert observed(igny8_backend, igny8_observer) == before, f"the key sent as {how} changed the stored state"


@pytest.mark.requirement("SEC-1")
def test_the_key_in_the_authorization_header_opens_its_integration(connected_backend, igny8_backend, igny8_observer):
    response = igny8_backend.update_structure(structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer))))
    assert response.status_code == 200, f"the right key, sent right, was refused: {response.status_code} {response.text[:200]}"


@pytest.mark.requirement("SEC-2", case="negative")
@pytest.mark.parametrize("method,path", [("GET", "content-types/"), ("POST", "update-structure/"), ("POST", "sync-content/"), ("POST", "disconnect/")])
def test_another_tenants_key_does_not_open_our_integration(method, path, connected_backend, igny8_backend, igny8_bystander, igny8_observer):
    ours, theirs = observed(igny8_backend, igny8_observer), observed(igny8_bystander.client, igny8_observer)
    body = (
        structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer)))
        if path == "update-structure/"
        else {"items": [], "deleted": [{"external_id": 1}]}
    )
    response = igny8_bystander.client.call(method, f"{connected_backend}/{path}", json=body)
    assert response.status_code == 404, f"another tenant's key on our {path} answered {response.status_code}"
    assert observed(igny8_backend, igny8_observer) == ours, "another tenant's key changed our integration"
    assert observed(igny8_bystander.client, igny8_observer) == theirs, "a refused request changed the other tenant"


SIBLING_CALLS = [
    ("GET", "content-types/"),
    ("POST", "update-structure/"),
    ("POST", "sync-content/"),
    ("POST", "test-connection/"),
    ("POST", "disconnect/"),
]


@pytest.mark.requirement("SEC-9", case="negative")
@pytest.mark.parametrize("method,path", SIBLING_CALLS)
def test_a_key_opens_no_other_integration_of_its_own_site(method, path, igny8_sibling_integrations, igny8_observer):
    ours, sibling = igny8_sibling_integrations
    assert ours.tenant.site_id == sibling.tenant.site_id and ours.integration_id != sibling.integration_id, (
        "the backend did not make a second integration of the same site"
    )
    assert sibling.connect().status_code == 200 and sibling.update_structure(structure()).status_code == 200
    before = observed(sibling, igny8_observer)
    body = structure() if path == "update-structure/" else {"items": [], "deleted": [{"external_id": 1}]}
    response = ours.call(method, f"{sibling.integration_id}/{path}", json=body if method == "POST" else None)
    assert response.status_code == 404, f"a key of the same site opened the other integration's {path}: {response.status_code}"
    assert response.json()["error"]["code"] == "not_found", response.text[:300]
    assert observed(sibling, igny8_observer) == before, "a refused request changed the other integration"


@pytest.mark.requirement("SEC-9")
def test_each_integration_of_a_site_opens_with_its_own_key(igny8_sibling_integrations):
    for client in igny8_sibling_integrations:
        assert client.connect().status_code == 200
        response = client.update_structure(structure())
        assert response.status_code == 200, f"integration {client.integration_id} refused its own key: {response.status_code} {response.text[:200]}"
