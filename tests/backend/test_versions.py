"""ERR-6: connect offers the schema versions the backend accepts; another version is named as
such; a field the version does not define is refused, never dropped. CONN-11: Disconnect keeps the key."""

import pytest

from harness.generate.structures import structure

from .conftest import BASE

pytestmark = pytest.mark.django_db


def test_connect_offers_the_versions_it_accepts(tenant):
    assert tenant.client.post(f"{BASE}/connect/", {}, format="json").json()["schema_versions"] == [1]


@pytest.mark.parametrize("version", [2, 0])
def test_a_version_it_does_not_speak_is_named_and_stores_nothing(version, tenant):
    before = tenant.stored()
    refused = tenant.post_structure({**structure(), "schema_version": version})
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "unsupported_schema_version" and "1" in error["message"]
    assert tenant.stored() == before


@pytest.mark.parametrize("where", ["top", "entry"])
def test_a_field_the_version_does_not_define_is_refused_by_name(where, tenant):
    payload = structure()
    (payload if where == "top" else next(iter(payload["post_types"].values())))["menu_position"] = 5
    before = tenant.stored()
    refused = tenant.post_structure(payload)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_structure"
    assert "menu_position" in str(refused.json()["error"]["details"])
    assert tenant.stored() == before


def test_disconnect_keeps_the_key_and_refuses_structure_until_connect(tenant):
    assert tenant.client.post(tenant.url("disconnect")).status_code == 200
    assert tenant.post_structure().status_code == 409
    assert tenant.client.post(f"{BASE}/connect/", {}, format="json").json()["status"] == "connected"
    assert tenant.post_structure().status_code == 200
