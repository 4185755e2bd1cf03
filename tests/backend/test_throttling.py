"""OPS-4: a key over its rate is answered 429 with Retry-After, and only that key waits; SEC-13:
failed logins to the tab are throttled per username. Counted in PostgreSQL (throttling/counters.py)."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from throttling.counters import Rate

from .conftest import PROXIED, Tenant

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


# Issue #39: login cleans the name (stripped, NFKC) before looking it up, so the throttle must count
# by the account the name reaches, not by the text typed: else each spelling is a bucket of its own.
NFD_ZOE = "zoe\u0308"  # "zoë" as e + combining diaeresis; NFKC makes it the precomposed ë


@pytest.fixture
def qa_and_zoe(db):
    users = get_user_model().objects
    return users.create_user("qa", password="pw-qa"), users.create_user("zoë", password="pw-zoe")


def _refused_without_a_session(client, answer):
    assert answer.status_code == 429, answer.status_code
    assert 1 <= int(answer["Retry-After"]) <= 300
    assert django_settings.SESSION_COOKIE_NAME not in answer.cookies
    assert not Session.objects.exists()  # before client.session, which makes one when there is none
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("spelling", [" qa ", "ｑａ", NFD_ZOE])
def test_login_reaches_an_account_under_other_spellings_of_its_name(client, qa_and_zoe, spelling):
    """The premise of #39: these spellings log in, so each must wait when the account waits."""
    password = "pw-zoe" if spelling == NFD_ZOE else "pw-qa"
    assert _login(client, spelling, password).status_code == 302


@pytest.mark.parametrize(
    ("failed_as", "then_as", "password"),
    [("qa", "QA", "pw-qa"), ("qa", " qa ", "pw-qa"), ("qa", "ｑａ", "pw-qa"), ("zoë", NFD_ZOE, "pw-zoe"), (NFD_ZOE, "zoë", "pw-zoe")],
    ids=["upper case", "spaces", "fullwidth", "NFC then NFD", "NFD then NFC"],
)
def test_an_account_that_waits_waits_under_every_spelling_of_its_name(settings, client, qa_and_zoe, failed_as, then_as, password):
    settings.IGNY8_LOGIN_RATE = "2/300"
    assert [_login(client, failed_as, "wrong").status_code for _ in range(2)] == [200, 200]
    _refused_without_a_session(client, _login(client, then_as, password))


def test_failures_under_different_spellings_add_up(settings, client, qa_and_zoe):
    settings.IGNY8_LOGIN_RATE = "3/300"
    assert [_login(client, spelling, "wrong").status_code for spelling in ("QA", " qa", "ｑａ")] == [200, 200, 200]
    _refused_without_a_session(client, _login(client, "qa", "pw-qa"))


def test_while_an_account_and_an_unknown_name_wait_other_accounts_log_in(settings, client, qa_and_zoe):
    settings.IGNY8_LOGIN_RATE = "2/300"
    for spelling in ("qa", "ｑａ", "mallory", "ｍａｌｌｏｒｙ"):  # "mallory" is no account's name
        _login(client, spelling, "wrong")
    assert _login(client, "qa", "pw-qa").status_code == _login(client, "MALLORY", "wrong").status_code == 429
    assert _login(Client(**PROXIED), "zoë", "pw-zoe").status_code == 302  # another account: as before
    get_user_model().objects.create_user("qa2", password="pw-qa2")
    assert _login(Client(**PROXIED), "qa2", "pw-qa2").status_code == 302  # a name that only begins alike
