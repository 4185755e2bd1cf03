"""Content waits in a durable queue and leaves from WP-Cron (CONTENT-3..6, FAIL-2): saves never wait
on the network, nothing is lost while the backend is down, the content already there is backfilled
after Connect, only public types' content leaves the site, and the daily event puts right what
changed while the plugin was not listening. "Let WP-Cron run" is `WordPressClient.settle`: the
plugin's own single events, requested through wp-cron.php as a site's WP-Cron would (CONTRACT.md 1.4)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from harness.clients.wordpress import STRUCTURE_HOOK
from harness.stack.faults import THROTTLED_FOR

BURST = 20  # the "20 saves while the backend is down"
BACKOFF = 1.5  # CONTENT-3: each wait at least half as long again as the one before
CLOCK_SLACK = 2  # seconds: WP-Cron's timestamps are whole seconds, read at two moments
CONTENT_TYPES = {"book": {"label": "Books", "public": True}, "memo": {"label": "Memos", "public": False, "show_ui": True}}


def public_content(wp) -> dict[str, int]:
    """WordPress's own count of public content (STRUCT-3) per public post type: what the backend must hold."""
    return {slug: e["count"] for slug, e in wp.state()["wordpress"]["post_types"].items() if e["public"]}


def synced(backend) -> dict[str, int]:
    return {slug: e["synced_count"] for slug, e in backend.read_back()["post_types"].items()}


def timed(action) -> tuple[Any, float]:
    started = time.monotonic()
    result = action()
    return result, time.monotonic() - started


def retry_delay(wp) -> float:
    """Seconds from now to the plugin's next single WP-Cron event (its retry)."""
    later = [e["timestamp"] for e in wp.pending_work()]
    assert later, "nothing is left for WP-Cron after a failed send: the queued changes were dropped, or no retry was scheduled"
    return min(later) - time.time()


def assert_backend_holds_wordpress_content(wp, backend, evidence, what: str) -> None:
    want, got = public_content(wp), synced(backend)
    evidence.json(f"public content per type, {what}", {"WordPress": want, "backend synced_count": got})
    wrong = {slug: (n, got.get(slug, 0)) for slug, n in want.items() if slug in got and got[slug] != n}
    assert not wrong, f"{what}, synced counts differ from WordPress's public content (WordPress, backend): {wrong}"


