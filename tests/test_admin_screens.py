"""A real site's wp-admin read the way a person reads it (issue #35, spec/CONTRACT.md 1.2-1.3), on pages
made here (no Docker): another plugin's notices of every kind, a redirect where the page opens or where
an action lands, a dialog or a hidden element holding controls of the same names change no outcome; the
outcome is the notices new since the form was taken."""

from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from harness.clients import accessible
from harness.clients.settings_page import AdminPage, Notice, SettingsPage, new_notices, notices, same_page
from harness.clients.wordpress import _lands_on
from harness.target.manifest import PluginManifest

BASE = "http://wp.test"
SETTINGS = "options-general.php?page=igny8"
FOREIGN = (
    '<div class="notice notice-success"><p>Noisy: Site structure synced with our servers.</p></div>'
    '<div class="notice notice-error"><p>Noisy: refused (invalid_api_key)</p></div>'
)
DIALOG = (
    '<div role="dialog" aria-modal="true"><form action="admin-post.php?rival=1" method="post">'
    '<label for="r-url">Backend URL</label><input id="r-url" name="rival[url]"><label for="r-key">API key</label><input id="r-key" name="rival[key]">'
    '<button name="do" value="connect">Connect</button><button name="do" value="sync">Sync now</button></form></div>'
)
FORM = (
    '<form method="post" action="admin-post.php"><input type="hidden" name="action" value="igny8_connect">'
    '<label for="u">Backend URL</label><input id="u" name="igny8[url]"><label for="k">API key</label><input id="k" name="igny8[key]">'
    '<button type="submit">Connect</button></form>'
)


def html(*parts):
    return f"<html><body><div id='wpbody-content'>{''.join(parts)}</div></body></html>"


def response(url, text="", history=(), status=200):
    return SimpleNamespace(url=url, text=text, history=list(history), status_code=status)


class Browser:
    """A stand-in for WordPressClient: pages by path, each GET answered in turn; a POST answered as given."""

    def __init__(self, pages, posted=None):
        self.base_url, self.user = BASE, "admin"
        self.pages, self.posted, self.sent = pages, posted, []

    def admin_get(self, path, grant_manage_options=False):
        answers = self.pages[path]
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        return BeautifulSoup(answer.text, "html.parser"), answer

    def post(self, url, data):
        self.sent.append((url, data))
        return self.posted


def settings(text, via=()):
    return response(f"{BASE}/wp-admin/{SETTINGS}", text, via)


def page_for(browser):
    return SettingsPage(browser, PluginManifest())


# ---- which notice is the outcome --------------------------------------------------------------


def test_the_outcome_is_the_notice_that_was_not_there_before():
    before = [Notice("success", "theirs"), Notice("error", "theirs too"), Notice("error", "standing refusal")]
    after = [
        Notice("error", "standing refusal"),
        Notice("success", "theirs"),
        Notice("success", "Connected. Site structure synced."),
        Notice("error", "theirs too"),
    ]
    assert new_notices(after, before) == ([Notice("success", "Connected. Site structure synced.")], [before[2], before[0], before[1]])
    assert new_notices([Notice("error", "x"), Notice("error", "x")], [Notice("error", "x")])[0] == [Notice("error", "x")]  # once more is new


def test_other_plugins_notices_on_every_screen_change_no_outcome():
    landed = settings(
        html(FOREIGN, '<div class="notice notice-success"><p>Connected. Site structure synced.</p></div>', FORM), [response(f"{BASE}/wp-admin/admin-post.php")]
    )
    browser = Browser({SETTINGS: [settings(html(FOREIGN, FORM))]}, posted=landed)
    outcome = page_for(browser).connect("https://api.example", "k")
    assert (outcome.kind, outcome.text) == ("success", "Connected. Site structure synced.")
    assert [n.kind for n in outcome.others] == ["success", "error"]
    failed = settings(html(FOREIGN, '<div class="notice notice-error"><p>HTTP 401 revoked_api_key</p></div>', FORM))
    outcome = page_for(Browser({SETTINGS: [settings(html(FOREIGN, FORM))]}, posted=failed)).connect("https://api.example", "k")
    assert outcome.kind == "error" and "invalid_api_key" not in outcome.text


