"""The plugin's settings page, used as a person uses it (spec/CONTRACT.md, 1.2-1.4): controls found
by accessible name, forms submitted as a browser submits them, outcomes read from WordPress core's
admin notices. Nothing here knows an implementation's markup, option names or sentences."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from harness.clients import accessible
from harness.clients.wordpress import WordPressClient
from harness.target.manifest import PluginManifest

KINDS = ("error", "warning", "success", "info")  # most severe first
NONCE = re.compile(r"^[0-9a-f]{10}$")  # what wp_create_nonce() makes


@dataclass(frozen=True)
class Notice:
    kind: str
    text: str


@dataclass
class Outcome:
    """What the page an action ended on says about it."""

    status: int
    url: str
    seconds: float
    notices: list[Notice] = field(default_factory=list)
    page: str = field(default="", repr=False)  # the HTML the action returned: a surface a secret must not reach (SEC-5)

    @property
    def kind(self) -> str | None:
        """The most severe notice's kind: error, warning, success, info; None without a notice."""
        found = {n.kind for n in self.notices}
        return next((k for k in KINDS if k in found), None)

    @property
    def text(self) -> str:
        return " | ".join(n.text for n in self.notices)

    def __str__(self) -> str:
        return f"{self.kind or 'no notice'} (HTTP {self.status}): {self.text or '(no text)'}"


def notices(page: BeautifulSoup) -> list[Notice]:
    """WordPress core's admin notices on a page: `.notice` with `notice-<kind>`."""
    found = []
    for node in page.select(".notice"):
        classes: list[str] = list(node.get("class") or [])
        kind = next((k for k in KINDS if f"notice-{k}" in classes), None)
        if kind:
            found.append(Notice(kind, re.sub(r"\s+", " ", node.get_text(" ")).strip()))
    return found


@dataclass(frozen=True)
class Submission:
    """A form as a browser would send it: where, and what."""

    url: str
    data: list[tuple[str, str]]

    def without_nonces(self) -> Submission:
        """The same form with every WordPress nonce emptied (SEC-6)."""
        return Submission(self.url, [(k, "" if NONCE.match(v) else v) for k, v in self.data])


class SettingsPage:
    def __init__(self, wp: WordPressClient, manifest: PluginManifest) -> None:
        self.wp, self.manifest = wp, manifest

    def open(self, grant_manage_options: bool = False) -> BeautifulSoup:
        page, response = self.wp.admin_get(self.manifest.settings_page, grant_manage_options)
        if response.status_code != 200:
            raise accessible.ControlNotFound(f"the settings page {self.manifest.settings_page} answered HTTP {response.status_code} for {self.wp.user!r}")
        return page

    def has(self, control: str) -> bool:
        return accessible.has_button(self.open(), self.manifest.control(control))

    def submission(self, button: str, fields: dict[str, str] | None = None, page: BeautifulSoup | None = None) -> Submission:
        """The form that `button` submits, with `fields` (by control key) filled in."""
        page = page or self.open()
        pressed = accessible.button(page, self.manifest.control(button))
        form = accessible.form_of(pressed)
        values = {}
        for key, value in (fields or {}).items():
            control = accessible.field(page, self.manifest.control(key))
            if accessible.form_of(control) is not form:
                raise accessible.ControlNotFound(f"{self.manifest.control(key)!r} is not in the form of the {self.manifest.control(button)!r} button")
            values[str(control["name"])] = value
        action = str(form.get("action") or self.wp.base_url + "/wp-admin/" + self.manifest.settings_page)
        return Submission(urljoin(f"{self.wp.base_url}/wp-admin/", action), accessible.submission(form, pressed, values))

    def send(self, submission: Submission, wp: WordPressClient | None = None) -> Outcome:
        start = time.monotonic()
        response = (wp or self.wp).post(submission.url, submission.data)
        seconds = time.monotonic() - start
        return Outcome(response.status_code, response.url, seconds, notices(BeautifulSoup(response.text, "html.parser")), response.text)

    def press(self, button: str, fields: dict[str, str] | None = None) -> Outcome:
        """Fills `fields`, presses `button`, and reads the outcome where the browser lands."""
        return self.send(self.submission(button, fields))

    # ---- the actions of the contract --------------------------------------------------------

    def connect(self, backend_url: str, api_key: str) -> Outcome:
        return self.press("connect", {"backend_url": backend_url, "api_key": api_key})

    def test_connection(self) -> Outcome:
        return self.press("test_connection")

    def sync_now(self) -> Outcome:
        return self.press("sync_now")

    def disconnect(self) -> Outcome:
        return self.press("disconnect")

    def recent_events(self) -> list[str]:
        """The rows of the Recent events table (capability event-log), newest first, as text."""
        table = accessible.table(self.open(), self.manifest.recent_events)
        body = table.find("tbody") or table
        rows = [r for r in body.find_all("tr") if isinstance(r, Tag) and not r.find("th")]
        return [re.sub(r"\s+", " ", r.get_text(" ")).strip() for r in rows]

    def html(self) -> str:
        return str(self.open())
