"""The backend's Content Types tab, read as spec/CONTRACT.md 2.3 describes it, and only so: its
address, a login form found by accessible names, and the data-testids of UI-1..3. Nothing else of a
tab's markup is read: not its elements (a row may be a <tr>, a <div role="row"> or an <li>), not its
classes, not its wording, and no time but the one in the last sync's `datetime` attribute.

`CONTRACT` lists everything read; every query of this module is built from it, and
tests/test_tab_reader.py checks both that each entry is named in CONTRACT.md 2.3 and that the module
reads nothing it does not list. Two readers share it: `ContentTypesTab`, in a real browser (Playwright,
Debian's Chromium), and `TabReader`, over HTTP for the stateful model's checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response

from harness.clients import accessible
from harness.clients.http import RecordingSession


@dataclass(frozen=True)
class TabContract:
    """What spec/CONTRACT.md 2.3 names, and all the harness reads of a tab."""

    path: str = "/sites/<site_id>/content-types/"
    username: str = "Username"  # the login form's fields and button, by accessible name
    password: str = "Password"
    log_in: str = "Log in"
    badge: str = "integration-status"  # UI-1: its text
    last_sync: str = "last-sync"  # UI-3: its `datetime` attribute, or its text "Never"
    stored_time: str = "datetime"
    never: str = "Never"
    row_kinds: tuple[str, ...] = ("post-type", "taxonomy")  # UI-2: rows data-testid="<kind>-<slug>"
    label: str = "label"  # the row's cells, by data-testid, anywhere inside the row
    count: str = "count"
    synced_count: str = "synced-count"


CONTRACT = TabContract()


def testid(name: str) -> str:
    """The CSS selector of an element by its exact data-testid, one of those CONTRACT lists."""
    assert name in (CONTRACT.badge, CONTRACT.last_sync, CONTRACT.label, CONTRACT.count, CONTRACT.synced_count), name
    return f'[data-testid="{name}"]'


def rows_of(kind: str) -> str:
    """The CSS selector of a kind's rows: every element whose data-testid is "<kind>-<slug>"."""
    assert kind in CONTRACT.row_kinds, kind
    return f'[data-testid^="{kind}-"]'


def normal(text: str) -> str:
    """A badge's or "Never"'s text as read: blanks around it dropped, inner runs of blanks made one."""
    return re.sub(r"\s+", " ", text).strip()


def number(text: str | None, where: str) -> int:
    """A count cell's text: a whole number in decimal digits, blanks around it ignored (CONTRACT.md 2.3)."""
    digits = (text or "").strip()
    assert re.fullmatch(r"[0-9]+", digits), f"{where}: a count cell reads {text!r}, not a whole number in decimal digits"
    return int(digits)


def same_instant(shown: str | None, stored: str | None) -> bool:
    """The tab's `datetime` attribute shows the stored time: the same text, or the same instant
    written otherwise in RFC 3339 (CONTRACT.md 2.3); both absent before any sync."""
    if shown is None or stored is None:
        return shown is stored
    try:
        return shown == stored or datetime.fromisoformat(shown) == datetime.fromisoformat(stored)
    except ValueError:
        return False


# How Playwright reports a navigation Chromium dropped or restarted (see goto).
DROPPED_NAVIGATION = ("ERR_NETWORK_CHANGED", "chrome-error://chromewebdata/", "is interrupted by another navigation to")
NAVIGATION_RETRY_SECONDS = (0.5, 1.0, 1.5, 2.0)  # the waits before each try after the first (see goto)


def goto(page: Page, url: str) -> Response | None:
    """page.goto, tried again only when Chromium dropped the navigation: net::ERR_NETWORK_CHANGED;
    its own network error page put in its place (the same drop, as Playwright reports it when the
    error page commits first); or the navigation restarted at its redirect's target, which Playwright
    reports as "interrupted by another navigation" (seen on the tab's redirect to its login form).
    Chromium aborts navigations under way when an address appears on the host, as when another run
    or lane creates or recreates its stack's containers: a stack's start adds several, over a second
    or two, and three tries in a row were all dropped in one CI run. So each try waits a little longer
    than the last (NAVIGATION_RETRY_SECONDS), about 5 s in all. A GET tried again asks nothing twice,
    and an error that stays is raised at the last try; any other error is the test's to see."""
    for wait in (*NAVIGATION_RETRY_SECONDS, None):
        try:
            return page.goto(url)
        except PlaywrightError as error:
            if wait is None or not any(sign in str(error) for sign in DROPPED_NAVIGATION):
                raise
            page.wait_for_timeout(wait * 1000)
    raise AssertionError("unreachable")


def shows_badge(page: Page) -> bool:
    """The page is a tab: it holds the badge (UI-1)."""
    return page.locator(testid(CONTRACT.badge)).count() > 0


def on_login_page(page: Page) -> bool:
    return page.get_by_label(CONTRACT.password).count() > 0 and not shows_badge(page)


def log_in(page: Page, username: str, password: str) -> None:
    """Fills the login form by its accessible names and presses its button, as a person does."""
    page.get_by_label(CONTRACT.username).fill(username)
    page.get_by_label(CONTRACT.password).fill(password)
    page.get_by_role("button", name=CONTRACT.log_in).click()


@dataclass
class Row:
    label: str
    count: int
    synced_count: int