def test_an_action_that_shows_nothing_new_has_no_outcome_whatever_the_other_notices_say():
    browser = Browser({SETTINGS: [settings(html(FOREIGN, FORM))]}, posted=settings(html(FOREIGN, FORM)))
    outcome = page_for(browser).connect("https://api.example", "k")
    assert outcome.kind is None and "Site structure synced" not in outcome.text


# ---- redirects: where the page opens, and where the action lands ---------------------------------


def test_a_redirect_when_the_page_opens_is_left_and_the_page_opened_again():
    welcome = response(f"{BASE}/wp-admin/index.php?page=welcome", html("<h1>Welcome</h1>"), [response(f"{BASE}/wp-admin/{SETTINGS}")])
    browser = Browser({SETTINGS: [welcome, settings(html(FORM))]})
    page = page_for(browser)
    assert accessible.has_button(page.open(), "Connect")
    assert page.diverted == [f"{BASE}/wp-admin/index.php?page=welcome"]


def test_a_redirect_on_every_load_is_the_pages_own_place():
    elsewhere = response(f"{BASE}/wp-admin/admin.php?page=acme-tabs", html(FORM), [response(f"{BASE}/wp-admin/{SETTINGS}")])
    page = page_for(Browser({SETTINGS: [elsewhere]}))
    assert accessible.has_button(page.open(), "Connect") and len(page.diverted) == 1


def test_a_redirect_where_the_action_lands_is_left_and_the_outcome_read_on_the_page():
    welcome_notice = '<div class="notice notice-success"><p>Noisy is ready: Site structure synced.</p></div>'
    diverted = response(
        f"{BASE}/wp-admin/index.php?page=welcome", html(welcome_notice), [response(f"{BASE}/wp-admin/admin-post.php"), response(f"{BASE}/wp-admin/{SETTINGS}")]
    )
    own = '<div class="notice notice-error"><p>HTTP 401 invalid_api_key</p></div>'
    browser = Browser({SETTINGS: [settings(html(FOREIGN, FORM)), settings(html(FOREIGN, own, FORM))]}, posted=diverted)
    outcome = page_for(browser).connect("https://api.example", "k")
    assert (outcome.kind, outcome.text) == ("error", "HTTP 401 invalid_api_key")
    assert outcome.reread == f"{BASE}/wp-admin/{SETTINGS}" and "Welcome" not in outcome.text


def test_a_refusal_that_lands_on_wp_login_is_not_a_diverted_landing():
    login = response(f"{BASE}/wp-login.php?redirect_to=x", html("<form>log in</form>"), [response(f"{BASE}/wp-admin/admin-post.php")])
    outcome = page_for(Browser({SETTINGS: [settings(html(FORM))]}, posted=login)).connect("https://api.example", "k")
    assert outcome.kind is None and outcome.reread == ""


# ---- dialogs and hidden controls ------------------------------------------------------------------


def test_controls_in_a_dialog_are_not_the_pages_and_its_form_is_never_sent():
    browser = Browser({SETTINGS: [settings(html(DIALOG, FORM))]}, posted=settings(html(FORM)))
    page = page_for(browser)
    page.connect("https://api.example", "the-key")
    ((url, data),) = browser.sent
    assert url == f"{BASE}/wp-admin/admin-post.php" and ("igny8[key]", "the-key") in data and not any(k.startswith("rival") for k, _ in data)
    assert not page.has("sync_now"), "a dialog's Sync now is not the page's"


