"""A site with third-party plugins (`--with-plugin DIR`; the project's own is
fixtures/plugins/igny8-example-site/): real sites run other plugins, which register post types,
taxonomies and post statuses of their own, often late on `init`. They are part of the site: mounted
read-only beside the plugin under test, activated once when the site is set up (their first run passed
as an administrator passes it), active after every reset, which returns to that state and activates only
the plugin under test afresh, and every other module runs with them too. Here, with content in their
types and terms in their taxonomies, the structure the backend holds is WordPress's own view, theirs
included (STRUCT-2..5), and the run names each of them with its version (results.json run.system,
the report's "What ran").

NOT APPLICABLE on a stack without a third-party plugin (harness.spec.status.site_lacks: the requirements
are then judged by their other tests). Cron: these tests need only "a sync happened", so they run
the daily event's hook through the test control (scenarios/test_cron.py runs WP-Cron itself)."""

import re
from pathlib import Path

import pytest

from harness.clients.wordpress import STRUCTURE_HOOK
from harness.judge.expect import differences, expected_structure, served_structure
from harness.spec.status import site_lacks
from harness.stack.config import plugin_main_file

# What fixtures/plugins/igny8-example-site registers, checked by name when it is on the stack.
EXAMPLE_SITE = "igny8-example-site"
EXAMPLE_POST_TYPES = {"ies_forum", "ies_ledger"}  # public; not public but shown in wp-admin
EXAMPLE_TAXONOMIES = {"ies_board"}
EXAMPLE_PUBLIC_STATUS = "ies_closed"


@pytest.fixture
def extra_plugins(request, igny8_stack_info):
    """The third-party plugins on the stack, as the run names them (harness.suite.fixtures.extra_plugins_ran)."""
    plugins = igny8_stack_info.get("extra_plugins") or []
    if not plugins:
        site_lacks(request.node, "no third-party plugin on the stack: give one with --with-plugin DIR (fixtures/plugins/igny8-example-site is the project's)")
    return plugins


def theirs(entries):
    """The synced entries (public or shown in wp-admin) WordPress itself does not register: after a
    reset, before the harness registers anything, they come from the plugins on the site."""
    return {slug for slug, e in entries.items() if not e.get("builtin", True) and (e["public"] or e["show_ui"])}


@pytest.mark.requirement("STRUCT-2", "STRUCT-3", "STRUCT-4", "STRUCT-5", case="negative")
def test_their_post_types_taxonomies_and_counts_are_synced_as_wordpress_sees_them(extra_plugins, connected_site, igny8_wp, igny8_backend, igny8_evidence):
    state = igny8_wp.state()
    assert all(p["active"] for p in state["extra_plugins"]), f"a third-party plugin is not active after the reset: {state['extra_plugins']}"
    post_types, taxonomies = theirs(state["wordpress"]["post_types"]), theirs(state["wordpress"]["taxonomies"])
    # Items in every status: "publish" and every status a plugin makes public count (STRUCT-3), drafts do not.
    public_statuses = sorted(s for s, e in state["post_statuses"].items() if e["public"] and not e["builtin"])
    items = []
    for slug in sorted(post_types):
        items += [{"post_type": slug, "title": f"{slug} published {n}"} for n in range(2)]
        items += [{"post_type": slug, "title": f"{slug} {status}", "status": status} for status in ["draft", *public_statuses]]
    if items:
        igny8_wp.create_posts(items)
    for taxonomy in sorted(taxonomies):
        igny8_wp.create_terms(taxonomy, ["first term", "second term"])
    assert igny8_wp.run_cron(STRUCTURE_HOOK) == [STRUCTURE_HOOK]
    wordpress, served = igny8_wp.state()["wordpress"], igny8_backend.read_back()
    igny8_evidence.json("the plugins' own", {"post_types": sorted(post_types), "taxonomies": sorted(taxonomies), "public statuses": public_statuses})
    igny8_evidence.json("WordPress's own view", wordpress)
    igny8_evidence.json("backend read-back", served)
    diff = differences(expected_structure(wordpress), served_structure(served))
    assert not diff, "with third-party plugins, the backend differs from WordPress:\n" + "\n".join(diff)
    missing = sorted((post_types - set(served["post_types"])) | (taxonomies - set(served["taxonomies"])))
    assert not missing, f"the third-party plugins' entries are not synced: {missing}"
    if any(p["folder"] == EXAMPLE_SITE for p in extra_plugins):  # the project's own: what it registers is known
        assert EXAMPLE_POST_TYPES <= set(served["post_types"]) and EXAMPLE_TAXONOMIES <= set(served["taxonomies"]), "the example site's types are not synced"
        assert EXAMPLE_PUBLIC_STATUS in public_statuses, f"WordPress does not list the example site's public status {EXAMPLE_PUBLIC_STATUS!r}"
        want, counted = 2 + len(public_statuses), served["post_types"]["ies_forum"]["count"]
        assert counted == want, f"{counted} forums counted: {want} are public (2 published, 1 in each public status {public_statuses}), the draft is not"


@pytest.mark.requirement("OPS-2", case="negative")
def test_the_plugin_is_active_beside_them_and_the_run_names_each_with_its_version(extra_plugins, igny8_fresh_site, igny8_wp, igny8_stack, igny8_evidence):
    state = igny8_wp.state()
    igny8_evidence.json("plugins as WordPress lists them", {"plugin under test": state["plugin"], "third-party": state["extra_plugins"]})
    assert state["plugin"]["active"], "the plugin under test is not active beside the third-party plugins"
    named = {p["dir"]: p for p in extra_plugins}
    for directory in igny8_stack.config.extra_plugins:
        header = plugin_main_file(Path(directory)).read_text(errors="replace")
        found = re.search(r"^[ \t/*#@]*Version:\s*(\S+)", header, re.M | re.I)
        version = found.group(1) if found else ""
        assert directory in named, f"the run does not name the third-party plugin {directory} (it names {sorted(named)})"
        ran = named[directory]
        assert ran["active"] and ran["name"], f"{directory}: WordPress lists it as {ran}"
        assert ran["version"] == version, f"{directory}: the run names version {ran['version']!r}, its header says {version!r}"