# The rows of a kind in one call, however many there are (a site of 1,000 post types): each row's
# data-testid and the DOM text of its three cells, exactly (no layout applied), or null for a cell
# it lacks. The selectors come in as arguments, from CONTRACT.
_ROWS_SCRIPT = """([rows, cells]) => [...document.querySelectorAll(rows)].map(row =>
    [row.getAttribute("data-testid"), ...cells.map(cell => row.querySelector(cell)?.textContent ?? null)])"""


def _rows(cells: list[list[str | None]], kind: str) -> dict[str, Row]:
    found = {}
    for name, label, count, synced in cells:
        slug = str(name)[len(kind) + 1 :]
        assert label is not None, f"the tab's row {name} has no {testid(CONTRACT.label)} cell"
        found[slug] = Row(label, number(count, f"{name} {CONTRACT.count}"), number(synced, f"{name} {CONTRACT.synced_count}"))
    return found


class ContentTypesTab:
    """The tab in a browser page."""

    def __init__(self, page: Page, backend_url: str, site_id: int = 1) -> None:
        self.page = page
        self.url = backend_url + CONTRACT.path.replace("<site_id>", str(site_id))
        self.redirected_to_login = False

    def open_as(self, username: str, password: str) -> ContentTypesTab:
        """Goes to the tab as a person would: sent to the login form first, then back to the tab."""
        goto(self.page, self.url)
        self.redirected_to_login = on_login_page(self.page)
        if self.redirected_to_login:
            log_in(self.page, username, password)
            self.page.wait_for_url(self.url)
        return self

    def shows_badge(self) -> bool:
        return shows_badge(self.page)

    def badge(self) -> str:
        """The badge's text (UI-1)."""
        return normal(self.page.locator(testid(CONTRACT.badge)).text_content() or "")

    def last_sync(self) -> str | None:
        """The stored time the tab shows, from the last sync's `datetime` attribute; None without one (UI-3)."""
        return self.page.locator(testid(CONTRACT.last_sync)).get_attribute(CONTRACT.stored_time)

    def last_sync_text(self) -> str:
        """The last sync's text: read only to find "Never" before any sync (UI-3)."""
        return normal(self.page.locator(testid(CONTRACT.last_sync)).text_content() or "")

    def rows(self, kind: str) -> dict[str, Row]:
        """{slug: Row} for kind "post-type" or "taxonomy", as the page shows them: the DOM's text of
        each cell, exactly (no layout applied), read in one call however many rows there are."""
        cells = [testid(CONTRACT.label), testid(CONTRACT.count), testid(CONTRACT.synced_count)]
        return _rows(self.page.evaluate(_ROWS_SCRIPT, [rows_of(kind), cells]), kind)

    def badge_screenshot(self) -> bytes:
        return self.page.locator(testid(CONTRACT.badge)).screenshot()

    def screenshot(self) -> bytes:
        return self.page.screenshot(full_page=True)


@dataclass
class TabView:
    """What the harness reads of one tab page."""

    badge: str
    last_sync: str | None
    last_sync_text: str
    rows: dict[str, dict[str, Row]]


def read_html(html: str, with_rows: bool = True) -> TabView:
    """The same reading as ContentTypesTab's, of server-rendered HTML, without a browser (the rows
    left unread, and empty, without `with_rows`)."""
    soup = BeautifulSoup(html, "html.parser")
    badge, last = soup.select_one(testid(CONTRACT.badge)), soup.select_one(testid(CONTRACT.last_sync))
    assert badge is not None and last is not None, f"the tab has no {testid(CONTRACT.badge)} or {testid(CONTRACT.last_sync)}"
    when = last.get(CONTRACT.stored_time)
    rows: dict[str, dict[str, Row]] = {}
    for kind in CONTRACT.row_kinds if with_rows else ():
        cells: list[list[str | None]] = []
        for row in soup.select(rows_of(kind)):
            found = [row.select_one(testid(name)) for name in (CONTRACT.label, CONTRACT.count, CONTRACT.synced_count)]
            cells.append([str(row.get("data-testid")), *(c.get_text() if isinstance(c, Tag) else None for c in found)])
        rows[kind] = _rows(cells, kind)
    return TabView(normal(badge.get_text()), str(when) if when else None, normal(last.get_text()), rows)


class TabReader:
    """The tab over HTTP, without a browser: for the checks the stateful model makes after every
    step. It logs in through the same form, found by the same accessible names."""

    def __init__(self, backend_url: str, site_id: int, ca_path: str | None, secrets: list[str]) -> None:
        self.url = backend_url + CONTRACT.path.replace("<site_id>", str(site_id))
        self.http = RecordingSession(secrets=secrets)
        self.http.verify = ca_path or True

    def login(self, username: str, password: str) -> TabReader:
        page = self.http.get(self.url)
        soup = BeautifulSoup(page.text, "html.parser")
        if not soup.select(testid(CONTRACT.badge)):
            pressed = accessible.button(soup, CONTRACT.log_in)
            form = accessible.form_of(pressed)
            values = {str(accessible.field(soup, CONTRACT.username)["name"]): username, str(accessible.field(soup, CONTRACT.password)["name"]): password}
            action = urljoin(page.url, str(form.get("action") or page.url))
            self.http.post(action, data=accessible.submission(form, pressed, values), headers={"Referer": page.url})
        return self

    def read(self, with_rows: bool = True) -> TabView:
        response = self.http.get(self.url)
        assert response.status_code == 200, f"the tab answered {response.status_code}"
        return read_html(response.text, with_rows)

    def badge_and_last_sync(self) -> tuple[str, str | None]:
        view = self.read(with_rows=False)
        return view.badge, view.last_sync
