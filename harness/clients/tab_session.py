"""The tab's session over HTTP (SEC-14..17): a client that uses the tab's login and logout forms as
a browser does (cookies kept, controls found by accessible name, spec/CONTRACT.md 2.3), and sees
every Set-Cookie on the way, with its attributes.

Cookie values are secrets: a `SetCookie` keeps the name and attributes only, `shown()` never holds a
value, and the values this module hands out (`TabClient.cookies`) are for replaying, not for
evidence. The session cookies are found from outside, as the cookies without which the logged-in
tab sends the visitor to log in (`session_cookie_names`)."""

from __future__ import annotations

import copy
import secrets
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http.cookiejar import Cookie
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin

import requests
from bs4 import BeautifulSoup, Tag

from harness.clients import accessible
from harness.clients.http import RecordingSession

TAB_PATH = "/sites/{site_id}/content-types/"
USERNAME, PASSWORD, LOG_IN, LOG_OUT = "Username", "Password", "Log in", "Log out"  # CONTRACT.md 2.3, by accessible name

Hidden = Literal["own", "none"]  # the login form's hidden fields: as the page gives them, or left out


@dataclass(frozen=True)
class SetCookie:
    """One Set-Cookie header, without its value."""

    name: str
    secure: bool
    http_only: bool
    same_site: str | None  # as sent ("Lax", "Strict", "None"), or None without the attribute
    clears: bool  # it deletes the cookie (an empty value, Max-Age=0 or an expiry in 1970)

    def shown(self) -> dict[str, object]:
        return {"name": self.name, "Secure": self.secure, "HttpOnly": self.http_only, "SameSite": self.same_site, "deletes it": self.clears}

    def flag_problems(self) -> list[str]:
        """What SEC-14 misses in this cookie: empty when it is Secure, HttpOnly and SameSite=Lax or Strict."""
        problems = [] if self.secure else ["no Secure"]
        problems += [] if self.http_only else ["no HttpOnly"]
        if (self.same_site or "").lower() not in ("lax", "strict"):
            problems.append(f"SameSite={self.same_site}" if self.same_site else "no SameSite")
        return problems


def parse_set_cookie(header: str) -> SetCookie:
    """A Set-Cookie header's name and attributes (RFC 6265 5.2: attribute names case-insensitive)."""
    pair, *attributes = header.split(";")
    name, _, value = pair.partition("=")
    attrs: dict[str, str] = {}
    for attribute in attributes:
        key, _, val = attribute.strip().partition("=")
        attrs[key.strip().lower()] = val.strip()
    max_age = attrs.get("max-age", "")
    clears = not value.strip().strip('"') or (max_age.lstrip("-").isdigit() and int(max_age) <= 0) or "1970" in attrs.get("expires", "")
    return SetCookie(name.strip(), "secure" in attrs, "httponly" in attrs, attrs.get("samesite") or None, clears)


def set_cookies(response: requests.Response) -> list[SetCookie]:
    """Every Set-Cookie of `response` and of the redirects that led to it, in order."""
    found = []
    for each in (*response.history, response):
        headers = getattr(each.raw, "headers", None)
        values = headers.getlist("Set-Cookie") if headers is not None and hasattr(headers, "getlist") else []
        found += [parse_set_cookie(v) for v in values]
    return found


def is_tab(response: requests.Response, tab_url: str) -> bool:
    """The answer is the logged-in tab itself: 200 at the tab's address, not a login form."""
    if response.status_code != 200 or response.url != tab_url:
        return False
    try:
        accessible.field(BeautifulSoup(response.text, "html.parser"), PASSWORD)
    except accessible.ControlNotFound:
        return True
    return False


