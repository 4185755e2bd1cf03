"""The structure in states other than the checklist's: what must be left out, what must not be
counted, and what must go when WordPress changes (STRUCT-2..5, CRON-2, CRON-3)."""

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

    assert igny8_plugin_page.disconnect().kind == "success"
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
