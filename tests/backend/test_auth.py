"""SEC-1, SEC-2, SEC-3, SEC-9: who may call the integration API; OPS-1, OPS-3: the health endpoint."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from content.models import SyncedContent, SyncedTerm
from django.utils import timezone
from integration import keys

from harness.generate.structures import post_type, structure, timestamp

from .conftest import BASE, api_client, assert_json_error

ACTIONS = [
    ("post", "test-connection"),
    ("post", "update-structure"),
    ("get", "content-types"),
    ("post", "sync-content"),
    ("post", "disconnect"),
]


@pytest.mark.parametrize("method,action", ACTIONS)
@pytest.mark.parametrize(
    "header,code",
    [
        (None, "missing_api_key"),
        ("Token abc", "malformed_authorization"),
        ("Bearer ", "malformed_authorization"),
        ("Bearer igny8_wrongwrongwrongwrongwrong", "invalid_api_key"),
        ("Bearer not-even-a-key", "invalid_api_key"),
    ],
)
def test_bad_credentials_are_refused_and_change_nothing(tenant, method, action, header, code):
    before = tenant.stored()
    client = api_client()
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = getattr(client, method)(tenant.url(action), structure(), format="json")
    assert_json_error(response, 401, code)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert tenant.stored() == before


def test_revoked_key_is_refused(tenant):
    tenant.integration.api_key_revoked_at = timezone.now()
    tenant.integration.save()
    assert_json_error(tenant.post_structure(), 401, "revoked_api_key")
    assert tenant.stored()["config_json"] == {}


def test_inactive_integration_is_refused(tenant):
    tenant.integration.is_active = False
    tenant.integration.save()
    assert_json_error(tenant.client.post(tenant.url("test-connection")), 401, "revoked_api_key")


def test_a_key_with_the_right_prefix_but_wrong_secret_is_refused(tenant):
    forged = tenant.key[:14] + ("A" if tenant.key[14] != "A" else "B") + tenant.key[15:]
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert_json_error(client.post(tenant.url("test-connection")), 401, "invalid_api_key")


@pytest.mark.parametrize("method,action", ACTIONS)
def test_another_sites_integration_answers_as_a_missing_one(tenant, other_tenant, method, action):
    before = other_tenant.stored()
    foreign = getattr(tenant.client, method)(tenant.url(action, other_tenant.integration.pk), structure(), format="json")
    missing = getattr(tenant.client, method)(tenant.url(action, 999999999), structure(), format="json")
    assert_json_error(foreign, 404, "not_found")
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())
    assert other_tenant.stored() == before


def _everything_stored(tenant):
    """The integration's row, its synced items and its synced terms."""
    items = list(SyncedContent.objects.filter(integration=tenant.integration).order_by("external_id").values("external_id", "title", "terms"))
    terms = sorted(SyncedTerm.objects.filter(integration=tenant.integration).values_list("taxonomy", "slug"))
    return tenant.stored(), items, terms


@pytest.mark.parametrize("method,action", ACTIONS)
def test_another_integration_of_the_same_site_answers_as_a_missing_one(tenant, sibling, method, action):
    """SEC-9: the key reaches its own integration, not its site's others; each request is one that
    would change the other integration, were it let through."""
    sibling.post_structure()
    item = {"external_id": 1, "post_type": "post", "title": "Theirs", "status": "publish", "terms": {"category": ["news"]}}
    assert sibling.client.post(sibling.url("sync-content"), {"items": [item]}, format="json").status_code == 200
    later = timestamp(datetime.now(UTC) + timedelta(minutes=1))
    body = {
        "update-structure": structure({"post": post_type("Mine", 1)}, generated_at=later),
        "sync-content": {"items": [{**item, "title": "Mine", "terms": {}}], "deleted": [{"external_id": 1}]},
    }.get(action)
    before = _everything_stored(sibling)
    foreign = getattr(tenant.client, method)(tenant.url(action, sibling.integration.pk), body, format="json")
    missing = getattr(tenant.client, method)(tenant.url(action, 999999999), body, format="json")
    assert_json_error(foreign, 404, "not_found")
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())
    assert _everything_stored(sibling) == before
    assert sibling.client.post(sibling.url("test-connection")).status_code == 200  # its own key still reaches it


def test_keys_are_stored_hashed_never_in_clear(tenant):
    row = type(tenant.integration).objects.values().get(pk=tenant.integration.pk)
    assert tenant.key not in repr(row)
    assert row["api_key_hash"] == keys.key_hash(tenant.key)
    assert len(row["api_key_prefix"]) == keys.PREFIX_LEN


def test_connect_reports_the_keys_integration_and_marks_it_connected(db):
    from .conftest import Tenant

    t = Tenant("gamma", connected=False)
    response = t.client.post(f"{BASE}/connect/", {"site_url": "https://gamma.example", "wp_version": "6.1.9"}, format="json")
    assert response.status_code == 200, response.content
    expected = {"integration_id": t.integration.pk, "site_id": t.site.pk, "site_name": "gamma site", "status": "connected", "schema_versions": [1]}
    assert response.json() == expected
    assert t.stored()["status"] == "connected"


def test_connect_refuses_a_bad_site_url(db):
    from .conftest import Tenant

    t = Tenant("delta", connected=False)
    error = assert_json_error(t.client.post(f"{BASE}/connect/", {"site_url": "not a url"}, format="json"), 400, "invalid_request")
    assert error["details"][0]["path"] == "$.site_url"
    assert t.stored()["status"] == "not_connected"


def test_test_connection_answers_ok_and_changes_nothing(tenant):
    tenant.post_structure()
    before = tenant.stored()
    response = tenant.client.post(tenant.url("test-connection"))
    assert response.json() == {"ok": True, "integration_id": tenant.integration.pk, "site_id": tenant.site.pk, "status": "connected"}
    assert tenant.stored() == before


def test_health_needs_no_key_and_names_the_code(client, db):
    body = client.get("/api/v1/health/").json()
    assert body["status"] == "ok" and body["version"] == "1.0.0" and body["database"] == "ok"


def test_health_names_no_database_product_nor_version(client, db):
    """OPS-3: anonymous callers learn that the database answers, not what it is."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0].split()[0]
    text = client.get("/api/v1/health/").content.decode()
    assert not re.search(r"postgres|mariadb|mysql|sqlite", text, re.I), text
    assert server_version not in text, f"the health body names the database's version {server_version}: {text}"


def test_health_fails_without_its_database(client, db, monkeypatch):
    """OPS-1: no database answer, no "ok" (the mutant health-without-database)."""
    from django.db.utils import OperationalError

    class Gone:
        def cursor(self):
            raise OperationalError("the database is gone")

    monkeypatch.setattr("igny8_backend.health.connection", Gone())
    client.raise_request_exception = False
    response = client.get("/api/v1/health/")
    assert response.status_code == 503 and response.json()["status"] != "ok", response.content  # PROTOCOL.md 1, "Health"
    assert response.json()["database"] != "ok" and "database is gone" not in response.content.decode()


def test_unknown_api_paths_answer_json(client, db):
    response = client.get("/api/v1/nothing-here/")
    assert_json_error(response, 404, "not_found")
