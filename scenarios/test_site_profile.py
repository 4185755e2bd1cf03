"""A site of a given shape (`--site FILE`, fixtures/sites/*.yaml): a forum's public custom statuses, a
shop's attribute taxonomies with uppercase and non-ASCII names, a deep hierarchy, or a thousand
entries and tens of thousands of posts. Every reset returns to the site, so every other module runs
on it too; here, after Connect and the daily sync, the backend holds WordPress's own view of it,
profile entries included, and a change to its content is followed (STRUCT-2..5, STORE-1). A profile of
real plugins (fixtures/sites/bbpress.yaml, cptui.yaml, busy.yaml) fills what they register and what its
admin forms make through their screens; a post status a plugin registers as public counts as WordPress says.

NOT APPLICABLE on a run without --site (harness.spec.status.site_lacks: the requirements are then judged
by their other tests). Cron: these tests need only "a sync happened", so they run the daily event's
hook through the test control (scenarios/test_cron.py runs WP-Cron itself)."""

import pytest

from harness.clients.wordpress import STRUCTURE_HOOK
from harness.generate import sites
from harness.judge.expect import differences, expected_structure, served_structure
from harness.spec.status import site_lacks
from harness.stack import corpus


@pytest.fixture
def profile(request, igny8_site):
    if igny8_site is sites.NO_SITE:
        site_lacks(request.node, "no site profile on the stack: give one with --site FILE (fixtures/sites/*.yaml)")
    return igny8_site


def published(profile, post_type, public=None):
    """The profile's public items of `post_type` (STRUCT-3): published, or in a status it registers as public,
    or (given WordPress's public statuses) one a plugin of the site registers as public (bbPress's closed)."""
    public = public or ({"publish"} | {slug for slug, e in profile.statuses.items() if e.get("public", True)})
    return sum(g["count"] for g in profile.posts if g["post_type"] == post_type and g.get("status", "publish") in public)


def public_statuses(state):
    return {slug for slug, e in state["post_statuses"].items() if e["public"]}


def left_out(profile, igny8_stack, slugs):
    """Post types of the profile's corpus plugins that this cell runs without (a release that cannot run on
    its WordPress or PHP: harness.stack.corpus); their content is left out with them."""
    running = corpus.registrations(igny8_stack.config.extra_plugins)["post_types"]
    return {s for s in slugs if s in corpus.registrations(profile.plugins)["post_types"] and s not in running}


def synced_entries(entries):
    return {slug for slug, e in entries.items() if e.get("public", True) or e.get("show_ui", e.get("public", True))}


@pytest.mark.requirement("STRUCT-2", "STRUCT-3", "STRUCT-4", "STRUCT-5", case="positive")
def test_the_backend_holds_wordpress_view_of_the_site(profile, connected_site, igny8_wp, igny8_backend, igny8_stack, igny8_evidence):
    state = igny8_wp.state()
    wordpress = state["wordpress"]
    filled = {g["post_type"] for g in profile.posts} - left_out(profile, igny8_stack, {g["post_type"] for g in profile.posts})
    built = {slug: wordpress["post_types"].get(slug, {}).get("count") for slug in filled}
    want = {slug: published(profile, slug, public_statuses(state)) for slug in built}
    assert built == want, f"the site is not what the profile says after a reset: {built}, not {want}"
    assert igny8_wp.run_cron(STRUCTURE_HOOK) == [STRUCTURE_HOOK]
    wordpress, served = igny8_wp.state()["wordpress"], igny8_backend.read_back()
    igny8_evidence.json("WordPress's own view", wordpress)
    igny8_evidence.json("backend read-back", served)
    diff = differences(expected_structure(wordpress), served_structure(served))
    assert not diff, f"on the {profile.name} site, the backend differs from WordPress:\n" + "\n".join(diff[:40])
    forms = profile.made_by_forms()  # made through another plugin's screens (Custom Post Type UI's): shown in wp-admin, so synced
    types, taxonomies = synced_entries(profile.post_types) | forms["post_types"], synced_entries(profile.taxonomies) | forms["taxonomies"]
    missing = sorted((types - set(served["post_types"])) | (taxonomies - set(served["taxonomies"])))
    assert not missing, f"the site's own entries are not synced: {missing[:20]}"


@pytest.mark.requirement("STRUCT-3", "STORE-1", case="negative")
def test_a_change_to_the_sites_content_is_followed(request, profile, connected_site, igny8_wp, igny8_backend):
    """Drafts never count; a new published post and a trashed one move the count of a type the site fills."""
    synced = synced_entries(profile.post_types) | set(sites.BUILTIN_POST_TYPES) | profile.made_by_forms()["post_types"]
    post_type = next((g["post_type"] for g in profile.posts if g.get("status", "publish") == "publish" and g["post_type"] in synced), None)
    if post_type is None:
        site_lacks(request.node, f"the {profile.name} site publishes nothing in a synced post type")
    before = published(profile, post_type, public_statuses(igny8_wp.state()))
    made = igny8_wp.create_posts([{"post_type": post_type, "title": "new"}, {"post_type": post_type, "title": "draft", "status": "draft"}])
    igny8_wp.change_posts(made[:1], "trash")
    igny8_wp.create_posts([{"post_type": post_type, "title": f"published {n}"} for n in range(2)])
    assert igny8_wp.run_cron(STRUCTURE_HOOK) == [STRUCTURE_HOOK]
    served = igny8_backend.read_back()["post_types"][post_type]["count"]
    assert served == igny8_wp.state()["wordpress"]["post_types"][post_type]["count"] == before + 2, f"{post_type}: served {served}, the site had {before} + 2"
