"""A site of a given shape (`--site FILE`, fixtures/sites/*.yaml): a forum's public custom statuses, a
shop's attribute taxonomies with uppercase and non-ASCII names, a deep hierarchy, or a thousand
entries and tens of thousands of posts. Every reset returns to the site, so every other module runs
on it too; here, after Connect and the daily sync, the backend holds WordPress's own view of it,
profile entries included, and a change to its content is followed (STRUCT-2..5, STORE-1).

NOT APPLICABLE on a run without --site (harness.spec.status.site_lacks: the requirements are then judged
by their other tests). Cron: these tests need only "a sync happened", so they run the daily event's
hook through the test control (scenarios/test_cron.py runs WP-Cron itself)."""

import pytest

from harness.clients.wordpress import STRUCTURE_HOOK
from harness.generate import sites
from harness.judge.expect import differences, expected_structure, served_structure
from harness.spec.status import site_lacks


@pytest.fixture
def profile(request, igny8_site):
    if igny8_site is sites.NO_SITE:
        site_lacks(request.node, "no site profile on the stack: give one with --site FILE (fixtures/sites/*.yaml)")
    return igny8_site


def published(profile, post_type):
    """The profile's public items of `post_type` (STRUCT-3): published, or in a status it registers as public."""
    public = {"publish"} | {slug for slug, e in profile.statuses.items() if e.get("public", True)}
    return sum(g["count"] for g in profile.posts if g["post_type"] == post_type and g.get("status", "publish") in public)


def synced_entries(entries):
    return {slug for slug, e in entries.items() if e.get("public", True) or e.get("show_ui", e.get("public", True))}


@pytest.mark.requirement("STRUCT-2", "STRUCT-3", "STRUCT-4", "STRUCT-5", case="positive")
def test_the_backend_holds_wordpress_view_of_the_site(profile, connected_site, igny8_wp, igny8_backend, igny8_evidence):
    wordpress = igny8_wp.state()["wordpress"]
    built = {slug: wordpress["post_types"].get(slug, {}).get("count") for slug in {g["post_type"] for g in profile.posts}}
    assert built == {slug: published(profile, slug) for slug in built}, f"the site is not what the profile says after a reset: {built}"
    assert igny8_wp.run_cron(STRUCTURE_HOOK) == [STRUCTURE_HOOK]
    wordpress, served = igny8_wp.state()["wordpress"], igny8_backend.read_back()
    igny8_evidence.json("WordPress's own view", wordpress)
    igny8_evidence.json("backend read-back", served)
    diff = differences(expected_structure(wordpress), served_structure(served))
    assert not diff, f"on the {profile.name} site, the backend differs from WordPress:\n" + "\n".join(diff[:40])
    missing = sorted((synced_entries(profile.post_types) - set(served["post_types"])) | (synced_entries(profile.taxonomies) - set(served["taxonomies"])))
    assert not missing, f"the site's own entries are not synced: {missing[:20]}"


@pytest.mark.requirement("STRUCT-3", "STORE-1", case="negative")
def test_a_change_to_the_sites_content_is_followed(request, profile, connected_site, igny8_wp, igny8_backend):
    """Drafts never count; a new published post and a trashed one move the count of a type the site fills."""
    synced = synced_entries(profile.post_types) | set(sites.BUILTIN_POST_TYPES)
    post_type = next((g["post_type"] for g in profile.posts if g.get("status", "publish") == "publish" and g["post_type"] in synced), None)
    if post_type is None:
        site_lacks(request.node, f"the {profile.name} site publishes nothing in a synced post type")
    before = published(profile, post_type)
    made = igny8_wp.create_posts([{"post_type": post_type, "title": "new"}, {"post_type": post_type, "title": "draft", "status": "draft"}])
    igny8_wp.change_posts(made[:1], "trash")
    igny8_wp.create_posts([{"post_type": post_type, "title": f"published {n}"} for n in range(2)])
    assert igny8_wp.run_cron(STRUCTURE_HOOK) == [STRUCTURE_HOOK]
    served = igny8_backend.read_back()["post_types"][post_type]["count"]
    assert served == igny8_wp.state()["wordpress"]["post_types"][post_type]["count"] == before + 2, f"{post_type}: served {served}, the site had {before} + 2"
