"""The structure in states other than the checklist's: what must be left out, what must not be
counted, and what must go when WordPress changes (STRUCT-2..5, CRON-2, CRON-3); a site whose address
is not ASCII (STRUCT-6)."""

from urllib.parse import urlsplit

import pytest

from harness.clients.wordpress import STRUCTURE_HOOK
from harness.judge.expect import differences, expected_structure, served_structure

TYPES = {
    "shown": {"label": "Shown", "public": True},
    "ui_only": {"label": "UI only", "public": False, "show_ui": True},
    "hidden": {"label": "Hidden", "public": False, "show_ui": False},
    "going": {"label": "Going", "public": True},
}
TAXONOMIES = {
    "tags_shown": {"label": "Shown tags", "object_types": ["shown"], "public": True},
    "tags_hidden": {"label": "Hidden tags", "object_types": ["shown"], "public": False, "show_ui": False},
    "tags_going": {"label": "Going tags", "object_types": ["going"], "public": True},
}


def synced_view(wp, backend):
    wp.run_cron(STRUCTURE_HOOK)
    wordpress, served = wp.state()["wordpress"], backend.read_back()
    return wordpress, served, differences(expected_structure(wordpress), served_structure(served))


@pytest.mark.requirement("STRUCT-2", "STRUCT-3", "STRUCT-4", "STRUCT-5", case="negative")
def test_only_published_items_and_every_term_count_and_hidden_types_stay_out(connected_site, igny8_wp, igny8_backend, igny8_evidence):
    assert not igny8_wp.register(TYPES, TAXONOMIES)["errors"]
    ids = igny8_wp.create_posts(
        [{"post_type": "shown", "title": f"published {n}"} for n in range(3)]
        + [{"post_type": "shown", "title": status, "status": status} for status in ("draft", "pending", "private")]
        + [{"post_type": "ui_only", "title": "memo", "status": "publish"}, {"post_type": "hidden", "title": "log"}]
    )
    igny8_wp.change_posts(ids[:1], "trash")
    igny8_wp.create_terms("tags_shown", ["used", "never used", "also unused"])
    wordpress, served, diff = synced_view(igny8_wp, igny8_backend)
    igny8_evidence.json("served", served)
    assert not diff, "the backend differs from WordPress:\n" + "\n".join(diff)
    assert served["post_types"]["shown"]["count"] == 2, "drafts, pending, private or trashed items were counted as published"
    assert "hidden" not in served["post_types"] and "tags_hidden" not in served["taxonomies"], "a type without public or show_ui was sent"
    assert "ui_only" in served["post_types"], "a type with show_ui only was left out"
    assert served["taxonomies"]["tags_shown"]["count"] == 3, "terms with no posts were not counted"


@pytest.mark.requirement("STRUCT-2", "STRUCT-4", "CRON-2", case="negative")
def test_a_type_or_taxonomy_that_is_gone_from_wordpress_is_gone_after_the_next_sync(connected_site, igny8_wp, igny8_backend):
    assert not igny8_wp.register(TYPES, TAXONOMIES)["errors"]
    _, served, diff = synced_view(igny8_wp, igny8_backend)
    assert not diff and "going" in served["post_types"]
    remaining_types = {k: v for k, v in TYPES.items() if k != "going"}
    remaining_taxonomies = {k: v for k, v in TAXONOMIES.items() if k != "tags_going"}
    assert not igny8_wp.register(remaining_types, remaining_taxonomies)["errors"]
    _, served, diff = synced_view(igny8_wp, igny8_backend)
    assert not diff, "after WordPress lost a type, the backend differs:\n" + "\n".join(diff)
    assert "going" not in served["post_types"] and "tags_going" not in served["taxonomies"]


@pytest.mark.requirement("CRON-2", case="negative")
def test_the_daily_event_sends_nothing_while_disconnected(connected_site, igny8_wp, igny8_plugin_page, igny8_backend, igny8_observer):
    from harness.judge.observed import observed

    assert (done := igny8_plugin_page.disconnect()).kind == "success", f"Disconnect: {done}"
    before = observed(igny8_backend, igny8_observer)
    igny8_wp.create_posts([{"post_type": "page", "title": "After the disconnect"}])
    igny8_wp.run_cron(STRUCTURE_HOOK)  # whether scheduled or not: the hook itself must not send
    assert observed(igny8_backend, igny8_observer) == before, "the daily event sent something after Disconnect"


