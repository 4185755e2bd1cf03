"""The backend's Content Types tab, read in a real browser (Playwright, Debian's Chromium)."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page


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
        self.page.goto(self.url)
        self.redirected_to_login = "/accounts/login/" in self.page.url
        if self.redirected_to_login:
            self.page.fill("#id_username", username)
            self.page.fill("#id_password", password)
            self.page.click("[data-testid=login-submit]")
            self.page.wait_for_url(self.url)
        return self

    def text(self, testid: str) -> str:
        return self.page.get_by_test_id(testid).inner_text().strip()

    def rows(self, kind: str) -> dict[str, Row]:
        """{slug: Row} for kind "post-type" or "taxonomy", as the page shows them."""
        found = {}
        for row in self.page.locator(f"tr[data-testid^='{kind}-']").all():
            slug = (row.get_attribute("data-testid") or "")[len(kind) + 1 :]
            found[slug] = Row(
                label=row.get_by_test_id("label").inner_text().strip(),
                count=int(row.get_by_test_id("count").inner_text()),
                synced_count=int(row.get_by_test_id("synced-count").inner_text()),
            )
        return found

    def screenshot(self) -> bytes:
        return self.page.screenshot(full_page=True)
