"""Connecting, testing and disconnecting the plugin through its settings page, and what it must
refuse or hide (CONN, CRON, SEC-5, SEC-6, ADMIN). Outcomes are read from core admin notices; what the
plugin keeps is found by searching the WordPress database, never by reading its options."""

from datetime import datetime

import pytest

from harness.clients import accessible
from harness.clients.settings_page import SettingsPage, notices
from harness.clients.wordpress import STRUCTURE_HOOK
from harness.judge.observed import observed
from harness.judge.secrets import kept_in_wordpress
from harness.judge.secrets import leaks as secrets_found
from harness.stack.tls import ELSEWHERE_NAME

REFUSED_KEY = "igny8_" + "x" * 43


@pytest.mark.requirement("CONN-6")
@pytest.mark.requirement("ADMIN-2", "CRON-1", "CONN-2", case="negative")
def test_a_refused_key_is_reported_and_not_kept(
    igny8_fresh_site, igny8_fresh_backend, igny8_plugin_page, igny8_wp, igny8_backend, igny8_backend_target, igny8_evidence
):
    outcome = igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, REFUSED_KEY)
    igny8_evidence.json("outcome", str(outcome))
    assert outcome.kind == "error" and "invalid_api_key" in outcome.text, f"a refused key gave: {outcome}"
    kept = kept_in_wordpress(igny8_wp, REFUSED_KEY)
    assert not kept, f"the plugin kept the key the backend refused (or a form of it), in {kept}"
    read = igny8_backend.read_back()
    assert read["status"] == "not_connected" and read["last_structure_fetch"] is None, "a refused connect still sent something"
    assert igny8_wp.cron_events() == [], "a refused key scheduled the daily event"


@pytest.mark.requirement("CONN-6", case="negative")
def test_a_refused_key_while_connected_replaces_nothing(connected_site, igny8_plugin_page, igny8_wp, igny8_backend_target, igny8_evidence):
    outcome = igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, REFUSED_KEY)
    igny8_evidence.json("outcome of a refused key while connected", str(outcome))
    assert outcome.kind == "error", f"a refused key while connected gave: {outcome}"
    assert not kept_in_wordpress(igny8_wp, REFUSED_KEY), "the plugin stored the refused key (or a form of it) over the working one"
    assert igny8_plugin_page.test_connection().kind == "success", "the working key was lost to a refused one"


@pytest.mark.requirement("CONN-7", "CRON-4")
def test_disconnect_forgets_the_key_tells_the_backend_and_stops_the_event(
    igny8_fresh_site, igny8_plugin_page, igny8_wp, igny8_backend, igny8_backend_target, igny8_evidence
):
    assert igny8_wp.cron_events() == [], "a daily event is scheduled before connecting"
    connected = igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, igny8_backend.api_key)
    assert connected.kind == "success", f"Connect: {connected}"
    outcome = igny8_plugin_page.disconnect()
    events = igny8_wp.cron_events()
    igny8_evidence.json("after disconnect", {"outcome": str(outcome), "cron": events})
    assert outcome.kind == "success", f"Disconnect: {outcome}"
    kept = igny8_wp.stored_anywhere(igny8_backend.api_key)
    assert not kept, f"the key is still stored after Disconnect, in {kept}"
    assert events == [], f"events are still scheduled after Disconnect: {events}"
    assert igny8_backend.read_back()["status"] == "disconnected"


@pytest.mark.requirement("CONN-2", "CONN-3", case="negative")
def test_connecting_again_after_a_disconnect_sends_the_structure_again(connected_site, igny8_plugin_page, igny8_wp, igny8_backend, igny8_backend_target):
    first = igny8_backend.read_back()
    assert (done := igny8_plugin_page.disconnect()).kind == "success", f"Disconnect: {done}"
    igny8_wp.create_posts([{"post_type": "page", "title": "Made while disconnected"}])
    started = datetime.now().astimezone()
    outcome = igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, igny8_backend.api_key)
    assert outcome.kind == "success" and "Site structure synced" in outcome.text, f"reconnecting: {outcome}"
    again = igny8_backend.read_back()
    assert again["status"] == "connected"
    assert datetime.fromisoformat(again["last_structure_fetch"]) >= started > datetime.fromisoformat(first["last_structure_fetch"]), (
        "no structure came with the new Connect"
    )
    assert again["generated_at"] > first["generated_at"], "the new structure is not newer than the first"
    assert again["post_types"]["page"]["count"] == igny8_wp.state()["wordpress"]["post_types"]["page"]["count"]


