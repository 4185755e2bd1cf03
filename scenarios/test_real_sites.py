"""Real sites (issue #35): popular plugins beside the plugin under test, as an administrator runs them.

The corpus (fixtures/plugins/corpus.json: Custom Post Type UI, bbPress, Contact Form 7, WP Job Manager,
Co-Authors Plus) runs with `--with-plugin corpus:FOLDER` (its files in the corpus folder, IGNY8_PLUGIN_CORPUS) or a profile (fixtures/sites/busy.yaml
has them all). They were activated once, when the site was set up, and wp-admin loaded once by the
administrator, which passed their first-run redirects (harness.generate.sites.build); every reset
returns to that state. Here:

- with each corpus plugin on the stack, the backend holds WordPress's own view of the site, that plugin's
  post types, taxonomies and statuses included, with content in them (STRUCT-2..5);
- a reset returns to the site as set up: no first-run redirect again, every plugin active;
- with fixtures/plugins/igny8-noisy-admin on the stack, each thing busy admin screens do is put on the
  settings page in turn, by a cookie it reads (an activation redirect before the page opens, one where
  an action lands, another plugin's success notice, its error notice, a dialog holding controls of the
  same names), and every action gives the verdict it gives without it (spec/CONTRACT.md 1.2-1.3).

NOT APPLICABLE where the stack lacks the plugin a test is about (harness.spec.status.site_lacks). Cron:
these tests need only "a sync happened", so they run the daily event's hook through the test control."""

import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.clients import accessible
from harness.clients.settings_page import SettingsPage, notices
from harness.clients.wordpress import STRUCTURE_HOOK
from harness.generate import sites
from harness.judge.expect import differences, expected_structure, served_structure
from harness.spec.status import site_lacks
from harness.stack import corpus

NOISY = "igny8-noisy-admin"  # fixtures/plugins/igny8-noisy-admin: a cookie tells it what to add to wp-admin
REFUSED_KEY = "igny8_" + "x" * 43  # key-shaped, refused by the backend (as in test_connection)
CORPUS_NAMES = sorted({e.name for e in corpus.entries()})


def on_stack(igny8_stack, folder):
    return any(Path(d).name == folder for d in igny8_stack.config.extra_plugins)


# ---- each corpus plugin: the stored structure is WordPress's own view ---------------------------


@pytest.mark.requirement("STRUCT-2", "STRUCT-3", "STRUCT-4", "STRUCT-5", case="negative")
@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_the_stored_structure_is_wordpress_view_with_each_corpus_plugin(
    request, name, igny8_options, igny8_stack, connected_site, igny8_wp, igny8_backend, igny8_evidence, igny8_requirement
):
    ran = [corpus.by_dir(d) for d in igny8_stack.config.extra_plugins]
    entry = next((e for e in ran if e is not None and e.name == name), None)
    if entry is None:
        asked = [e for e in map(corpus.by_dir, sites.plugins_for_run(igny8_options["with_plugin"], igny8_options["site"]) or ()) if e and e.name == name]
        cell = igny8_stack.config.cell
        why = asked[0].why_not(cell.wordpress, cell.php, cell.name) if asked else ""
        if why:
            site_lacks(request.node, f"{name} is NOT APPLICABLE on {cell.name}: {why}, and the corpus holds no release that runs there")
        site_lacks(request.node, f"{name} is not on the stack: give it with --with-plugin {corpus.releases(name)[0].ref} (fixtures/plugins/corpus.json)")
    state = igny8_wp.state()
    wordpress = state["wordpress"]
    registers = {kind: set(names) for kind, names in entry.registers.items()}
    listed = {"post_types": set(wordpress["post_types"]), "taxonomies": set(wordpress["taxonomies"]), "statuses": set(state["post_statuses"])}
    missing = {kind: sorted(names - listed[kind]) for kind, names in registers.items() if names - listed[kind]}
    assert not missing, f"{entry.label} is active, yet WordPress does not list what it registers: {missing}"
    # Content in its post types (published, a draft, and one in each public status a plugin makes) and terms in its taxonomies.
    public_statuses = sorted(s for s, e in state["post_statuses"].items() if e["public"] and not e["builtin"])
    items = []
    for slug in sorted(registers.get("post_types", set())):
        items += [{"post_type": slug, "title": f"{slug} published {n}"} for n in range(2)]
        items += [{"post_type": slug, "title": f"{slug} {status}", "status": status} for status in ["draft", *public_statuses]]
    if items:
        igny8_wp.create_posts(items)
    for taxonomy in sorted(registers.get("taxonomies", set())):
        igny8_wp.create_terms(taxonomy, [f"{taxonomy} one", f"{taxonomy} two"])
    assert igny8_wp.run_cron(STRUCTURE_HOOK) == [STRUCTURE_HOOK]
    wordpress, served = igny8_wp.state()["wordpress"], igny8_backend.read_back()
    igny8_evidence.json(f"{entry.label}: what it registers (fixtures/plugins/corpus.json), its source", {**entry.registers, "source": entry.source})
    igny8_evidence.json("WordPress's own view", wordpress)
    igny8_evidence.json("the stored structure, read back", served)
    diff = differences(expected_structure(wordpress), served_structure(served))
    assert not diff, f"with {entry.label}, the stored structure differs from WordPress's own view:\n" + "\n".join(diff[:40])
    entries = {kind: names for kind, names in registers.items() if kind != "statuses"}
    synced = {kind: {s for s in names if wordpress[kind][s]["public"] or wordpress[kind][s]["show_ui"]} for kind, names in entries.items()}
    absent = sorted(s for kind, names in synced.items() for s in names - set(served[kind]))
    assert not absent, f"{entry.label}'s own entries are not stored: {absent}"


