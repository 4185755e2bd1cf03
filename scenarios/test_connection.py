"""Connecting and disconnecting the plugin through its settings page, and what it must refuse or
hide (CONN, CRON-4, SEC-4..6). Outcomes are read from core admin notices; what the plugin keeps
is found by searching the WordPress database, never by reading its options."""

import pytest

from harness.clients.settings_page import SettingsPage
from harness.observed import observed

REFUSED_KEY = "igny8_" + "x" * 43


@pytest.mark.requirement("CONN-6", "ADMIN-2")
def test_a_refused_key_is_reported_and_not_kept(
    igny8_fresh_site, igny8_fresh_backend, igny8_plugin_page, igny8_wp, igny8_backend, igny8_backend_target, igny8_evidence
):
    outcome = igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, REFUSED_KEY)
    igny8_evidence.json("outcome", str(outcome))
    assert outcome.kind == "error" and "invalid_api_key" in outcome.text, f"a refused key gave: {outcome}"
    kept = igny8_wp.stored_anywhere(REFUSED_KEY)
    assert not kept, f"the plugin kept the key the backend refused, in {kept}"
    assert igny8_backend.read_back()["status"] == "not_connected"
    assert igny8_wp.cron_events() == [], "a refused key scheduled the daily event"


@pytest.mark.requirement("CONN-7", "CRON-4")
def test_disconnect_forgets_the_key_tells_the_backend_and_stops_the_event(
    igny8_fresh_site, igny8_plugin_page, igny8_wp, igny8_backend, igny8_backend_target, igny8_evidence
):
    assert igny8_wp.cron_events() == [], "a daily event is scheduled before connecting"
    assert igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, igny8_backend.api_key).kind == "success"
    outcome = igny8_plugin_page.disconnect()
    events = igny8_wp.cron_events()
    igny8_evidence.json("after disconnect", {"outcome": str(outcome), "cron": events})
    assert outcome.kind == "success", f"Disconnect: {outcome}"
    kept = igny8_wp.stored_anywhere(igny8_backend.api_key)
    assert not kept, f"the key is still stored after Disconnect, in {kept}"
    assert events == [], f"events are still scheduled after Disconnect: {events}"
    assert igny8_backend.read_back()["status"] == "disconnected"


@pytest.mark.requirement("SEC-4")
@pytest.mark.parametrize(
    "url,why",
    [
        ("http://api.igny8.test", "plain http"),
        ("https://api", "a certificate that does not name the host"),
    ],
)
def test_insecure_backends_are_refused_and_nothing_is_stored(
    igny8_fresh_site, igny8_fresh_backend, igny8_plugin_page, igny8_wp, igny8_backend, igny8_evidence, url, why
):
    outcome = igny8_plugin_page.connect(url, igny8_backend.api_key)
    igny8_evidence.json("outcome", str(outcome))
    assert outcome.kind == "error", f"the plugin accepted {why} ({url}): {outcome}"
    assert not igny8_wp.stored_anywhere(igny8_backend.api_key), "the plugin kept the key for an insecure backend"
    read = igny8_backend.read_back()
    assert read["status"] == "not_connected" and read["last_structure_fetch"] is None, f"a request over {why} reached the backend"


@pytest.mark.requirement("SEC-5")
def test_the_key_never_appears_in_pages_or_logs(connected_site, igny8_plugin_page, igny8_wp, igny8_backend, igny8_backend_target, igny8_evidence):
    key = igny8_backend.api_key
    assert igny8_plugin_page.test_connection().kind == "success", "the key the plugin keeps does not work"
    igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, REFUSED_KEY)  # a failure path logs too
    _, plugins = igny8_wp.admin_get("plugins.php")
    places = {
        "settings page": igny8_plugin_page.html(),
        "plugins page": str(plugins),
        "debug.log": "\n".join(igny8_wp.debug_log(1000)),
    }
    if igny8_plugin_page.manifest.claims("event-log"):
        places["recent events"] = "\n".join(igny8_plugin_page.recent_events())
    igny8_evidence.json("where the key was looked for", {name: len(text) for name, text in places.items()})
    leaks = [name for name, text in places.items() if key in text or REFUSED_KEY in text]
    assert not leaks, f"the API key appears in: {', '.join(leaks)}"


# ---- SEC-6: every action refuses a request without a nonce, without the capability, or logged out ----

CONNECTED_ACTIONS = ["test_connection", "sync_now", "disconnect"]


def plugin_state(wp, backend, observer):
    """What an admin action could change: the backend's view of the integration, the cron schedule, and the key's presence."""
    return {"backend": observed(backend, observer), "cron": wp.cron_events(), "key stored": bool(wp.stored_anywhere(backend.api_key))}


def forged(requester, settings_page, wp, backend, target, action):
    """The form of `action`, as `requester` would send it without being allowed to."""
    fields = {"backend_url": target.backend_url_for_plugin, "api_key": backend.api_key} if action == "connect" else {}
    if requester == "administrator without a nonce":
        return settings_page.submission(action, fields).without_nonces(), wp
    if requester == "logged-out visitor":
        return settings_page.submission(action, fields), wp.anonymous()
    login, password = wp.create_user(requester.split()[-1])
    user = wp.as_user(login, password)
    user.login()
    page = SettingsPage(user, settings_page.manifest)
    return page.submission(action, fields, page.open(grant_manage_options=True)), user  # a valid nonce of a user without manage_options


REQUESTERS = ["administrator without a nonce", "user subscriber", "user editor", "logged-out visitor"]


@pytest.mark.requirement("SEC-6")
@pytest.mark.parametrize("requester", REQUESTERS)
def test_connect_is_refused_to_a_request_without_a_nonce_or_the_capability(
    requester, igny8_fresh_site, igny8_plugin_page, igny8_wp, igny8_backend, igny8_backend_target, igny8_observer, igny8_evidence
):
    before = plugin_state(igny8_wp, igny8_backend, igny8_observer)
    submission, sender = forged(requester, igny8_plugin_page, igny8_wp, igny8_backend, igny8_backend_target, "connect")
    outcome = igny8_plugin_page.send(submission, sender)
    igny8_evidence.json("outcome", str(outcome))
    assert outcome.kind != "success", f"Connect from a {requester} succeeded: {outcome}"
    assert plugin_state(igny8_wp, igny8_backend, igny8_observer) == before, f"Connect from a {requester} changed the plugin's state"


@pytest.mark.requirement("SEC-6")
@pytest.mark.parametrize("requester", REQUESTERS)
@pytest.mark.parametrize("action", CONNECTED_ACTIONS)
def test_connected_actions_are_refused_to_a_request_without_a_nonce_or_the_capability(
    action, requester, connected_site, igny8_plugin_page, igny8_wp, igny8_backend, igny8_backend_target, igny8_observer, igny8_evidence
):
    before = plugin_state(igny8_wp, igny8_backend, igny8_observer)
    submission, sender = forged(requester, igny8_plugin_page, igny8_wp, igny8_backend, igny8_backend_target, action)
    outcome = igny8_plugin_page.send(submission, sender)
    igny8_evidence.json("outcome", str(outcome))
    assert outcome.kind != "success", f"{action} from a {requester} succeeded: {outcome}"
    assert plugin_state(igny8_wp, igny8_backend, igny8_observer) == before, f"{action} from a {requester} changed the plugin's state"