@pytest.mark.requirement("CONN-3", case="negative")
def test_a_connect_whose_structure_sync_fails_does_not_claim_it_synced(
    igny8_fresh_site, igny8_plugin_page, igny8_backend, igny8_backend_target, igny8_stack, igny8_evidence
):
    with igny8_stack.faults.answering(503, "update-structure"):
        outcome = igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, igny8_backend.api_key)
    igny8_evidence.json("outcome of Connect while update-structure answered 503", str(outcome))
    assert outcome.kind in ("warning", "error"), f"Connect said {outcome} though the structure never arrived"
    assert not (outcome.kind == "success" and "Site structure synced" in outcome.text)
    assert igny8_backend.read_back()["last_structure_fetch"] is None


@pytest.mark.requirement("CONN-5", case="negative")
def test_test_connection_reports_a_backend_that_is_down(connected_site, igny8_plugin_page, igny8_stack, igny8_evidence):
    submission = igny8_plugin_page.submission("test_connection")
    with igny8_stack.faults.stopped("api"):
        outcome = igny8_plugin_page.send(submission)
    igny8_evidence.json("outcome", str(outcome))
    assert outcome.kind == "error", f"Test connection with the backend down said {outcome}"


@pytest.mark.requirement("CONN-5", "ADMIN-2", case="negative")
def test_test_connection_reports_a_revoked_key_with_its_code(connected_site, igny8_plugin_page, igny8_backend, igny8_change_integration, igny8_evidence):
    igny8_change_integration(igny8_backend.integration_id, "revoke-key")
    outcome = igny8_plugin_page.test_connection()
    igny8_evidence.json("outcome", str(outcome))
    assert outcome.kind == "error" and "revoked_api_key" in outcome.text, f"Test connection with a revoked key said {outcome}"


@pytest.mark.requirement(
    "SEC-5", cells={"surface": ["action_pages", "settings_page", "plugins_page", "rest_routes", "admin_ajax", "debug_log", "recent_events"]}
)
def test_the_key_never_appears_in_pages_or_logs(igny8_fresh_site, igny8_plugin_page, igny8_wp, igny8_backend, igny8_backend_target, igny8_evidence):
    key = igny8_backend.api_key
    pages = {}
    connected = igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, key)
    assert connected.kind == "success", f"Connect: {connected}"
    pages["the page Connect returns"] = connected.page
    tested = igny8_plugin_page.test_connection()
    assert tested.kind == "success", "the key the plugin keeps does not work"
    pages["the page Test connection returns"] = tested.page
    if igny8_plugin_page.has("sync_now"):
        pages["the page Sync now returns"] = igny8_plugin_page.sync_now().page
    refused = igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, REFUSED_KEY)  # a failure path logs too
    pages["the page a refused Connect returns"] = refused.page
    leaks = places_holding(igny8_wp, igny8_plugin_page, {"the API key": key, "the refused key": REFUSED_KEY}, igny8_evidence, pages)
    assert not leaks, f"the API key appears in: {'; '.join(leaks)}"


@pytest.mark.requirement(
    "SEC-5", case="negative", cells={"surface": ["action_pages", "settings_page", "plugins_page", "rest_routes", "admin_ajax", "debug_log", "recent_events"]}
)
def test_the_key_stays_hidden_when_the_backend_fails(connected_site, igny8_plugin_page, igny8_wp, igny8_backend, igny8_stack, igny8_evidence):
    """Failure paths are where a key leaks: errors that print the request, logs of the headers sent."""
    submissions = {button: igny8_plugin_page.submission(button) for button in ("test_connection", "sync_now") if igny8_plugin_page.has(button)}
    pages = {}
    with igny8_stack.faults.answering(500):
        pages.update({f"the page {button} returns, the backend answering 500": igny8_plugin_page.send(s).page for button, s in submissions.items()})
        igny8_wp.run_cron(STRUCTURE_HOOK)
    with igny8_stack.faults.stopped("api"):
        pages.update({f"the page {button} returns, the backend gone": igny8_plugin_page.send(s).page for button, s in submissions.items()})
    leaks = places_holding(igny8_wp, igny8_plugin_page, {"the API key": igny8_backend.api_key}, igny8_evidence, pages)
    assert not leaks, f"with the backend failing, the API key appears in: {'; '.join(leaks)}"


# WordPress's own REST namespaces: a plugin's routes are the others (the test control's is the harness's).
CORE_NAMESPACES = ("wp/", "wp-", "oembed/", "igny8-test/")


