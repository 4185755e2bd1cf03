"""WordPress as the harness drives it: wp-admin as a person would, and the test-control plugin."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import requests
from bs4 import BeautifulSoup, Tag

from .http import RecordingSession

if TYPE_CHECKING:
    from ..stack.stack import Stack

CONTROL = "/?rest_route=/igny8-test/v1"  # works without pretty permalinks


class WordPressError(AssertionError):
    pass


class WordPressClient:
    def __init__(self, base_url: str, admin_user: str, admin_password: str, control_token: str, secrets: Iterable[str] = ()) -> None:
        self.base_url = base_url.rstrip("/")
        self.admin_user, self.admin_password = admin_user, admin_password
        self.http = RecordingSession(secrets=[admin_password, control_token, *secrets])
        self.control_token = control_token

    @classmethod
    def for_stack(cls, stack: Stack) -> WordPressClient:
        s = stack.secrets
        return cls(stack.urls.wordpress, stack.WP_ADMIN_USER, s.wp_admin_password, s.test_control_token, s.all())

    # ---- wp-admin, through its real forms ----------------------------------------------

    def login(self) -> requests.Response:
        self.http.get(f"{self.base_url}/wp-login.php")  # sets the test cookie, as a browser's first visit does
        response = self.http.post(
            f"{self.base_url}/wp-login.php",
            data={
                "log": self.admin_user,
                "pwd": self.admin_password,
                "wp-submit": "Log In",
                "testcookie": "1",
                "redirect_to": f"{self.base_url}/wp-admin/",
            },
        )
        if "wp-admin" not in response.url or 'id="login_error"' in response.text:
            raise WordPressError(f"wp-admin login failed for {self.admin_user!r}: landed on {response.url}")
        return response

    def admin_page(self, path: str = "options-general.php?page=igny8") -> tuple[BeautifulSoup, requests.Response]:
        response = self.http.get(f"{self.base_url}/wp-admin/{path}")
        response.raise_for_status()
        return BeautifulSoup(response.text, "html.parser"), response

    def submit_plugin_form(self, action: str, **fields: str) -> tuple[BeautifulSoup, requests.Response]:
        """Submits the settings page's form for `action` with its own nonce, as the browser would."""
        page, _ = self.admin_page()
        form = _form_with_action(page, action)
        data = {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}
        data.update(fields)
        response = self.http.post(urljoin(f"{self.base_url}/wp-admin/", str(form["action"])), data=data)
        return BeautifulSoup(response.text, "html.parser"), response

    def connect(self, backend_url: str, api_key: str) -> tuple[BeautifulSoup, requests.Response]:
        return self.submit_plugin_form("igny8_connect", igny8_backend_url=backend_url, igny8_api_key=api_key)

    @staticmethod
    def notice(page: BeautifulSoup) -> tuple[str | None, str | None]:
        node = page.find(id="igny8-notice")
        return (str(node["data-type"]), node.get_text(" ", strip=True)) if isinstance(node, Tag) else (None, None)

    # ---- the test-control must-use plugin -------------------------------------------------

    def control(self, method: str, route: str, **body: Any) -> Any:
        response = self.http.request(method, f"{self.base_url}{CONTROL}{route}", json=body or None, headers={"X-Igny8-Test-Token": self.control_token})
        if response.status_code >= 400:
            raise WordPressError(f"test-control {route} answered {response.status_code}: {response.text[:500]}")
        return response.json()

    def state(self) -> dict[str, Any]:
        return self.control("GET", "/state")

    def reset(self) -> Any:
        return self.control("POST", "/reset")

    def register(self, post_types: dict[str, Any] | None = None, taxonomies: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.control("POST", "/registry", post_types=post_types or {}, taxonomies=taxonomies or {})

    def create_posts(self, items: list[dict[str, Any]]) -> list[int]:
        return self.control("POST", "/posts", items=items)["ids"]

    def change_posts(self, ids: list[int], action: str) -> Any:
        return self.control("POST", "/posts/change", ids=ids, action=action)

    def create_terms(self, taxonomy: str, names: list[str]) -> list[int]:
        return self.control("POST", "/terms", taxonomy=taxonomy, names=names)["ids"]

    def run_cron(self, hook: str | None = None) -> list[str]:
        return self.control("POST", "/cron/run", **({"hook": hook} if hook else {}))["ran"]

    def set_plugin_active(self, active: bool) -> bool:
        return self.control("POST", "/plugin", active=active)["active"]

    def patch_settings(self, **settings: Any) -> Any:
        return self.control("POST", "/settings", settings=settings)

    def debug_log(self, lines: int = 200) -> list[str]:
        return self.control("GET", f"/debug-log&lines={lines}")["lines"]

    def igny8_log_lines(self) -> list[str]:
        return [line for line in self.debug_log(500) if "[IGNY8]" in line]


def _form_with_action(page: BeautifulSoup, action: str) -> Tag:
    for form in page.find_all("form"):
        if form.find("input", attrs={"name": "action", "value": action}):
            return form
    forms = [f.find("input", attrs={"name": "action"}) for f in page.find_all("form")]
    found = [i["value"] for i in forms if i]
    raise WordPressError(f"the IGNY8 settings page has no {action!r} form (forms found: {found or 'none'})")