@pytest.mark.requirement("CRON-3", case="negative")
def test_deactivation_unschedules_even_while_the_backend_is_down(connected_site, igny8_wp, igny8_stack):
    with igny8_stack.faults.stopped("api"):
        assert igny8_wp.set_plugin_active(False) is False
        events = igny8_wp.cron_events()
    assert events == [], f"igny8 events survive a deactivation made while the backend was down: {events}"


# A shop's attribute taxonomies and a media taxonomy, named as WordPress lets plugins name them.
SHOP_TYPES = {"product": {"label": "Products", "public": True}}
SHOP_TAXONOMIES = {
    "pa_Color": {"label": "Color", "object_types": ["product"], "public": True},
    "pa_größe": {"label": "Größe", "object_types": ["product"], "public": True},
    "pa_材质": {"label": "材质", "object_types": ["product"], "public": True, "hierarchical": True},
    "media_folder": {"label": "Folders", "object_types": ["attachment:image"], "public": False, "show_ui": True},
}


@pytest.mark.requirement("STORE-4", "STRUCT-4", "STRUCT-5")
def test_taxonomies_named_in_upper_case_or_any_script_sync_with_their_content(connected_site, igny8_wp, igny8_backend, igny8_evidence):
    """One odd entry must not stop a site syncing: every name register_taxonomy() takes is synced with
    its terms and the items tagged in it (test_backend_api.py sends content tagged in them straight to the API)."""
    assert not igny8_wp.register(SHOP_TYPES, SHOP_TAXONOMIES)["errors"]
    igny8_wp.create_terms("pa_größe", ["S", "M", "L"])
    igny8_wp.create_posts([{"post_type": "product", "title": f"shirt {n}", "terms": {"pa_Color": ["Red"], "pa_材质": ["棉"]}} for n in range(2)])
    wordpress, served, diff = synced_view(igny8_wp, igny8_backend)
    igny8_evidence.json("served", served)
    assert not diff, "with taxonomies named as WordPress allows, the backend differs:\n" + "\n".join(diff)
    assert set(SHOP_TAXONOMIES) <= set(served["taxonomies"]), f"taxonomies left out: {sorted(set(SHOP_TAXONOMIES) - set(served['taxonomies']))}"
    assert served["taxonomies"]["media_folder"]["object_types"] == ["attachment:image"]
    assert served["taxonomies"]["pa_größe"]["count"] >= 3 and served["post_types"]["product"]["count"] >= 2, "the terms or items made were not counted"


# A site's address as its administrator typed it, characters beyond ASCII included: site_url is an IRI,
# sent as WordPress gives it (PROTOCOL.md 3, STRUCT-6). "{host}" is the stack's own host.
NON_ASCII_ADDRESSES = {
    "a path with é": "http://{host}/blog/é",
    "a Unicode domain": "http://bücher.example/",
}


@pytest.mark.requirement("STRUCT-6")
@pytest.mark.parametrize("name", NON_ASCII_ADDRESSES)
def test_a_site_whose_address_is_not_ascii_syncs_with_that_address(
    igny8_fresh_site, igny8_stored, igny8_wp, igny8_plugin_page, igny8_backend_target, igny8_backend, igny8_evidence, name
):
    """WordPress's home_url() gives a non-ASCII address; Connect and the daily event sync the site, and
    the backend stores and serves back, as site_url, exactly that address: not converted to a URI, not
    refused. The address comes from WordPress (/state), and what the backend holds from its store and its API."""
    address = NON_ASCII_ADDRESSES[name].format(host=urlsplit(igny8_wp.state()["home_url"]).netloc)
    assert igny8_wp.set_home_url(address) == address, "the test control could not give WordPress the address"
    outcome = igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, igny8_backend.api_key)
    assert outcome.kind == "success", f"a site whose address is {address!r} could not connect: {outcome}"
    assert igny8_wp.run_cron(STRUCTURE_HOOK) == [STRUCTURE_HOOK]
    home = igny8_wp.state()["home_url"]
    served = igny8_backend.read_back()
    stored = igny8_stored.integration(igny8_backend.integration_id)["structure"]
    igny8_evidence.json("the address", {"set": address, "WordPress home_url()": home, "served": served["site_url"], "stored": stored and stored["site_url"]})
    assert home == address, f"WordPress gives {home!r} as its address, not {address!r}"
    assert stored and stored["site_url"] == home, f"the backend stores site_url {stored and stored['site_url']!r}, not WordPress's {home!r}"
    assert served["site_url"] == home, f"the backend serves site_url {served['site_url']!r}, not WordPress's {home!r}"
    assert served["post_types"], "the backend holds no structure for the site"