# ---- a reset returns to the site as set up -------------------------------------------------------


@pytest.mark.requirement("OPS-2")
def test_a_reset_returns_to_the_site_as_set_up_with_no_first_run_again(request, igny8_stack, igny8_fresh_site, igny8_wp, igny8_evidence):
    """The third-party plugins were activated once and their first run passed when the site was set up; a
    reset restores that state (activating them again would send the administrator to their welcome pages)."""
    if not igny8_stack.config.extra_plugins:
        site_lacks(request.node, "no third-party plugin on the stack (--with-plugin, or a profile's plugins)")
    state = igny8_wp.state()
    sent_to = igny8_wp.pass_first_run()
    igny8_evidence.json("after a reset", {"third-party plugins": state["extra_plugins"], "plugin under test": state["plugin"], "first-run pages": sent_to})
    assert all(p["active"] for p in state["extra_plugins"]), f"a third-party plugin is not active after a reset: {state['extra_plugins']}"
    assert state["plugin"]["active"], "the plugin under test is not active after a reset"
    assert sent_to == [], f"after a reset wp-admin sends its administrator to {sent_to}: a plugin's first run again, as if it had been activated again"


# ---- busy admin screens change no verdict ----------------------------------------------------------


@contextmanager
def noise(wp, words):
    """fixtures/plugins/igny8-noisy-admin adds `words` (success, error, dialog, redirect-ID...) to wp-admin while this lasts."""
    host = wp.base_url.split("//", 1)[1].split(":")[0].split("/")[0]
    wp.http.cookies.set("igny8_noise", ",".join(words), domain=host, path="/")
    try:
        yield
    finally:
        wp.http.cookies.set("igny8_noise", None, domain=host, path="/")


def fresh_redirect():
    return f"redirect-{uuid.uuid4().hex[:12]}"


# Each: (what to add for the whole sequence, where a one-off redirect goes: "open" the page, or "land" after the action, or None).
DISTURBANCES = {
    "an activation redirect when the page opens": ((), "open"),
    "an activation redirect where the action lands": ((), "land"),
    "another plugin's success notice": (("success",), None),
    "another plugin's error notice": (("error", "warning", "info"), None),
    "a dialog with controls of the same names": (("dialog",), None),
}


def act(page, wp, words, redirect, button, fields=None):
    """One action on the settings page, with the disturbance in place; the outcome."""
    with noise(wp, [*words, fresh_redirect()] if redirect == "open" else words):
        submission = page.submission(button, fields)
    with noise(wp, [*words, fresh_redirect()] if redirect == "land" else words):
        return page.send(submission)


