"""Controls are found by accessible name, as Playwright's get_by_label and get_by_role find them,
and forms are submitted as a browser submits them (harness.clients.accessible)."""

import pytest
from bs4 import BeautifulSoup

from harness.clients import accessible
from harness.clients.settings_page import Submission, notices

PAGE = BeautifulSoup(
    """
<div class="wrap">
  <div class="notice notice-success is-dismissible"><p>Connected.  Site structure synced.</p></div>
  <div class="notice notice-error"><p>HTTP 401 invalid_api_key</p></div>
  <div class="update-nag notice">WordPress 9 is available</div>
  <form method="post" action="admin-post.php">
    <input type="hidden" name="action" value="acme_link"><input type="hidden" name="_wpnonce" value="0123abcdef">
    <label for="u">Backend URL</label><input id="u" name="acme[url]" value="https://old.example">
    <label>API key <input type="password" name="acme[key]"></label>
    <input type="checkbox" name="remember" checked><input type="checkbox" name="forget">
    <select name="mode"><option value="a">A</option><option value="b" selected>B</option></select>
    <button type="submit" name="op" value="link">  Connect </button>
    <input type="submit" name="other" value="Reset">
  </form>
  <form method="post" action="admin-post.php?x=1"><input type="submit" value="Sync now" aria-label="Sync now"></form>
  <span id="t">Recent  events</span>
  <table aria-labelledby="t"><tbody><tr><td>one</td></tr></tbody></table>
  <form><button aria-labelledby="t">icon</button></form>
</div>""",
    "html.parser",
)


@pytest.mark.parametrize("name", ["Backend URL", "backend url", "API key"])
def test_fields_are_found_by_label_for_or_wrapping_label(name):
    assert accessible.field(PAGE, name).name == "input"


@pytest.mark.parametrize("name,tag", [("Connect", "button"), ("Sync now", "input"), ("Reset", "input"), ("Recent events", "button")])
def test_buttons_by_text_value_aria_label_or_labelledby(name, tag):
    assert accessible.button(PAGE, name).name == tag


def test_a_missing_control_is_named_with_what_the_page_has():
    with pytest.raises(accessible.ControlNotFound, match=r"no button named 'Disconnect' \(it has: 'Connect', 'Recent events', 'Reset', 'Sync now'\)"):
        accessible.button(PAGE, "Disconnect")


def test_a_form_is_sent_as_a_browser_sends_it():
    pressed = accessible.button(PAGE, "Connect")
    data = accessible.submission(accessible.form_of(pressed), pressed, {"acme[key]": "k"})
    assert data == [
        ("action", "acme_link"),
        ("_wpnonce", "0123abcdef"),
        ("acme[url]", "https://old.example"),
        ("acme[key]", "k"),
        ("remember", ""),
        ("mode", "b"),
        ("op", "link"),
    ]


def test_without_nonces_empties_only_what_looks_like_a_wordpress_nonce():
    sent = Submission("u", [("action", "acme_link"), ("_wpnonce", "0123abcdef"), ("key", "0123abcdefg")]).without_nonces()
    assert sent.data == [("action", "acme_link"), ("_wpnonce", ""), ("key", "0123abcdefg")]


def test_only_core_admin_notices_with_a_kind_count():
    assert [(n.kind, n.text) for n in notices(PAGE)] == [("success", "Connected. Site structure synced."), ("error", "HTTP 401 invalid_api_key")]


def test_tables_by_accessible_name():
    assert accessible.table(PAGE, "Recent events").find("td").get_text() == "one"