@pytest.mark.parametrize(
    "wrapper",
    [
        "<div hidden>{}</div>",
        '<div aria-hidden="true">{}</div>',
        '<div style="color:red; display: none">{}</div>',
        "<dialog>{}</dialog>",
        "<template>{}</template>",
    ],
)
def test_hidden_controls_are_not_found_and_the_message_says_where_they_were(wrapper):
    soup = BeautifulSoup(html(wrapper.format("<form><button>Connect</button></form>")), "html.parser")
    assert not accessible.has_button(soup, "Connect")
    said = (
        r"not counted: 'Connect' (hidden|in a dialog)" if "template" not in wrapper else r"no button named 'Connect'"
    )  # a template's content is no markup to the parser
    with pytest.raises(accessible.ControlNotFound, match=said):
        accessible.button(soup, "Connect")


def test_an_open_dialogs_controls_are_in_a_dialog_and_the_pages_own_are_found_after_it():
    soup = BeautifulSoup(html(DIALOG, FORM), "html.parser")
    assert accessible.where(accessible.button(soup, "Connect")) == ""
    assert accessible.form_of(accessible.button(soup, "Connect"))["action"] == "admin-post.php"
    assert accessible.field(soup, "API key")["name"] == "igny8[key]"


def test_a_field_is_looked_for_in_the_pressed_buttons_form_first():
    two = html(
        '<form id="a"><label>API key <input name="a"></label><button>Save</button></form>',
        '<form id="b"><label>API key <input name="b"></label><button>Connect</button></form>',
    )
    soup = BeautifulSoup(two, "html.parser")
    assert accessible.field(soup, "API key", within=accessible.form_of(accessible.button(soup, "Connect")))["name"] == "b"


def test_another_plugins_form_is_filled_by_names_and_its_checkboxes_ticked():
    form = html(
        '<form method="post"><label for="name">Taxonomy Slug</label><input id="name" name="cpt[name]">'
        '<input type="checkbox" id="book" name="types[]" value="book"><label for="book">Books</label>'
        '<input type="checkbox" id="post" name="types[]" value="post" checked><label for="post">Posts (WP Core)</label>'
        '<input type="submit" name="cpt_submit" value="Add Taxonomy"></form>'
    )
    done = response(f"{BASE}/wp-admin/admin.php?page=cptui", html('<div class="notice notice-success"><p>genre has been successfully added</p></div>'))
    browser = Browser({"admin.php?page=cptui": [response(f"{BASE}/wp-admin/admin.php?page=cptui", form)]}, posted=done)
    outcome = AdminPage(browser, "admin.php?page=cptui").press_named("Add Taxonomy", {"Taxonomy Slug": "genre"}, ["Books"])
    ((_, data),) = browser.sent
    assert data == [("cpt[name]", "genre"), ("types[]", "book"), ("types[]", "post"), ("cpt_submit", "Add Taxonomy")]
    assert outcome.kind == "success"


# ---- where the browser is -------------------------------------------------------------------------


def test_the_settings_page_is_known_by_its_file_and_its_arguments():
    assert same_page(f"{BASE}/wp-admin/{SETTINGS}&igny8_notice=1", SETTINGS)
    assert not same_page(f"{BASE}/wp-admin/options-general.php?page=other", SETTINGS)
    assert not same_page(f"{BASE}/wp-admin/index.php?page=igny8", SETTINGS)


def test_the_first_run_is_over_when_the_dashboard_and_plugins_load_as_themselves():
    assert _lands_on(f"{BASE}/wp-admin/", "") and _lands_on(f"{BASE}/wp-admin/index.php", "")
    assert not _lands_on(f"{BASE}/wp-admin/index.php?page=bbp-about", "")
    assert not _lands_on(f"{BASE}/wp-admin/admin.php?page=cptui_main_menu", "plugins.php")
    assert _lands_on(f"{BASE}/wp-admin/plugins.php", "plugins.php")


def test_notices_without_a_kind_are_not_outcomes():
    soup = BeautifulSoup(html('<div class="notice"><p>no kind</p></div><div class="updated"><p>old style</p></div>'), "html.parser")
    assert notices(soup) == []
