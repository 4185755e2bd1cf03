"""CONN-9: Connect binds the integration to the site it comes from; another site is refused until a Disconnect."""

from harness.generate.structures import structure, timestamp

from .conftest import BASE, Tenant, assert_json_error

SITE, OTHER = "https://shop.example", "https://staging.shop.example"


def connect(tenant, site_url):
    return tenant.client.post(f"{BASE}/connect/", {"site_url": site_url}, format="json")


def test_a_connect_from_another_site_is_refused_and_changes_nothing(db):
    t = Tenant("bound", connected=False)
    assert connect(t, SITE).status_code == 200
    before = t.stored()
    assert_json_error(connect(t, OTHER), 409, "site_mismatch")
    assert t.stored() == before


def test_the_same_site_connects_again_whatever_its_trailing_slash_or_case(db):
    t = Tenant("again", connected=False)
    assert connect(t, SITE).status_code == 200
    assert connect(t, SITE.upper() + "/").status_code == 200


def test_a_structure_from_another_site_is_refused_and_stores_nothing(db):
    t = Tenant("copy", connected=False)
    assert connect(t, SITE).status_code == 200
    assert t.post_structure(structure(site_url=SITE)).status_code == 200
    before = t.stored()
    assert_json_error(t.post_structure(structure(site_url=OTHER, generated_at=timestamp())), 409, "site_mismatch")
    assert t.stored() == before


def test_disconnect_releases_the_site(db):
    t = Tenant("moved", connected=False)
    assert connect(t, SITE).status_code == 200
    assert t.client.post(t.url("disconnect"), format="json").status_code == 200
    assert connect(t, OTHER).status_code == 200
    assert t.post_structure(structure(site_url=OTHER)).status_code == 200


def test_a_connect_without_a_site_binds_nothing(db):
    t = Tenant("unbound", connected=False)
    assert t.client.post(f"{BASE}/connect/", {}, format="json").status_code == 200
    assert t.post_structure(structure(site_url=OTHER)).status_code == 200
