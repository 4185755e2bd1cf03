"""WP-Cron as production runs it: the plugin's daily event, once due, fires through WordPress's own
wp-cron.php, requested over HTTP, sends the current structure, and is rescheduled a day later
(CRON-2, CRON-1).

The suite runs cron in two modes:

- **direct**, wherever a test needs only "a sync happened" (test_quick_sync, test_structure,
  test_labels, test_time, test_connection, test_content_sync, test_failure, test_operations,
  test_extra_plugins, the property-based and stateful tests): the test control calls the event's
  hook at once, due or not (`WordPressClient.run_cron`, `do_action_ref_array`);
- **WP-Cron**, here: the event is made due (its time moved, as it is, a minute back: test
  scaffolding, `WordPressClient.make_due`), then the harness requests `/wp-cron.php?doing_wp_cron`
  (`WordPressClient.wp_cron`), and WordPress runs what is due, reschedules recurring events
  (wp_reschedule_event) and releases its lock, as on any production site.

The stack defines DISABLE_WP_CRON. That only keeps page loads from spawning WP-Cron (wp_cron()
checks it); wp-cron.php does not ("Defining DISABLE_WP_CRON as true and calling this file directly
are mutually exclusive", its header says), it checks DOING_CRON and its lock, the `doing_cron`
transient. Requested with no value (`?doing_wp_cron`), it takes the lock itself, as a server's
crontab line does; with a value (`?doing_wp_cron=<lock>`), it runs only if the lock holds that
value, as spawn_cron() sets it before its loopback request on a page load. Both ways are run here
(a loopback from inside the container could not reach the harness's port, so the harness requests).
Under Apache's mod_php wp-cron.php answers once the due events have run.
"""

import time
from datetime import datetime

import pytest

from harness.clients.wordpress import STRUCTURE_HOOK

DAY = 24 * 60 * 60
SLACK = 10 * 60  # "about a day later": wp_reschedule_event keeps the event's time of day; a plugin may reschedule from now
MODES = {
    "crontab": "GET /wp-cron.php?doing_wp_cron: wp-cron.php takes WP-Cron's lock itself, as a server's crontab line does",
    "spawned": "WP-Cron's lock taken as spawn_cron() takes it, then GET /wp-cron.php?doing_wp_cron=<the lock>, as its loopback request",
}


def daily_events(wp):
    return [e for e in wp.cron_events() if e["hook"] == STRUCTURE_HOOK]


def until(read, done, seconds=10.0):
    """read() until done(it) or `seconds` pass; the last reading."""
    deadline = time.monotonic() + seconds
    value = read()
    while not done(value) and time.monotonic() < deadline:
        time.sleep(0.2)
        value = read()
    return value


@pytest.mark.requirement("CRON-2", "CRON-1")
@pytest.mark.parametrize("mode", list(MODES))
def test_the_due_daily_event_runs_through_wp_cron_and_comes_back_a_day_later(
    mode, connected_site, igny8_wp, igny8_backend, igny8_evidence, igny8_backend_clock
):
    igny8_wp.create_posts([{"post_type": "page", "title": "Published before the daily run"}])
    before = igny8_backend.read_back()
    due = igny8_wp.make_due(STRUCTURE_HOOK)
    made_due = daily_events(igny8_wp)
    assert [e["timestamp"] for e in made_due] == [due], f"the daily event could not be made due (is it scheduled after Connect?): {made_due}"
    lock = igny8_wp.take_cron_lock() if mode == "spawned" else None
    started = datetime.now().astimezone()
    response = igny8_wp.wp_cron(lock)
    read = until(igny8_backend.read_back, lambda r: r["last_structure_fetch"] != before["last_structure_fetch"])
    finished = datetime.now().astimezone()
    after = daily_events(igny8_wp)
    wordpress = igny8_wp.state()["wordpress"]
    igny8_evidence.json(
        "WP-Cron",
        {
            "mode": MODES[mode],
            "made due at": due,
            "wp-cron.php answered": response.status_code,
            "events after": after,
            "sync time": read["last_structure_fetch"],
        },
    )
    assert response.status_code == 200, f"wp-cron.php answered {response.status_code}"
    assert read["last_structure_fetch"] != before["last_structure_fetch"], "WP-Cron ran, but no structure reached the backend: the due daily event did not sync"
    fetched = datetime.fromisoformat(read["last_structure_fetch"])
    assert igny8_backend_clock.between(fetched, started, finished), (
        f"the backend's sync time {fetched} is not during the WP-Cron run ({started} to {finished} here; the backend's clock {igny8_backend_clock.skew} off)"
    )
    assert read["post_types"]["page"]["count"] == wordpress["post_types"]["page"]["count"], "the daily event sent another count than WordPress's"
    assert len(after) == 1 and after[0]["schedule"] == "daily", f"after it ran, expected one daily {STRUCTURE_HOOK}, found {after}"
    assert DAY - SLACK <= after[0]["timestamp"] - due <= DAY + SLACK, f"the event was rescheduled {after[0]['timestamp'] - due} s after its run, not a day"
