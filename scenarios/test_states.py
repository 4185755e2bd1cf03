"""Every state of an integration, through the API and the Content Types tab: not connected,
connected, disconnected, inactive, key revoked. The state is made the way a person makes it (the
plugin's Connect and Disconnect, the backend's own commands), and the badge, the read-back and the
key's reach are checked in each (UI-1, READ-3, SEC-1, CONN-1)."""

import pytest

from harness.generate.structures import structure
from harness.judge.observed import observed

# state -> (what the tab's badge reads, what the read-back says, does the key still open the API)
STATES = {
    "not connected": ("Not connected", "not_connected", True),
    "connected": ("Connected", "connected", True),
    "disconnected": ("Disconnected", "disconnected", True),
    "inactive": ("Inactive", None, False),
    "key revoked": ("Key revoked", None, False),
}


def into(state, backend, change):
    """Brings the run's (just reset) tenant into `state` through the API and the backend's own commands."""
    if state != "not connected":
        assert backend.connect().status_code == 200
        assert backend.update_structure(structure()).status_code == 200
    if state == "disconnected":
        assert backend.call("POST", f"{backend.integration_id}/disconnect/").status_code == 200
    if state == "inactive":
        change(backend.integration_id, "deactivate")
    if state == "key revoked":
        change(backend.integration_id, "revoke-key")


@pytest.mark.requirement("UI-1")
@pytest.mark.requirement("READ-3")
def test_a_connected_integration_reads_connected(igny8_fresh_backend, igny8_backend, igny8_change_integration, page, igny8_tab):
    into("connected", igny8_backend, igny8_change_integration)
    assert igny8_backend.read_back()["status"] == "connected"
    assert igny8_tab(page).badge() == "Connected"


@pytest.mark.requirement("UI-1", case="negative")
@pytest.mark.requirement("READ-3", case="negative")
@pytest.mark.parametrize("state", [s for s in STATES if s != "connected"])
def test_every_other_state_shows_as_itself(state, igny8_fresh_backend, igny8_backend, igny8_stored, igny8_change_integration, page, igny8_tab, igny8_evidence):
    shown, status, key_opens = STATES[state]
    into(state, igny8_backend, igny8_change_integration)
    igny8_evidence.json("the integration as stored", igny8_stored.integration(igny8_backend.integration_id))
    assert igny8_tab(page).badge() == shown, f"the tab's badge for a {state} integration"
    if key_opens:
        assert igny8_backend.read_back()["status"] == status


@pytest.mark.requirement("SEC-1", case="negative")
@pytest.mark.requirement("CONN-1", case="negative")
@pytest.mark.parametrize("state", ["inactive", "key revoked"])
@pytest.mark.parametrize(
    "method,path", [("POST", "connect/"), ("POST", "{id}/test-connection/"), ("POST", "{id}/update-structure/"), ("GET", "{id}/content-types/")]
)
def test_a_key_that_no_longer_opens_its_integration_is_refused_and_changes_nothing(
    state, method, path, igny8_fresh_backend, igny8_backend, igny8_stored, igny8_change_integration
):
    into(state, igny8_backend, igny8_change_integration)
    before = igny8_stored.snapshot(igny8_backend.integration_id)
    response = igny8_backend.call(method, path.format(id=igny8_backend.integration_id), json=structure())
    assert response.status_code == 401, f"a key of a {state} integration got {response.status_code} from {path}"
    assert response.headers["Content-Type"].startswith("application/json") and response.json()["error"]["code"]
    assert igny8_stored.snapshot(igny8_backend.integration_id) == before, f"a refused {path} changed the {state} integration"


@pytest.mark.requirement("CONN-1", case="negative")
@pytest.mark.parametrize("key", ["igny8_" + "z" * 43, "igny8_short", "not-a-key-at-all"], ids=["unknown key", "too short", "no prefix"])
def test_connect_with_a_key_that_opens_nothing_is_refused_and_marks_nothing(key, igny8_fresh_backend, igny8_backend, igny8_observer, igny8_bystander):
    ours, theirs = observed(igny8_backend, igny8_observer), observed(igny8_bystander.client, igny8_observer)
    response = igny8_backend.call("POST", "connect/", key=key, json={})
    assert response.status_code == 401, f"connect with {key!r} answered {response.status_code}"
    assert observed(igny8_backend, igny8_observer) == ours and observed(igny8_bystander.client, igny8_observer) == theirs


@pytest.mark.requirement("CONN-1", case="negative")
def test_connect_marks_only_the_keys_own_integration(igny8_fresh_backend, igny8_backend, igny8_new_tenant, igny8_stored):
    """Another tenant's key names that tenant's integration, and connecting it leaves ours not connected."""
    other = igny8_new_tenant("igny8 other")
    answer = other.connect().json()
    assert answer["integration_id"] == other.integration_id != igny8_backend.integration_id
    assert igny8_stored.integration(igny8_backend.integration_id)["status"] == "not_connected"
