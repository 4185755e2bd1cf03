"""The plugin's settings page, used as a person uses it (spec/CONTRACT.md, 1.2-1.4): controls found
by accessible name, forms submitted as a browser submits them, outcomes read from WordPress core's
admin notices. Nothing here knows an implementation's markup, option names or sentences.

A real site's wp-admin is busy: other plugins redirect the administrator to a welcome page, print
notices on every screen and open dialogs. The page is read the way a person reads it:

- a page another plugin sends the browser to instead of the one asked for is left, and the page asked
  for is opened again (`AdminPage.open`), as a person goes back to it;
- controls inside a dialog or a hidden element are not the page's (harness.clients.accessible);
- the outcome of an action is the notices on the page it ends on that were not on the page the form
  was taken from just before (`Outcome`, CONTRACT.md 1.3): another plugin's notices, on every screen,
  were there before too; when another plugin's redirect took the browser elsewhere on its way back to
  the page, the page is opened again and read there.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urljoin, urlsplit

import requests
from bs4 import BeautifulSoup, Tag

from harness.clients import accessible
from harness.clients.wordpress import WordPressClient
from harness.target.manifest import PluginManifest

KINDS = ("error", "warning", "success", "info")  # most severe first
NONCE = re.compile(r"^[0-9a-f]{10}$")  # what wp_create_nonce() makes
OPEN_AGAIN = 3  # times a page is opened again after another plugin's redirect took the browser elsewhere


@dataclass(frozen=True)
class Notice:
    kind: str
    text: str


@dataclass
class Outcome:
    """What the page an action ended on says about it: the notices that appeared with it (CONTRACT.md 1.3)."""

    status: int
    url: str
    seconds: float
    notices: list[Notice] = field(default_factory=list)  # the outcome: new on the page since before the action
    page: str = field(default="", repr=False)  # the HTML the action returned: a surface a secret must not reach (SEC-5)
    others: list[Notice] = field(default_factory=list)  # on the page before the action too: not its outcome
    reread: str = ""  # the page read again when another plugin's redirect took the landing page ("" if none)

    @property
    def kind(self) -> str | None:
        """The most severe notice's kind: error, warning, success, info; None without a notice."""
        found = {n.kind for n in self.notices}
        return next((k for k in KINDS if k in found), None)

    @property
    def text(self) -> str:
        return " | ".join(n.text for n in self.notices)

    def __str__(self) -> str:
        shown = f"{self.kind or 'no notice'} (HTTP {self.status}): {self.text or '(no text)'}"
        if self.reread:
            shown += f" [read again at {self.reread}]"
        return shown + (f" [not the outcome, there before it: {len(self.others)} notice(s)]" if self.others else "")


def notices(page: BeautifulSoup) -> list[Notice]:
    """WordPress core's admin notices on a page: `.notice` with `notice-<kind>`."""
    found = []
    for node in page.select(".notice"):
        classes: list[str] = list(node.get("class") or [])
        kind = next((k for k in KINDS if f"notice-{k}" in classes), None)
        if kind:
            found.append(Notice(kind, re.sub(r"\s+", " ", node.get_text(" ")).strip()))
    return found


def new_notices(after: Iterable[Notice], before: Iterable[Notice]) -> tuple[list[Notice], list[Notice]]:
    """The notices of `after` that were not in `before` (by kind and text, each occurrence once), and the rest."""
    left = Counter(before)
    new, old = [], []
    for notice in after:
        if left[notice] > 0:
            left[notice] -= 1
            old.append(notice)
        else:
            new.append(notice)
    return new, old


@dataclass(frozen=True)
class Submission:
    """A form as a browser would send it: where, and what; and the page it was taken from, as it was."""

    url: str
    data: list[tuple[str, str]]
    before: tuple[Notice, ...] = ()  # the notices on that page when the form was taken (CONTRACT.md 1.3)

    def without_nonces(self) -> Submission:
        """The same form with every WordPress nonce emptied (SEC-6)."""
        return replace(self, data=[(k, "" if NONCE.match(v) else v) for k, v in self.data])


def same_page(url: str, path: str) -> bool:
    """Whether `url` is wp-admin's `path` (`admin.php?page=acme`): the same file, and every query
    argument `path` names with its value (a page may add arguments of its own, a tab or a notice)."""
    wanted, got = urlsplit(path), urlsplit(url)
    if not got.path.endswith("/wp-admin/" + wanted.path.lstrip("/")):
        return False
    have = dict(parse_qsl(got.query, keep_blank_values=True))
    return all(have.get(k) == v for k, v in parse_qsl(wanted.query, keep_blank_values=True))


def _diverted(response: requests.Response, path: str) -> bool:
    """The browser asked for wp-admin's `path` on the way (a redirect after an action, or the page itself)
    and was sent on elsewhere in wp-admin: another plugin's redirect (a welcome page, a wizard)."""
    if same_page(response.url, path) or "/wp-admin/" not in urlsplit(response.url).path:
        return False
    return any(same_page(step.url, path) for step in response.history)


