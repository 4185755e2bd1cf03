"""The backend fails: the plugin logs it, WordPress is not held up, the next run recovers (FAIL, LOG-2)."""

import time

import pytest

from harness.stack.config import PLUGIN_HTTP_TIMEOUT as HTTP_TIMEOUT


@pytest.mark.requirement("FAIL-1", "FAIL-3")
def test_an_unreachable_backend_is_logged_and_the_next_run_recovers(connected_site, igny8_wp, igny8_backend, igny8_stack, igny8_evidence):
    igny8_wp.patch_settings(backend_url="https://unreachable.igny8.test")
    igny8_wp.create_posts([{"post_type": "page", "title": "While the backend was away"}])
    igny8_wp.run_cron("igny8_sync_site_structure")
    failed = igny8_wp.igny8_log_lines()
    events = igny8_wp.state()["events"]
    igny8_evidence.text("debug.log after the failed run", "\n".join(failed))
    assert any("Site structure sync failed" in line for line in failed), "the failed sync left no [IGNY8] line in debug.log"
    assert events[-1]["level"] == "error" and "failed" in events[-1]["message"], f"the last event is {events[-1]}"
    assert [e["hook"] for e in igny8_wp.state()["cron"]] == ["igny8_sync_site_structure"], "a failure unscheduled the daily event"

    igny8_wp.patch_settings(backend_url=igny8_stack.urls.backend_for_plugin)
    igny8_wp.run_cron("igny8_sync_site_structure")
    served = igny8_backend.content_types(connected_site).json()
    assert served["post_types"]["page"]["count"] == igny8_wp.state()["wordpress"]["post_types"]["page"]["count"], "the next run did not send the structure"
    assert igny8_wp.state()["events"][-1]["message"].startswith("Site structure synced")


@pytest.mark.requirement("FAIL-2", "FAIL-1")
def test_a_hung_backend_does_not_hold_wordpress_beyond_the_timeout(connected_site, igny8_wp, igny8_stack, igny8_evidence):
    with igny8_stack.faults.paused("api"):  # connections are accepted, nothing answers
        start = time.monotonic()
        page, response = igny8_wp.submit_plugin_form("igny8_sync_now")
        took = time.monotonic() - start
    igny8_evidence.json(
        "the admin action while the backend hung",
        {"seconds": round(took, 2), "status": response.status_code, "notice": igny8_wp.notice(page), "timeout": HTTP_TIMEOUT},
    )
    assert response.status_code == 200, f"the admin page broke: HTTP {response.status_code}"
    assert igny8_wp.notice(page)[0] == "error", f"the failure was not shown: {igny8_wp.notice(page)}"
    # The settings page is loaded once before the action; allow it and PHP a few seconds.
    assert took < HTTP_TIMEOUT + 5, f"WordPress was held {took:.1f} s with a {HTTP_TIMEOUT} s timeout"


@pytest.mark.requirement("LOG-2")
def test_the_event_log_is_bounded(connected_site, igny8_wp):
    for _ in range(30):
        igny8_wp.run_cron("igny8_sync_site_structure")
        igny8_wp.submit_plugin_form("igny8_test_connection")
    events = igny8_wp.state()["events"]
    assert len(events) == 50, f"the plugin keeps {len(events)} events after 60+ syncs"
    assert events[-1]["message"] == "Test connection succeeded"