def places_holding(wp, page, secrets, evidence, extra=None):
    """SEC-5's surfaces (harness.judge.secrets searches each for every form of every secret): the
    settings and plugins pages, the pages the actions returned (`extra`), the REST index and the
    settings route, every other namespace's route without parameters (as the administrator and as
    a visitor), the plugin's admin-ajax actions, debug.log and the recent events."""
    _, plugins = wp.admin_get("plugins.php")
    places = {"settings page": page.html(), "plugins page": str(plugins), "debug.log": "\n".join(wp.debug_log(2000)), **(extra or {})}
    index = wp.rest_get("/")
    places["the REST index"] = index.text
    places["the REST settings route, as the administrator"] = wp.rest_get("/wp/v2/settings").text
    routes = index.json().get("routes", {}) if index.headers.get("Content-Type", "").startswith("application/json") else {}
    for route, spec in routes.items():
        if route.lstrip("/").startswith(CORE_NAMESPACES) or "(?P<" in route or route == "/" or "GET" not in spec.get("methods", []):
            continue
        places[f"REST {route}, as the administrator"] = wp.rest_get(route).text
        places[f"REST {route}, as a visitor"] = wp.rest_get(route, as_user=False).text
    for action, who in wp.ajax_actions().items():
        url = f"{wp.base_url}/wp-admin/admin-ajax.php?action={action}"
        places[f"admin-ajax {action}, as the administrator"] = wp.http.get(url).text + wp.http.post(url, data={"action": action}).text
        if "visitor" in who:
            places[f"admin-ajax {action}, as a visitor"] = wp.anonymous().http.post(url, data={"action": action}).text
    if page.manifest.claims("event-log"):
        places["recent events"] = "\n".join(page.recent_events())
    evidence.json("where the key was looked for", {name: len(text) for name, text in places.items()})
    return secrets_found(secrets, places)


# ---- SEC-6: every action refuses a request without a nonce, without the capability, or logged out ----

CONNECTED_ACTIONS = ["test_connection", "sync_now", "disconnect"]
REQUESTERS = ["administrator without a nonce", "user subscriber", "user editor", "logged-out visitor"]


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


@pytest.mark.requirement("SEC-6")
@pytest.mark.parametrize("action", ["test_connection", "sync_now"])
def test_an_administrator_with_the_pages_own_form_is_allowed(action, connected_site, igny8_plugin_page):
    outcome = igny8_plugin_page.press(action)
    assert outcome.kind == "success", f"{action} by an administrator, from the page's own form, was refused: {outcome}"


@pytest.mark.requirement("SEC-6", case="negative")
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


@pytest.mark.requirement("SEC-6", case="negative")
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


@pytest.mark.requirement("ADMIN-1", case="negative")
@pytest.mark.parametrize("role", ["subscriber", "editor"])
def test_a_user_without_manage_options_gets_no_settings_page(role, igny8_fresh_site, igny8_wp, igny8_plugin_manifest):
    login, password = igny8_wp.create_user(role)
    user = igny8_wp.as_user(login, password)
    user.login()
    page, response = user.admin_get(igny8_plugin_manifest.settings_page)
    assert response.status_code != 200 or not accessible.has_button(page, igny8_plugin_manifest.control("connect")), (
        f"a {role} is shown the settings page's Connect"
    )


@pytest.mark.requirement("ADMIN-1")
def test_the_connected_actions_appear_once_connected(connected_site, igny8_plugin_page):
    for control in ("connect", "test_connection", "sync_now", "disconnect"):
        assert igny8_plugin_page.has(control), f"once connected, the settings page has no {igny8_plugin_page.manifest.control(control)!r} button"


@pytest.mark.requirement("SEC-12", case="negative")
def test_a_blank_key_field_never_sends_the_stored_key_to_a_newly_entered_backend(connected_site, igny8_plugin_page, igny8_backend, igny8_stack, igny8_evidence):
    """The new URL has a valid certificate and leads to the real backend: a key sent there would work.
    What the plugin sent there is read from that URL's own log (whether each request carried a key),
    not inferred from the real backend's state: a plugin that sends it to that URL's connect/ or
    test-connection/ and then gives up leaves the state as it was."""
    before = igny8_backend.read_back()["last_structure_fetch"]
    seen_before = len(igny8_stack.elsewhere_requests())
    outcome = igny8_plugin_page.connect(f"https://{ELSEWHERE_NAME}", "")
    reached = igny8_stack.elsewhere_requests()[seen_before:]
    after = igny8_backend.read_back()["last_structure_fetch"]
    seen = {"outcome": str(outcome), "reached that URL": reached, "last sync before": before, "after": after}
    igny8_evidence.json("Connect to another backend URL with the key field blank", seen)
    assert not [r for r in reached if r.endswith("key=yes")], f"Connect sent the stored key to a newly entered backend URL: {reached}"
    assert outcome.kind == "error", f"the plugin connected to a newly entered backend URL with the stored key: {outcome}"
    assert after == before, "the stored key was sent to the newly entered backend URL (it connected and synced there)"


@pytest.mark.requirement("SEC-12")
def test_a_blank_key_field_keeps_the_stored_key_for_its_own_backend(connected_site, igny8_plugin_page, igny8_backend, igny8_backend_target):
    before = igny8_backend.read_back()["last_structure_fetch"]
    outcome = igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, "")
    assert outcome.kind == "success", f"Connect again with the key field blank, to the same backend: {outcome}"
    assert igny8_backend.read_back()["last_structure_fetch"] > before, "Connect again did not sync"