class AdminPage:
    """A wp-admin page used as a person uses it: opened (and opened again when another plugin's redirect
    takes the browser elsewhere), its forms filled and submitted by accessible names, outcomes read as new notices."""

    def __init__(self, wp: WordPressClient, path: str) -> None:
        self.wp, self.path = wp, path
        self.diverted: list[str] = []  # where other plugins' redirects sent the browser instead of this page

    def open(self, grant_manage_options: bool = False, wp: WordPressClient | None = None) -> BeautifulSoup:
        return self._open(wp or self.wp, grant_manage_options)[0]

    def _open(self, client: WordPressClient, grant_manage_options: bool = False) -> tuple[BeautifulSoup, requests.Response]:
        """The page, opened again while another plugin's one-off redirect sends the browser elsewhere."""
        seen: list[str] = []
        for _ in range(OPEN_AGAIN + 1):
            page, response = client.admin_get(self.path, grant_manage_options)
            if response.status_code != 200:
                raise accessible.ControlNotFound(f"the page {self.path} answered HTTP {response.status_code} for {client.user!r}")
            if not _diverted(response, self.path) or response.url in seen:  # the page's own place, or a redirect that is not one-off
                return page, response
            seen.append(response.url)  # another plugin's one-off redirect: open the page again, as a person does
            self.diverted.append(response.url)
        return page, response

    def submission_named(self, button: str, fields: dict[str, str] | None = None, page: BeautifulSoup | None = None, ticks: Iterable[str] = ()) -> Submission:
        """The form that the button named `button` submits, with `fields` (by accessible name) filled in and the
        checkboxes named in `ticks` ticked; it carries the page's notices as they were (the outcome is what is new)."""
        page = page or self.open()
        pressed = accessible.button(page, button)
        form = accessible.form_of(pressed)
        values = {}
        for name, value in (fields or {}).items():
            control = accessible.field(page, name, within=form)
            if accessible.form_of(control) is not form:
                raise accessible.ControlNotFound(f"{name!r} is not in the form of the {button!r} button")
            values[str(control["name"])] = value
        ticked: list[Tag] = []
        for name in ticks:
            box = accessible.field(page, name, within=form)
            if accessible.form_of(box) is not form or str(box.get("type") or "").lower() not in ("checkbox", "radio"):
                raise accessible.ControlNotFound(f"{name!r} is not a checkbox or radio button in the form of the {button!r} button")
            ticked.append(box)
        action = str(form.get("action") or self.wp.base_url + "/wp-admin/" + self.path)
        data = accessible.submission(form, pressed, values, ticked)
        return Submission(urljoin(f"{self.wp.base_url}/wp-admin/", action), data, tuple(notices(page)))

    def send(self, submission: Submission, wp: WordPressClient | None = None) -> Outcome:
        """Submits the form as the browser does, and reads its outcome where the browser lands: the notices
        new since the form's page (CONTRACT.md 1.3). When the action sent the browser back to this page and
        another plugin's redirect took it elsewhere, what that page shows is not the outcome: this page is
        opened again, as a person does, and read there."""
        client = wp or self.wp
        start = time.monotonic()
        response = client.post(submission.url, submission.data)
        seconds = time.monotonic() - start
        new, old = new_notices(notices(BeautifulSoup(response.text, "html.parser")), submission.before)
        html, reread = response.text, ""
        if _diverted(response, self.path):
            self.diverted.append(response.url)
            page, again = self._open(client)
            new, old = new_notices(notices(page), submission.before) if same_page(again.url, self.path) else ([], [])
            html, reread = html + again.text, again.url  # both pages were shown: both are surfaces (SEC-5)
        return Outcome(response.status_code, response.url, seconds, new, html, old, reread)

    def press_named(self, button: str, fields: dict[str, str] | None = None, ticks: Iterable[str] = ()) -> Outcome:
        """Fills `fields`, ticks `ticks`, presses `button` (all by accessible name), and reads the outcome."""
        return self.send(self.submission_named(button, fields, ticks=ticks))


class SettingsPage(AdminPage):
    """The plugin under test's settings page; its controls are named by the manifest (CONTRACT.md 1.1-1.2)."""

    def __init__(self, wp: WordPressClient, manifest: PluginManifest) -> None:
        super().__init__(wp, manifest.settings_page)
        self.manifest = manifest

    def has(self, control: str) -> bool:
        return accessible.has_button(self.open(), self.manifest.control(control))

    def submission(self, button: str, fields: dict[str, str] | None = None, page: BeautifulSoup | None = None) -> Submission:
        """The form that `button` submits, with `fields` (by control key) filled in."""
        named = {self.manifest.control(key): value for key, value in (fields or {}).items()}
        return self.submission_named(self.manifest.control(button), named, page)

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
