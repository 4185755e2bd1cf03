"""Every content status (spec/dimensions.yaml): a post in each status WordPress has, and in a public and
a non-public status a plugin registers. Only what WordPress shows any visitor leaves the site: the
structure counts it (STRUCT-3) and, with content-sync, the backend holds it (CONTENT-2); the rest is
neither counted nor sent. A password-protected post is published (its title, address and terms are
what any visitor sees of it): counted and sent.

The two sides come from independent sources: what the test made, and what the backend holds."""

from __future__ import annotations

import pytest

from harness.clients.wordpress import STRUCTURE_HOOK
from harness.spec import dimensions

# status: (how the test makes the post, whether any visitor sees it)
STATUSES = {
    "publish": ({"status": "publish"}, True),
    "password_protected": ({"status": "publish", "password": "not for visitors"}, True),
    "private": ({"status": "private"}, False),
    "draft": ({"status": "draft"}, False),
    "pending": ({"status": "pending"}, False),
    "future": ({"status": "future", "days_ahead": 3}, False),
    "trash": ({"status": "trash"}, False),
    "custom_public": ({"status": "igny8_closed"}, True),
    "custom_non_public": ({"status": "igny8_held"}, False),
}
REGISTERED = {"igny8_closed": {"label": "Closed", "public": True}, "igny8_held": {"label": "Held", "public": False}}


@pytest.mark.requirement("STRUCT-3", "CONTENT-2", case="negative", cells={"content_status": "*"})
@pytest.mark.parametrize("status", dimensions.load().values["content_status"])  # a status made nowhere above is a KeyError
def test_only_what_a_visitor_sees_leaves_the_site(
    status, connected_site, igny8_wp, igny8_backend, igny8_observer, igny8_plugin_page, igny8_requirement, igny8_evidence
):
    igny8_wp.register({"igny8_note": {"label": "Notes"}}, statuses=REGISTERED)
    igny8_wp.run_cron(STRUCTURE_HOOK)
    igny8_wp.settle()
    made, visible = STATUSES[status]
    [post] = igny8_wp.create_posts([{"post_type": "igny8_note", "title": f"A {status} note", **made}])
    igny8_wp.run_cron(STRUCTURE_HOOK)
    igny8_wp.settle()
    read = igny8_backend.read_back()
    igny8_evidence.json(f"a {status} note, as the backend serves its type", read["post_types"].get("igny8_note"))
    with igny8_requirement("STRUCT-3"):
        count = read["post_types"]["igny8_note"]["count"]
        assert count == int(visible), f"a {status} note is counted {count} times in the structure; any visitor sees {int(visible)}"
    with igny8_requirement("CONTENT-2"):  # content-sync: where it is not claimed, what this finds fails nothing
        assert read["post_types"]["igny8_note"]["synced_count"] == int(visible), (
            f"the backend holds {read['post_types']['igny8_note']['synced_count']} {status} notes"
        )
        if igny8_observer is not None:
            held = {int(r["external_id"]) for r in igny8_observer.synced_items(connected_site)}
            assert (post in held) == visible, f"the {status} note {post} is {'missing from' if visible else 'held by'} the backend"
