import pytest
from accounts.models import Account, Site
from django.contrib.auth import get_user_model
from django.test import Client
from integration import keys
from integration.models import SiteIntegration
from rest_framework.test import APIClient

from harness.generate.structures import structure

BASE = "/api/v1/integration/integrations"
# Requests arrive as through the stack's TLS proxy, which says the scheme was https: plain HTTP is
# redirected (SEC-10, test_https.py sends it on purpose).
PROXIED = {"HTTP_X_FORWARDED_PROTO": "https"}


def api_client():
    """DRF's test client, behind the TLS proxy."""
    return APIClient(**PROXIED)


class Tenant:
    """An account with one site, one user and one WordPress integration, and its key; with `site`,
    another integration (and user) of that existing site instead."""

    def __init__(self, name, connected=True, site=None):
        self.site = site or Site.objects.create(account=Account.objects.create(name=name), name=f"{name} site")
        self.account = self.site.account
        self.user = get_user_model().objects.create_user(username=f"{name}-user", password="pw-" + name)
        self.account.users.add(self.user)
        self.key = keys.new_key()
        self.integration = SiteIntegration(site=self.site)
        self.integration.set_api_key(self.key)
        if connected:
            self.integration.status = SiteIntegration.Status.CONNECTED
        self.integration.save()
        self.client = api_client()
        self.client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.key}")

    def url(self, action, integration_id=None):
        return f"{BASE}/{integration_id or self.integration.pk}/{action}/"

    def post_structure(self, payload=None, **kw):
        return self.client.post(self.url("update-structure"), payload if payload is not None else structure(), format="json", **kw)

    def stored(self):
        """The integration row as the database holds it now."""
        row = SiteIntegration.objects.get(pk=self.integration.pk)
        return {"config_json": row.config_json, "structure_synced_at": row.structure_synced_at, "status": row.status}


@pytest.fixture
def client():
    """Django's test client (pytest-django's `client`), behind the TLS proxy."""
    return Client(**PROXIED)


@pytest.fixture
def tenant(db):
    return Tenant("alpha")


@pytest.fixture
def other_tenant(db):
    return Tenant("beta")


@pytest.fixture
def sibling(tenant):
    """Another WordPress integration of the tenant's own site, with a key of its own (SEC-9)."""
    return Tenant("alpha-2", site=tenant.site)


def assert_json_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    return body["error"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 costs ~0.4 s a user; the tests check who may log in, not the hash's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