class TabClient:
    """One browser's worth of the tab over HTTP: its own cookie jar, forms filled as a person fills
    them, and every Set-Cookie it received (`received`), without values."""

    def __init__(self, backend_url: str, site_id: int, ca_path: Path | str | None, secrets_: Iterable[str] = ()) -> None:
        self.backend_url = backend_url.rstrip("/")
        self.url = self.backend_url + TAB_PATH.format(site_id=site_id)
        self.ca_path = ca_path
        self.secrets = list(secrets_)
        self.http = RecordingSession(secrets=self.secrets)
        self.http.verify = str(ca_path) if ca_path else True
        self.received: list[SetCookie] = []

    def for_site(self, site_id: int) -> TabClient:
        """A new client (an empty cookie jar) for another site's tab on the same backend."""
        return TabClient(self.backend_url, site_id, self.ca_path, self.secrets)

    def _seen(self, response: requests.Response) -> requests.Response:
        self.received += set_cookies(response)
        self.http.take_exchanges()  # never kept: they hold cookie values
        return response

    def get(self, url: str) -> requests.Response:
        return self._seen(self.http.get(url))

    def login_page(self) -> requests.Response:
        """The login form, as an anonymous visitor to the tab is sent to it. Fetched by a cookie-less
        request first (a logged-in visitor would see the tab), then by this client, with its cookies."""
        anonymous = requests.get(self.url, verify=self.http.verify, timeout=self.http.timeout)
        assert not is_tab(anonymous, self.url), "the tab opened without a login (SEC-7)"
        page = self.get(anonymous.url)
        assert page.status_code == 200, f"the login page answered {page.status_code}"
        return page

    def hidden_fields(self) -> list[tuple[str, str]]:
        """The hidden fields of the login form this client is given (its anti-CSRF token among them)."""
        page = self.login_page()
        soup = BeautifulSoup(page.text, "html.parser")
        form = accessible.form_of(accessible.button(soup, LOG_IN))
        return [(str(i["name"]), str(i.get("value") or "")) for i in form.find_all("input", attrs={"type": "hidden"}) if isinstance(i, Tag) and i.get("name")]

    def log_in(self, username: str, password: str, hidden: Hidden | list[tuple[str, str]] = "own") -> requests.Response:
        """The login form filled and submitted; `hidden` says what of its hidden fields is sent: "own"
        (as the page gives them), "none", or the given ones (another visitor's) in their place."""
        page = self.login_page()
        soup = BeautifulSoup(page.text, "html.parser")
        pressed = accessible.button(soup, LOG_IN)
        form = accessible.form_of(pressed)
        values = {str(accessible.field(soup, USERNAME, form)["name"]): username, str(accessible.field(soup, PASSWORD, form)["name"]): password}
        data = accessible.submission(form, pressed, values)
        if hidden != "own":
            names = {str(i["name"]) for i in form.find_all("input", attrs={"type": "hidden"}) if isinstance(i, Tag) and i.get("name")}
            data = [(n, v) for n, v in data if n not in names] + ([] if hidden == "none" else list(hidden))
        action = urljoin(page.url, str(form.get("action") or page.url))
        return self._seen(self.http.post(action, data=data, headers={"Referer": page.url}))

    def opens_tab(self) -> bool:
        return is_tab(self.get(self.url), self.url)

    def log_out(self) -> requests.Response:
        """The tab's "Log out" button pressed: its form submitted as a browser submits it."""
        page = self.get(self.url)
        assert is_tab(page, self.url), f"not on the tab to log out (it answered {page.status_code} at {page.url})"
        soup = BeautifulSoup(page.text, "html.parser")
        pressed = accessible.button(soup, LOG_OUT)
        form = accessible.form_of(pressed)
        action = urljoin(page.url, str(form.get("action") or page.url))
        method = str(form.get("method") or "get").lower()
        data = accessible.submission(form, pressed, {})
        answer = self.http.post(action, data=data, headers={"Referer": page.url}) if method == "post" else self.http.get(action, params=data)
        return self._seen(answer)

    def cookies(self) -> dict[str, str]:
        """{name: value} of the cookies this client holds (secrets: for replaying only)."""
        return {c.name: c.value or "" for c in self.http.cookies}

    def plant(self, values: Mapping[str, str], like: TabClient) -> None:
        """Cookies of the given values put in this client's jar, each as `like` holds a cookie of that
        name (its domain and path): a visitor's browser holding identifiers someone else chose."""
        for cookie in like.http.cookies:
            if cookie.name in values:
                planted: Cookie = copy.copy(cookie)
                planted.value = values[cookie.name]
                self.http.cookies.set_cookie(planted)

    def replay_opens_tab(self, cookies: Mapping[str, str]) -> bool:
        """Whether these cookies alone, sent by another client that holds nothing else, open the tab."""
        header = "; ".join(f"{name}={value}" for name, value in cookies.items())
        answer = requests.get(self.url, headers={"Cookie": header}, verify=self.http.verify, timeout=self.http.timeout, allow_redirects=True)
        return is_tab(answer, self.url)

    def session_cookie_names(self) -> list[str]:
        """The cookies this logged-in client holds without which the tab sends it to log in."""
        held = self.cookies()
        assert self.replay_opens_tab(held), "the tab does not open with this client's cookies: not logged in"
        needed = [name for name in held if not self.replay_opens_tab({n: v for n, v in held.items() if n != name})]
        assert needed, f"the tab opens without any one of its cookies ({', '.join(held) or 'none'}): none holds the session alone"
        return needed


def made_up_like(value: str) -> str:
    """A value shaped like `value` (its length, letters and digits, or URL-safe base64) that no backend issued."""
    alphabet = string.ascii_lowercase + string.digits if value.isalnum() and value.lower() == value else string.ascii_letters + string.digits + "-_"
    return "".join(secrets.choice(alphabet) for _ in range(max(len(value), 32)))