@pytest.mark.requirement("FAIL-2", case="negative")
def test_saves_and_a_bulk_trash_never_wait_on_a_hung_backend(connected_site, igny8_wp, igny8_stack, igny8_evidence):
    """Whatever a plugin does with content (CONTENT-3 for one that sends it), a save is WordPress's own work."""
    healthy_ids, healthy_saves = timed(lambda: igny8_wp.create_posts([{"post_type": "post", "title": f"up {n}"} for n in range(BURST)]))
    _, healthy_trash = timed(lambda: igny8_wp.change_posts(healthy_ids[: BURST // 2], "trash"))
    with igny8_stack.faults.paused("api"):  # hung: a save that waited on the backend would wait its whole timeout
        ids, saves = timed(lambda: igny8_wp.create_posts([{"post_type": "post", "title": f"while hung {n}"} for n in range(BURST)]))
        _, trash = timed(lambda: igny8_wp.change_posts(ids, "trash"))
    timings = {f"{BURST} saves, backend up": healthy_saves, f"{BURST} saves, backend hung": saves, "bulk trash, up": healthy_trash, "bulk trash, hung": trash}
    igny8_evidence.json("seconds", {k: round(v, 2) for k, v in timings.items()})
    assert saves < healthy_saves + 1, f"{BURST} saves took {saves:.1f} s with the backend hung, {healthy_saves:.1f} s with it up: saves wait on the network"
    assert trash < healthy_trash + 1, f"a bulk trash of {BURST} took {trash:.1f} s with the backend hung, {healthy_trash:.1f} s with it up"


@pytest.mark.requirement("CONTENT-3", "CONTENT-2")
def test_saves_while_the_backend_is_down_wait_in_the_queue_and_none_is_lost(connected_site, igny8_wp, igny8_backend, igny8_stack, igny8_evidence):
    igny8_wp.settle()  # Connect's own backfill, so that only this test's changes are queued below
    kept = igny8_wp.create_posts([{"post_type": "post", "title": f"before {n}"} for n in range(BURST // 2)])
    igny8_wp.settle()
    logged_before = len(igny8_wp.igny8_log_lines())
    with igny8_stack.faults.stopped("api"):  # gone: every send fails at once
        ids = igny8_wp.create_posts([{"post_type": "post", "title": f"while down {n}"} for n in range(BURST)])
        igny8_wp.change_posts(ids[:5] + kept[:3], "trash")
        igny8_wp.settle()
        first = retry_delay(igny8_wp)
        igny8_wp.settle(time_passes=True)
        second = retry_delay(igny8_wp)
        failed = igny8_wp.igny8_log_lines()[logged_before:]
    igny8_evidence.json("retries", {"first in (s)": round(first), "second in (s)": round(second)})
    igny8_evidence.text("[IGNY8] lines while the backend was down", "\n".join(failed))
    assert any("fail" in line.lower() for line in failed), "the failed sends left no [IGNY8] line saying they failed"
    assert first > 0 and second >= BACKOFF * first - CLOCK_SLACK, (
        f"the retries do not back off: the first was scheduled {first:.0f} s ahead, the next {second:.0f} s"
    )

    igny8_wp.settle(time_passes=True)  # the backend is back; the retry's time comes
    assert_backend_holds_wordpress_content(igny8_wp, igny8_backend, igny8_evidence, "after the backend came back")
    assert synced(igny8_backend)["post"] == public_content(igny8_wp)["post"], "a change made while the backend was down was lost"


@pytest.mark.requirement("CONTENT-3", case="negative")
@pytest.mark.parametrize("status", [500, 503])
def test_a_batch_the_backend_refused_with_an_error_is_sent_again(status, connected_site, igny8_wp, igny8_backend, igny8_stack, igny8_evidence):
    igny8_wp.settle()
    with igny8_stack.faults.answering(status, "sync-content"):
        igny8_wp.create_posts([{"post_type": "post", "title": f"refused with {status} {n}"} for n in range(3)])
        igny8_wp.settle()
        waiting = igny8_wp.pending_work()
    igny8_evidence.json(f"WP-Cron work after a {status}", waiting)
    assert waiting, f"after a {status}, nothing was left to retry: the batch was dropped"
    igny8_wp.settle(time_passes=True)
    assert_backend_holds_wordpress_content(igny8_wp, igny8_backend, igny8_evidence, f"after a {status} and the retry")


@pytest.mark.requirement("CONTENT-3", case="negative")
def test_a_batch_answered_429_waits_as_long_as_retry_after_says(connected_site, igny8_wp, igny8_backend, igny8_stack, igny8_evidence):
    """A throttling backend's Retry-After (here 10 minutes, longer than the first backoff) is the
    earliest the plugin may send again: sooner would be throttled again, and count against it."""
    igny8_wp.settle()
    with igny8_stack.faults.answering(429, "sync-content"):
        igny8_wp.create_posts([{"post_type": "post", "title": f"throttled {n}"} for n in range(3)])
        igny8_wp.settle()
        waits = retry_delay(igny8_wp)
    igny8_evidence.json("after a 429", {"Retry-After (s)": THROTTLED_FOR, "next send in (s)": round(waits)})
    assert waits >= THROTTLED_FOR - CLOCK_SLACK, f"after a 429 with Retry-After: {THROTTLED_FOR}, the plugin sends again in {waits:.0f} s"
    igny8_wp.settle(time_passes=True)
    assert_backend_holds_wordpress_content(igny8_wp, igny8_backend, igny8_evidence, "after the wait Retry-After asked for")


@pytest.mark.requirement("CONTENT-4")
def test_posts_there_before_connect_are_backfilled_from_wp_cron(
    igny8_fresh_site, igny8_plugin_page, igny8_wp, igny8_backend, igny8_backend_target, igny8_evidence
):
    igny8_wp.create_posts(
        [{"post_type": "post", "title": f"before Connect {n}"} for n in range(130)]  # more than one batch of a hundred
        + [{"post_type": "page", "title": "a page"}, {"post_type": "post", "title": "a draft", "status": "draft"}]
    )
    assert (done := igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, igny8_backend.api_key)).kind == "success", f"Connect: {done}"
    igny8_wp.settle()
    assert_backend_holds_wordpress_content(igny8_wp, igny8_backend, igny8_evidence, "after Connect and WP-Cron")
    assert synced(igny8_backend)["post"] == 130, "the posts published before Connect were not all sent, or the draft was"


def books_and_memos(wp, backend) -> tuple[list[int], dict[str, Any]]:
    assert not wp.register(CONTENT_TYPES)["errors"]
    ids = wp.create_posts([{"post_type": "book", "title": "A public book"}, {"post_type": "memo", "title": "Salaries 2027: confidential"}])
    wp.run_cron(STRUCTURE_HOOK)
    wp.settle()
    return ids, backend.read_back()["post_types"]


@pytest.mark.requirement("CONTENT-5")
def test_a_public_types_content_leaves_the_site(connected_site, igny8_wp, igny8_backend, igny8_evidence):
    _, served = books_and_memos(igny8_wp, igny8_backend)
    igny8_evidence.json("read-back", served)
    assert served["book"]["synced_count"] == 1, "the items of a public type were not sent"


@pytest.mark.requirement("CONTENT-5", "STRUCT-2", case="negative")
def test_a_type_shown_only_in_wp_admin_keeps_its_content_on_the_site(connected_site, igny8_wp, igny8_backend, igny8_observer, igny8_evidence):
    ids, served = books_and_memos(igny8_wp, igny8_backend)
    igny8_evidence.json("read-back", served)
    assert "memo" in served, "a type shown in wp-admin only is missing from the structure (STRUCT-2)"
    assert served["memo"]["synced_count"] == 0, "the items of a type that is not public were sent to the backend"
    if igny8_observer is not None:
        held = {int(r["external_id"]) for r in igny8_observer.synced_items(connected_site)}
        assert ids[1] not in held, "the memo is stored on the backend"


FORUM_STATUSES = {"closed": {"label": "Closed", "public": True}, "spam": {"label": "Spam", "public": False}}


def forum_topics(wp) -> int:
    """A forum plugin's statuses: its "closed" topics are public content, its "spam" is not. Registers
    what the site lacks (a forum site profile, bbPress's, has topics and these statuses already) and
    returns how many public topics it held before: the test's own three come on top."""
    state = wp.state()
    before = state["wordpress"]["post_types"].get("topic", {}).get("count", 0)
    types = {} if "topic" in state["wordpress"]["post_types"] else {"topic": {"label": "Topics"}}
    statuses = {slug: status for slug, status in FORUM_STATUSES.items() if slug not in state["post_statuses"]}
    if types or statuses:
        assert not wp.register(types, statuses=statuses)["errors"]
    wp.create_posts(
        [{"post_type": "topic", "title": "open"}, {"post_type": "topic", "title": "closed 1", "status": "closed"}]
        + [{"post_type": "topic", "title": "closed 2", "status": "closed"}, {"post_type": "topic", "title": "spam", "status": "spam"}]
        + [{"post_type": "topic", "title": "draft", "status": "draft"}]
    )
    wp.run_cron(STRUCTURE_HOOK)
    return before


@pytest.mark.requirement("STRUCT-3", case="negative")
def test_items_in_a_public_status_a_plugin_registers_are_counted(connected_site, igny8_wp, igny8_backend, igny8_evidence):
    before = forum_topics(igny8_wp)
    topic = igny8_backend.read_back()["post_types"]["topic"]
    igny8_evidence.json("topic, as the backend serves it", {"before the test's topics": before, **topic})
    assert topic["count"] == before + 3, (
        f"the structure counts {topic['count']} topics; {before} + 3 are public (the site's, then 1 published, 2 closed; spam and the draft are not)"
    )


@pytest.mark.requirement("CONTENT-2")
def test_items_in_a_public_status_a_plugin_registers_are_synced(connected_site, igny8_wp, igny8_backend, igny8_evidence):
    before = forum_topics(igny8_wp)
    igny8_wp.settle()
    topic = igny8_backend.read_back()["post_types"]["topic"]
    igny8_evidence.json("topic, as the backend serves it", {"before the test's topics": before, **topic})
    assert topic["synced_count"] == before + 3, (
        f"{topic['synced_count']} topics synced; {before} + 3 are public content (the site's, then 1 published, 2 closed)"
    )


@pytest.mark.requirement("CONTENT-2", "CONTENT-3", case="negative")
def test_a_post_that_leaves_the_public_statuses_leaves_the_backend(connected_site, igny8_wp, igny8_backend, igny8_evidence):
    ids = igny8_wp.create_posts([{"post_type": "post", "title": f"public {n}"} for n in range(4)])
    igny8_wp.settle()
    igny8_wp.change_posts(ids[:1], "draft")
    igny8_wp.change_posts(ids[1:2], "trash")
    igny8_wp.change_posts(ids[2:3], "delete")
    igny8_wp.settle()
    assert_backend_holds_wordpress_content(igny8_wp, igny8_backend, igny8_evidence, "after a draft, a trash and a delete")


@pytest.mark.requirement("CONTENT-6")
def test_the_daily_walk_keeps_content_in_every_public_status(connected_site, igny8_wp, igny8_backend, igny8_evidence):
    """A walk's end removes what the walk never named (CONTENT-7): a walk that names published posts
    only would take a forum's closed topics, public content, off the backend."""
    forum_topics(igny8_wp)  # saved, then the daily event: its walk ends after the queue is sent
    igny8_wp.settle()
    igny8_wp.run_cron(STRUCTURE_HOOK)  # and the next day's walk, with nothing changed
    igny8_wp.settle()
    assert_backend_holds_wordpress_content(igny8_wp, igny8_backend, igny8_evidence, "after two daily walks over closed topics")


@pytest.mark.requirement("CONTENT-6", case="negative")
def test_a_post_deleted_outright_while_the_plugin_was_inactive_leaves_the_backend(connected_site, igny8_wp, igny8_backend, igny8_stored, igny8_evidence):
    """No hook saw the delete, and no walk can name a post that is gone: only the walk's end tells the backend."""
    ids = igny8_wp.create_posts([{"post_type": "post", "title": f"doomed {n}"} for n in range(3)])
    igny8_wp.settle()
    assert igny8_wp.set_plugin_active(False) is False
    igny8_wp.change_posts(ids[:2], "delete")
    assert igny8_wp.set_plugin_active(True) is True
    igny8_wp.settle()
    held = {int(r["external_id"]) for r in igny8_stored.synced_items(igny8_backend.integration_id)}
    igny8_evidence.json("deleted outright while inactive, and what the backend holds after the walk", {"deleted": ids[:2], "held": sorted(held)})
    assert not held & set(ids[:2]), f"posts deleted outright while the plugin was inactive are still on the backend: {sorted(held & set(ids[:2]))}"
    assert ids[2] in held
    assert_backend_holds_wordpress_content(igny8_wp, igny8_backend, igny8_evidence, "after reactivation's walk")


@pytest.mark.requirement("CONTENT-6")
def test_the_daily_event_puts_right_what_changed_while_the_plugin_was_inactive(connected_site, igny8_wp, igny8_backend, igny8_evidence):
    ids = igny8_wp.create_posts([{"post_type": "post", "title": f"kept {n}"} for n in range(3)])
    igny8_wp.settle()
    assert igny8_wp.set_plugin_active(False) is False
    igny8_wp.change_posts(ids[:2], "trash")
    igny8_wp.create_posts([{"post_type": "post", "title": "published while inactive"}])
    assert igny8_wp.set_plugin_active(True) is True
    igny8_wp.run_cron(STRUCTURE_HOOK)
    igny8_wp.settle()
    assert_backend_holds_wordpress_content(igny8_wp, igny8_backend, igny8_evidence, "after the daily event")
