"""SEC-10: the API answers only over HTTPS; SEC-11: HSTS. Behind the stack's TLS proxy the scheme
arrives in X-Forwarded-Proto, set by the proxy alone (wordpress-stack/api/nginx.conf)."""

import runpy
from pathlib import Path

import igny8_backend
import pytest
from rest_framework.test import APIClient

from harness.generate.structures import structure

SETTINGS_FILE = Path(igny8_backend.__file__).parent / "settings.py"
HTTPS_SETTINGS = ("SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS")


def _settings_module(monkeypatch, dev):
    """The settings module's values as a deployment (or, with dev, a developer) evaluates it."""
    if dev:
        monkeypatch.setenv("IGNY8_DEV", "1")
    else:
        monkeypatch.delenv("IGNY8_DEV", raising=False)
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.fixture
def production_https(settings, monkeypatch):
    """The HTTPS settings of production, whatever the tests' own environment says."""
    values = _settings_module(monkeypatch, dev=False)
    for name in HTTPS_SETTINGS:
        setattr(settings, name, values.get(name, []))


def test_production_redirects_plain_http_and_sends_hsts(monkeypatch):
    values = _settings_module(monkeypatch, dev=False)
    assert values["SECURE_SSL_REDIRECT"] is True
    assert not values.get("SECURE_REDIRECT_EXEMPT"), "no path answers over plain HTTP"
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    # The redirect must come before any view can act on the request: SecurityMiddleware is first.
    assert values["MIDDLEWARE"][0] == "django.middleware.security.SecurityMiddleware"


def test_the_dev_server_still_answers_plain_http(monkeypatch):
    values = _settings_module(monkeypatch, dev=True)
    assert values["SECURE_SSL_REDIRECT"] is False and values["SECURE_HSTS_SECONDS"] == 0


@pytest.mark.parametrize("proto", [None, "http"], ids=["no X-Forwarded-Proto", "the port-80 proxy's"])
def test_a_post_over_plain_http_is_redirected_and_stores_nothing(tenant, production_https, proto):
    client = APIClient() if proto is None else APIClient(HTTP_X_FORWARDED_PROTO=proto)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tenant.key}")
    before = tenant.stored()
    response = client.post(tenant.url("update-structure"), structure(), format="json")
    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{tenant.url('update-structure')}"
    assert tenant.stored() == before and before["config_json"] == {}


def _hsts(response):
    return dict(part.strip().partition("=")[::2] for part in response["Strict-Transport-Security"].split(";"))


def test_an_api_answer_over_https_carries_hsts(tenant, production_https):
    response = tenant.post_structure()  # X-Forwarded-Proto: https, as from the TLS proxy
    assert response.status_code == 200, response.content
    assert int(_hsts(response)["max-age"]) >= 31536000 and "includeSubDomains" in _hsts(response)
    assert tenant.stored()["structure_synced_at"] is not None


def test_health_and_refusals_over_https_carry_hsts_too(tenant, production_https, client):
    refused = APIClient(HTTP_X_FORWARDED_PROTO="https").get(tenant.url("content-types"))
    for response in (client.get("/api/v1/health/"), refused):
        assert int(_hsts(response)["max-age"]) >= 31536000, response.status_code
    assert refused.status_code == 401
