"""Connecting and disconnecting the plugin, and what it must refuse or hide (CONN, CRON-4, SEC-4..6)."""

import hashlib

import pytest

REFUSED_KEY = "igny8_" + "x" * 43


def _settings(igny8_wp):
    return igny8_wp.state()["settings"]


@pytest.mark.requirement("CONN-6")
def test_a_refused_key_is_reported_and_not_kept(igny8_fresh_site, igny8_wp, igny8_backend, igny8_stack, igny8_evidence):
    page, _ = igny8_wp.connect(igny8_stack.urls.backend_for_plugin, REFUSED_KEY)
    igny8_evidence.json("notice", igny8_wp.notice(page))
    igny8_evidence.json("settings", _settings(igny8_wp))
    kind, text = igny8_wp.notice(page)
    assert kind == "error" and "invalid_api_key" in text, f"a refused key gave notice {kind}: {text!r}"
    assert not _settings(igny8_wp).get("api_key"), "the plugin kept a key the backend refused"
    assert igny8_backend.integration_row(igny8_backend.only_integration_id())["status"] == "not_connected"


@pytest.mark.requirement("CONN-7", "CRON-4")
def test_disconnect_forgets_the_key_tells_the_backend_and_stops_the_event(igny8_fresh_site, igny8_wp, igny8_backend, igny8_stack, igny8_evidence):
    assert igny8_wp.state()["cron"] == [], "a daily event is scheduled before connecting"
    page, _ = igny8_wp.connect(igny8_stack.urls.backend_for_plugin, igny8_stack.secrets.api_key)
    assert igny8_wp.notice(page)[0] == "success"
    page, _ = igny8_wp.submit_plugin_form("igny8_disconnect")
    state = igny8_wp.state()
    igny8_evidence.json("state after disconnect", {"settings": state["settings"], "cron": state["cron"]})
    assert igny8_wp.notice(page) == ("success", "Disconnected.")
    assert not state["settings"].get("api_key"), "the key is still stored after Disconnect"
    assert state["cron"] == [], f"events are still scheduled after Disconnect: {state['cron']}"
    assert igny8_backend.integration_row(igny8_backend.only_integration_id())["status"] == "disconnected"


@pytest.mark.requirement("SEC-4")
@pytest.mark.parametrize(
    "url,why",
    [
        ("http://api.igny8.test", "plain http"),
        ("https://api", "a certificate that does not name the host"),
    ],
)
def test_insecure_backends_are_refused_and_nothing_is_stored(igny8_fresh_site, igny8_wp, igny8_backend, igny8_stack, igny8_evidence, url, why):
    page, _ = igny8_wp.connect(url, igny8_stack.secrets.api_key)
    igny8_evidence.json("notice", igny8_wp.notice(page))
    kind, text = igny8_wp.notice(page)
    assert kind == "error", f"the plugin accepted {why} ({url}): {text!r}"
    assert not _settings(igny8_wp).get("api_key")
    row = igny8_backend.integration_row(igny8_backend.only_integration_id())
    assert row["status"] == "not_connected" and row["config_json"] == {}, f"a request over {why} reached the backend"


@pytest.mark.requirement("SEC-5")
def test_the_key_never_appears_in_pages_or_logs(connected_site, igny8_wp, igny8_stack, igny8_evidence):
    key = igny8_stack.secrets.api_key
    igny8_wp.submit_plugin_form("igny8_test_connection")
    igny8_wp.connect(igny8_stack.urls.backend_for_plugin, REFUSED_KEY)  # a failure path logs too
    _, settings_page = igny8_wp.admin_page()
    _, plugins_page = igny8_wp.admin_page("plugins.php")
    state = igny8_wp.state()
    places = {
        "settings page": settings_page.text,
        "plugins page": plugins_page.text,
        "debug.log": "\n".join(igny8_wp.debug_log(1000)),
        "plugin events": str(state["events"]),
    }
    igny8_evidence.json("where the key was looked for", {name: len(text) for name, text in places.items()})
    leaks = [name for name, text in places.items() if key in text or REFUSED_KEY in text]
    assert not leaks, f"the API key appears in: {', '.join(leaks)}"
    assert state["settings"]["api_key_sha256"] == hashlib.sha256(key.encode()).hexdigest(), "the stored key is not the one given"


@pytest.mark.requirement("SEC-6")
@pytest.mark.parametrize("action", ["igny8_disconnect", "igny8_connect", "igny8_sync_now"])
def test_admin_actions_without_a_nonce_change_nothing(connected_site, igny8_wp, igny8_evidence, action):
    before = igny8_wp.state()
    forged = igny8_wp.http.post(
        f"{igny8_wp.base_url}/wp-admin/admin-post.php",
        data={"action": action, "igny8_backend_url": "https://evil.example", "igny8_api_key": "igny8_forged_forged_forged"},
    )
    anonymous = igny8_wp.http.__class__()
    anonymous.verify = igny8_wp.http.verify
    logged_out = anonymous.post(f"{igny8_wp.base_url}/wp-admin/admin-post.php", data={"action": action}, allow_redirects=False)
    after = igny8_wp.state()
    igny8_evidence.json("answers", {"forged (logged in, no nonce)": forged.status_code, "logged out": logged_out.status_code})
    assert forged.status_code == 403, f"{action} without a nonce answered {forged.status_code}"
    assert logged_out.status_code in (302, 400, 403), f"{action} logged out answered {logged_out.status_code}"
    assert (after["settings"], after["cron"], after["events"]) == (before["settings"], before["cron"], before["events"]), (
        f"{action} without a nonce changed the plugin's state"
    )
