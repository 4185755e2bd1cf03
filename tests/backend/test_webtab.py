"""UI-1..3, SEC-7: the Content Types tab as a logged-in account user sees it."""

import re

import pytest

from harness.clients.tab import Row, read_html
from harness.generate.structures import post_type, structure, taxonomy


def _tab(client, tenant):
    return client.get(f"/sites/{tenant.site.pk}/content-types/")


def _testid(html, testid):
    match = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>(.*?)</', html, re.DOTALL)
    assert match, f"no element with data-testid={testid}"
    return match.group(1).strip()


def test_the_tab_shows_badge_sections_counts_and_last_sync(client, tenant):
    tenant.post_structure(structure({"post": post_type("Posts", 12), "book": post_type("Books 📚", 3)}, {"genre": taxonomy("Genres", ["book"], 4)}))
    client.force_login(tenant.user)
    html = _tab(client, tenant).content.decode()
    assert _testid(html, "integration-status") == "Connected"
    assert re.search(r'data-testid="post-type-book".*?data-testid="label">Books 📚<.*?data-testid="count">3<', html, re.DOTALL)
    assert re.search(r'data-testid="post-type-post".*?data-testid="count">12<.*?data-testid="synced-count">0<', html, re.DOTALL)
    assert re.search(r'data-testid="taxonomy-genre".*?data-testid="count">4<', html, re.DOTALL)
    assert _testid(html, "last-sync").endswith("UTC")
    # What the harness reads of it, by spec/CONTRACT.md 2.3 alone (harness/clients/tab.py).
    read = tenant.client.get(tenant.url("content-types")).json()
    view = read_html(html)
    assert (view.badge, view.rows["taxonomy"]) == ("Connected", {"genre": Row("Genres", 4, 0)})
    assert view.rows["post-type"] == {"post": Row("Posts", 12, 0), "book": Row("Books 📚", 3, 0)}
    assert view.last_sync == read["last_structure_fetch"]


def test_before_any_sync_the_tab_says_never(client, tenant):
    client.force_login(tenant.user)
    html = _tab(client, tenant).content.decode()
    assert _testid(html, "last-sync") == "Never"
    view = read_html(html)
    assert (view.last_sync, view.last_sync_text, view.rows) == (None, "Never", {"post-type": {}, "taxonomy": {}})
    assert 'data-testid="post-types-empty"' in html and 'data-testid="taxonomies-empty"' in html


@pytest.mark.parametrize(
    "status,active,badge",
    [
        ("connected", True, "Connected"),
        ("not_connected", True, "Not connected"),
        ("disconnected", True, "Disconnected"),
        ("connected", False, "Inactive"),
    ],
)
def test_badge_states(client, tenant, status, active, badge):
    tenant.integration.status, tenant.integration.is_active = status, active
    tenant.integration.save()
    client.force_login(tenant.user)
    assert _testid(_tab(client, tenant).content.decode(), "integration-status") == badge


def test_anonymous_users_are_sent_to_log_in(client, tenant):
    response = _tab(client, tenant)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_another_accounts_user_gets_404(client, tenant, other_tenant):
    client.force_login(other_tenant.user)
    assert _tab(client, tenant).status_code == 404


def test_login_form_then_tab(client, tenant):
    response = client.post("/accounts/login/", {"username": tenant.user.username, "password": "pw-alpha", "next": f"/sites/{tenant.site.pk}/content-types/"})
    assert response.status_code == 302
    assert _tab(client, tenant).status_code == 200


def test_the_tab_never_shows_the_api_key(client, tenant):
    tenant.post_structure()
    client.force_login(tenant.user)
    assert tenant.key not in _tab(client, tenant).content.decode()