REFUSALS = {"a revoked key": "revoked_api_key", "a disconnect on the backend's side": "not_connected"}


def refuse(how, backend, change_integration):
    if how == "a revoked key":
        change_integration(backend.integration_id, "revoke-key")
    else:
        assert backend.call("POST", f"{backend.integration_id}/disconnect/").status_code == 200


@pytest.mark.requirement("CONN-8", "FAIL-1", case="negative")
@pytest.mark.parametrize("how", REFUSALS)
def test_a_refusal_stops_the_plugin_and_the_settings_page_says_so(
    how, connected_site, igny8_plugin_page, igny8_wp, igny8_backend, igny8_change_integration, igny8_evidence, igny8_requirement
):
    code = REFUSALS[how]
    refuse(how, igny8_backend, igny8_change_integration)
    logged_before = len(igny8_wp.igny8_log_lines())
    igny8_wp.run_cron(STRUCTURE_HOOK)
    lines = igny8_wp.igny8_log_lines()[logged_before:]
    shown = notices(igny8_plugin_page.open())
    events = igny8_wp.cron_events()
    igny8_evidence.json(f"after the daily event met {how}", {"log": lines, "notices": [f"{n.kind}: {n.text}" for n in shown], "cron": events})
    with igny8_requirement("FAIL-1"):
        assert lines, f"the sync the backend refused ({how}) left no [IGNY8] line"
    with igny8_requirement("CONN-8"):
        assert any(code in line for line in lines), f"no [IGNY8] line names the backend's {code}"
        assert events == [], f"the plugin keeps its events after {how}: it would go on retrying in silence: {events}"
        assert any(n.kind == "error" and code in n.text for n in shown), (
            f"the settings page does not show {how} ({code}) as an error notice: {[n.text for n in shown]}"
        )
        assert not igny8_plugin_page.has("sync_now"), "the settings page still offers Sync now, as if connected"


@pytest.mark.requirement("CONN-8")
def test_connect_again_after_a_refusal_resumes(connected_site, igny8_plugin_page, igny8_wp, igny8_backend, igny8_backend_target):
    refuse("a disconnect on the backend's side", igny8_backend, None)
    igny8_wp.run_cron(STRUCTURE_HOOK)
    assert (done := igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, igny8_backend.api_key)).kind == "success", f"Connect: {done}"
    shown = notices(igny8_plugin_page.open())
    assert not any(n.kind == "error" for n in shown), f"the refusal is still shown after Connect: {[n.text for n in shown]}"
    assert [e["hook"] for e in igny8_wp.cron_events() if e["schedule"]] == [STRUCTURE_HOOK], "Connect again did not schedule the daily event"


@pytest.mark.requirement("CONN-10", case="negative", cells={"surface": "wordpress_database"})
def test_uninstall_tells_the_backend_and_leaves_nothing_behind(
    igny8_fresh_site, igny8_plugin_page, igny8_wp, igny8_backend, igny8_backend_target, igny8_evidence
):
    # Every option the plugin added, by WordPress's own record of who called add_option(): its
    # activation's too, which uninstall must remove as much as those made while it was used.
    assert (done := igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, igny8_backend.api_key)).kind == "success", f"Connect: {done}"
    igny8_wp.create_posts([{"post_type": "page", "title": "queued"}])
    igny8_wp.run_cron(STRUCTURE_HOOK)
    igny8_plugin_page.test_connection()  # a notice, an event
    used = set(igny8_wp.options_the_plugin_added())
    left = set(igny8_wp.uninstall_plugin())
    kept = sorted(left & used)
    igny8_evidence.json("options", {"made while used": sorted(used), "left after uninstall": sorted(left)})
    assert used, "the plugin stored nothing while it was used: the test cannot tell what uninstall must remove"
    assert not kept, f"uninstall left what the plugin stored: {kept}"
    left = kept_in_wordpress(igny8_wp, igny8_backend.api_key)
    assert not left, f"the key (or a form of it) is still in the WordPress database after uninstall: {left}"
    assert igny8_wp.cron_events() == [], "igny8_ events survive uninstall"
    assert igny8_backend.read_back()["status"] == "disconnected", "uninstall did not tell the backend"


@pytest.mark.requirement("CONN-10")
def test_deactivation_alone_keeps_the_connection(connected_site, igny8_wp, igny8_backend, igny8_plugin_page):
    assert igny8_wp.set_plugin_active(False) is False
    assert igny8_backend.read_back()["status"] == "connected", "deactivation disconnected the integration"
    assert igny8_wp.set_plugin_active(True) is True
    assert igny8_plugin_page.test_connection().kind == "success", "after reactivation the plugin is no longer connected"
