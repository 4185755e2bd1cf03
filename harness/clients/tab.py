"""The backend's Content Types tab, read in a real browser (Playwright, Debian's Chromium), as
spec/CONTRACT.md (section 3) describes it: its address, a login form found by accessible names,
and the data-testids of UI-1..3."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response

from harness.clients import accessible
from harness.clients.http import RecordingSession

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


def on_login_page(page: Page) -> bool:
    return page.get_by_label("Password").count() > 0 and page.get_by_test_id("integration-status").count() == 0


@dataclass
class Row:
    label: str
    count: int
    synced_count: int


class ContentTypesTab:
    def __init__(self, page: Page, backend_url: str, site_id: int = 1) -> None:
        self.page = page
        self.url = f"{backend_url}/sites/{site_id}/content-types/"

    def open_as(self, username: str, password: str) -> ContentTypesTab:
        """Goes to the tab as a person would: sent to the login form first, then back to the tab."""
        goto(self.page, self.url)
        self.redirected_to_login = on_login_page(self.page)
        if self.redirected_to_login:
            self.page.get_by_label("Username").fill(username)
            self.page.get_by_label("Password").fill(password)
            self.page.get_by_role("button", name="Log in").click()
            self.page.wait_for_url(self.url)
        return self

    def text(self, testid: str) -> str:
        return self.page.get_by_test_id(testid).inner_text().strip()

    def rows(self, kind: str) -> dict[str, Row]:
        """{slug: Row} for kind "post-type" or "taxonomy", as the page shows them: the DOM's text of
        each cell, exactly (no layout applied), read in one call however many rows there are."""
        cells = self.page.evaluate(
            """kind => [...document.querySelectorAll(`tr[data-testid^="${kind}-"]`)].map(row => {
                const cell = id => row.querySelector(`[data-testid="${id}"]`);
                return [row.dataset.testid, cell("label")?.textContent, cell("count")?.textContent, cell("synced-count")?.textContent];
            })""",
            kind,
        )
        return {testid[len(kind) + 1 :]: Row(label or "", int(count), int(synced)) for testid, label, count, synced in cells}

    def screenshot(self) -> bytes:
        return self.page.screenshot(full_page=True)


class TabReader:
    """The tab over HTTP, without a browser: for the checks the stateful model makes after every
    step. It logs in through the same form, found by the same accessible names."""

    def __init__(self, backend_url: str, site_id: int, ca_path: str | None, secrets: list[str]) -> None:
        self.url = f"{backend_url}/sites/{site_id}/content-types/"
        self.http = RecordingSession(secrets=secrets)
        self.http.verify = ca_path or True

    def login(self, username: str, password: str) -> TabReader:
        page = self.http.get(self.url)
        soup = BeautifulSoup(page.text, "html.parser")
        if not soup.select('[data-testid="integration-status"]'):
            pressed = accessible.button(soup, "Log in")
            form = accessible.form_of(pressed)
            values = {str(accessible.field(soup, "Username")["name"]): username, str(accessible.field(soup, "Password")["name"]): password}
            action = urljoin(page.url, str(form.get("action") or page.url))
            self.http.post(action, data=accessible.submission(form, pressed, values), headers={"Referer": page.url})
        return self

    def _soup(self) -> BeautifulSoup:
        response = self.http.get(self.url)
        assert response.status_code == 200, f"the tab answered {response.status_code}"
        return BeautifulSoup(response.text, "html.parser")

    def badge_and_last_sync(self) -> tuple[str, str | None]:
        soup = self._soup()
        badge, last = soup.select_one('[data-testid="integration-status"]'), soup.select_one('[data-testid="last-sync"]')
        assert badge is not None and last is not None, "the tab has no integration-status or last-sync"
        when = last.get("datetime")
        return badge.get_text(strip=True), str(when) if when else None
