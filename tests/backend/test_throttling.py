"""OPS-4: a key over its rate is answered 429 with Retry-After, and only that key waits; SEC-13:
failed logins to the tab are throttled per username. Counted in PostgreSQL (throttling/counters.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from throttling.counters import Rate

from .conftest import Tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_per_minute(settings):
    settings.IGNY8_API_RATE = "3/60"


def test_a_key_over_its_rate_waits_and_its_request_changes_nothing(three_per_minute, tenant):
    for _ in range(3):
        assert tenant.client.get(tenant.url("content-types")).status_code == 200
    before = tenant.stored()
    refused = tenant.post_structure()
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert tenant.stored() == before


def test_another_key_keeps_its_own_rate(three_per_minute, tenant):
    for _ in range(4):
        tenant.client.get(tenant.url("content-types"))
    other = Tenant("beta")
    assert other.client.get(other.url("content-types")).status_code == 200


def test_health_is_never_throttled(three_per_minute, client):
    assert all(client.get("/api/v1/health/").status_code == 200 for _ in range(5))


@pytest.mark.parametrize("text", ["100", "0/10", "10/0", "ten/10", "-1/10", "1.5/10", ""])
def test_a_rate_set_wrong_is_refused_with_its_name(text):
    with pytest.raises(ImproperlyConfigured, match="IGNY8_API_RATE"):
        Rate.parse(text, "IGNY8_API_RATE")


def _login(client, username, password):
    client.get("/accounts/login/")
    return client.post("/accounts/login/", {"username": username, "password": password, "next": "/"})


def test_failed_logins_make_that_username_wait_even_with_the_right_password(settings, client, tenant):
    settings.IGNY8_LOGIN_RATE = "2/300"
    username, password = tenant.user.username, "pw-alpha"
    assert [_login(client, username, "wrong").status_code for _ in range(2)] == [200, 200]
    refused = _login(client, username, password)
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 300
    assert b"Too many failed logins" in refused.content
    assert "_auth_user_id" not in client.session


def test_another_username_logs_in_while_one_waits(settings, client, tenant):
    settings.IGNY8_LOGIN_RATE = "2/300"
    for _ in range(3):
        _login(client, tenant.user.username, "wrong")
    other = Tenant("beta")
    assert _login(client, other.user.username, "pw-beta").status_code == 302


def test_failed_logins_count_within_any_span_not_per_window(settings, client, tenant):
    """Failures 250 s and 10 s ago, with 2 per 300 s: a window's edge between them changes nothing."""
    import time

    from throttling.counters import MICROS
    from throttling.models import Hits

    settings.IGNY8_LOGIN_RATE = "2/300"
    now = time.time()
    key = tenant.user.username.lower()
    Hits.objects.bulk_create([Hits(scope="login", key=key, window=int((now - ago) * MICROS), count=1) for ago in (400, 250, 10)])
    refused = _login(client, tenant.user.username, "pw-alpha")
    assert refused.status_code == 429
    assert 45 <= int(refused["Retry-After"]) <= 55  # until the failure of 250 s ago is 300 s old