def verdicts(page, wp, backend, target, words=(), redirect=None):
    """What every action of a session in wp-admin comes to, as the suite judges it: each outcome's kind and
    the protocol facts it must show (CONN-3, CONN-6, ADMIN-2), and which buttons the page offers after it."""
    url, key = target.backend_url_for_plugin, backend.api_key
    steps = [
        ("Connect", "connect", {"backend_url": url, "api_key": key}),
        ("Test connection", "test_connection", None),
        ("Sync now", "sync_now", None),
        ("Connect with a refused key", "connect", {"backend_url": url, "api_key": REFUSED_KEY}),
        ("Connect again", "connect", {"backend_url": url, "api_key": key}),
        ("Disconnect", "disconnect", None),
    ]
    found, outcomes = [], []
    for label, button, fields in steps:
        if button in ("test_connection", "sync_now", "disconnect") and not page.has(button):
            found.append((label, "not offered"))
            continue
        outcome = act(page, wp, words, redirect, button, fields)
        outcomes.append(outcome)
        facts = {"synced": "Site structure synced" in outcome.text, "refused code": "invalid_api_key" in outcome.text}
        with noise(wp, words):
            offered = tuple(b for b in ("test_connection", "sync_now", "disconnect") if page.has(b))
        found.append((label, outcome.kind, facts, offered))
    return found, outcomes


@pytest.mark.requirement("ADMIN-1", "ADMIN-2", "CONN-3", "CONN-6")
@pytest.mark.parametrize("disturbance", DISTURBANCES)
def test_busy_admin_screens_change_no_verdict(
    request, disturbance, igny8_stack, igny8_wp, igny8_plugin_page, igny8_backend, igny8_backend_target, igny8_observer, igny8_evidence
):
    if not on_stack(igny8_stack, NOISY):
        site_lacks(request.node, f"fixtures/plugins/{NOISY} is not on the stack (--with-plugin fixtures/plugins/{NOISY}, or fixtures/sites/busy.yaml)")
    words, redirect = DISTURBANCES[disturbance]
    page = SettingsPage(igny8_wp, igny8_plugin_page.manifest)

    def session(*noisy):
        igny8_wp.reset()
        if igny8_observer is not None:
            igny8_observer.reset(igny8_backend.integration_id)
        return verdicts(page, igny8_wp, igny8_backend, igny8_backend_target, *noisy)

    quiet, _ = session()
    busy, outcomes = session(words, redirect)
    igny8_evidence.json("verdicts, quiet and busy", {"quiet": [list(map(str, v)) for v in quiet], disturbance: [list(map(str, v)) for v in busy]})
    igny8_evidence.json("outcomes with the disturbance", [str(o) for o in outcomes])
    # It was there: each disturbance shows in what the harness read.
    if redirect == "land":
        assert any(o.reread for o in outcomes), "no action's landing page was taken by the redirect: the disturbance never happened"
    if redirect == "open":
        assert page.diverted, "the settings page was never redirected elsewhere when opened: the disturbance never happened"
    if words and words[0] in ("success", "error"):
        assert all(any(n.kind == words[0] and "Noisy Admin" in n.text for n in o.others) for o in outcomes), (
            f"another plugin's {words[0]} notice was not on every page an action ended on"
        )
    if "dialog" in words:
        with noise(igny8_wp, words):
            shown = page.open()
        rivals = [b for b in shown.find_all("button") if accessible.accessible_name(shown, b) == "Connect" and accessible.where(b) == "in a dialog"]
        assert rivals, "the dialog with a Connect button of its own was not on the settings page"
    assert busy == quiet, f"with {disturbance}, the verdicts changed:\n  quiet: {quiet}\n  busy:  {busy}"
    assert not any(n.text.startswith("Noisy Admin") for o in outcomes for n in o.notices), "another plugin's notice was taken for an outcome"


@pytest.mark.requirement("ADMIN-2", "CONN-3")
def test_the_outcome_is_the_notice_that_came_with_the_action(
    request, igny8_stack, igny8_fresh_site, igny8_wp, igny8_plugin_page, igny8_backend, igny8_backend_target
):
    """Every kind of another plugin's notice on every screen at once, and the plugin's own outcome is still the one read."""
    if not on_stack(igny8_stack, NOISY):
        site_lacks(request.node, f"fixtures/plugins/{NOISY} is not on the stack")
    with noise(igny8_wp, ["success", "warning", "error", "info", "dialog"]):
        before = notices(igny8_plugin_page.open())
        outcome = igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, igny8_backend.api_key)
    assert {n.kind for n in before} >= {"success", "warning", "error", "info"}, f"the other plugin's notices were not on the page: {before}"
    assert outcome.kind == "success" and "Site structure synced" in outcome.text, f"Connect with every other notice on the page: {outcome}"
