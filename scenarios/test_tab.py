"""The Content Types tab, in Chromium: who may see it (SEC-7), that it shows exactly what the
backend holds for this site and nothing of another (UI-2), labels as text whatever they hold, and
the last sync time as stored, over repeated syncs (UI-3)."""

from datetime import UTC, datetime, timedelta

import pytest

from harness.clients.tab import ContentTypesTab, goto, on_login_page, shows_badge
from harness.generate.structures import post_type, structure, taxonomy, timestamp
from harness.judge import bystander

# Labels a careless page turns into markup, or whose characters a careless template changes.
LABELS = {
    "script": "<script>document.title='owned'</script>",
    "img": "<img src=x onerror=\"document.title='owned'\">",
    "entities": "Tom &amp; Jerry &lt;b&gt; &#x41;",
    "quotes": "\"double\" 'single' `back`",
    "cell": '</td></tr><tr data-testid="post-type-injected"><td>',
    "template": "{{ site.name }} {% now 'Y' %}",
    "controls": "a\tb\nc\rd\x01e\x1f\x7f",
    "rtl": "\u202eabc \u05e9\u05dc\u05d5\u05dd \u0627\u0644\u0633\u0644\u0627\u0645",
    "long-cjk": "书" * 200,
    "long-emoji": "📚" * 200,
    "combining": "e\u0301" * 100,
}


def shown(tab):
    return {slug: (r.label, r.count, r.synced_count) for slug, r in tab.rows("post-type").items()}, {
        slug: (r.label, r.count, r.synced_count) for slug, r in tab.rows("taxonomy").items()
    }


def served(read):
    return tuple({slug: (e["label"], e["count"], e["synced_count"]) for slug, e in read[kind].items()} for kind in ("post_types", "taxonomies"))


@pytest.mark.requirement("SEC-7")
def test_the_accounts_user_is_shown_the_tab_after_logging_in(connected_backend, page, igny8_tab):
    tab = igny8_tab(page)
    assert tab.redirected_to_login, "the tab was shown before logging in"
    assert tab.shows_badge()


@pytest.mark.requirement("SEC-7", case="negative")
def test_an_anonymous_visitor_is_sent_to_log_in(connected_backend, page, igny8_backend_target, igny8_tenant):
    response = goto(page, f"{igny8_backend_target.backend_url}/sites/{igny8_tenant.site_id}/content-types/")
    assert on_login_page(page), f"an anonymous visitor was not sent to log in: {page.url} (HTTP {response.status if response else '?'})"
    assert not shows_badge(page), "an anonymous visitor saw the badge"


@pytest.mark.requirement("SEC-7", case="negative")
def test_another_accounts_user_gets_what_a_missing_site_gets(connected_backend, page, igny8_backend_target, igny8_tenant, igny8_new_tenant, igny8_evidence):
    other = igny8_new_tenant("igny8 tab stranger").tenant
    ContentTypesTab(page, igny8_backend_target.backend_url, other.site_id).open_as(other.username, other.password)
    foreign = goto(page, f"{igny8_backend_target.backend_url}/sites/{igny8_tenant.site_id}/content-types/")
    igny8_evidence.png("another account's user on our tab", page.screenshot())
    assert foreign is not None and foreign.status == 404, f"another account's user got HTTP {foreign.status if foreign else '?'}"
    assert not shows_badge(page)
    missing = goto(page, f"{igny8_backend_target.backend_url}/sites/987654321/content-types/")
    assert missing is not None and missing.status == foreign.status


@pytest.mark.requirement("UI-2", case="negative")
@pytest.mark.requirement("STRUCT-7", case="negative")
def test_labels_are_shown_exactly_as_text_and_nothing_of_another_site(connected_backend, igny8_backend, igny8_bystander, page, igny8_tab):
    types = {slug.replace("-", "_"): post_type(label, n) for n, (slug, label) in enumerate(LABELS.items())}
    sent = structure(types, {"lbl_tax": taxonomy(LABELS["script"], ["script"], 3)}, generated_at=timestamp(datetime.now(UTC) + timedelta(seconds=5)))
    assert igny8_backend.update_structure(sent).status_code == 200
    tab = igny8_tab(page)
    assert page.title() != "owned", "a label ran as script on the tab"
    # A label turned into markup shows as other text (its tags gone) or as a row of its own ("injected").
    assert "injected" not in tab.rows("post-type"), "a label became markup"
    assert shown(tab) == served(igny8_backend.read_back()), "the tab shows other labels or counts than the backend holds"
    assert not bystander.leaks({"post_types": dict.fromkeys(tab.rows("post-type"), {"label": ""}), "taxonomies": {}}), "another site's rows show"


@pytest.mark.requirement("UI-3", case="negative")
@pytest.mark.requirement("STORE-2", case="negative")
def test_the_last_sync_time_follows_every_sync_and_is_never_before_one(igny8_fresh_backend, igny8_backend, igny8_stored, page, igny8_tab, igny8_backend_clock):
    assert igny8_backend.connect().status_code == 200
    tab = igny8_tab(page)
    assert tab.last_sync() is None and tab.last_sync_text() == "Never", "the tab shows a last sync before any"
    previous = None
    for n in range(3):
        started = datetime.now(UTC)
        assert igny8_backend.update_structure(structure(generated_at=timestamp(started + timedelta(seconds=n)))).status_code == 200
        finished = datetime.now(UTC)
        stored = igny8_stored.integration(igny8_backend.integration_id)
        served_at = datetime.fromisoformat(igny8_backend.read_back()["last_structure_fetch"])
        page.reload()
        shown_attr = tab.last_sync()
        assert igny8_backend_clock.between(stored["structure_synced_at"], started, finished), (
            f"sync {n}: stored at {stored['structure_synced_at']}, outside the request"
        )
        assert served_at == stored["structure_synced_at"] == datetime.fromisoformat(stored["last_structure_fetch"])
        assert shown_attr and datetime.fromisoformat(shown_attr) == served_at, f"sync {n}: the tab shows {shown_attr}, the backend holds {served_at}"
        assert previous is None or served_at > previous, f"sync {n}: the time did not advance ({previous} -> {served_at})"
        previous = served_at
