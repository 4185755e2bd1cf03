"""WordPress as the harness drives it: wp-admin as a person would (logged in, following redirects),
and the test-control must-use plugin, which shapes the site through WordPress's own API and never
touches an option of the plugin under test (spec/CONTRACT.md, 1.5)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from bs4 import BeautifulSoup

from harness.clients.http import RecordingSession

if TYPE_CHECKING:
    from harness.stack.stack import Stack

CONTROL = "/?rest_route=/igny8-test/v1"  # works without pretty permalinks
STRUCTURE_HOOK = "igny8_sync_site_structure"  # the design note's daily event (CRON-1)


class WordPressError(AssertionError):
    pass


class ExtraPluginRefused(ValueError):
    """WordPress would not activate a third-party plugin on the stack (--with-plugin): the run cannot
    test the site it names. Bad input, not a failed check (so not an AssertionError)."""


EXTRA_PLUGIN_REFUSED = "igny8tc_extra_plugin"  # the test control's error code for it
SETTLE_MAX_RUNS = 40  # wp-cron.php requests before pending work counts as never finishing: a 4000-post backfill at 100 a batch, 10 a run
WP_CRON_TIMEOUT = 120  # seconds: wp-cron.php answers once every due event has run (WordPress's own update checks too)
# wp-admin's pages a plugin's first run redirects from (pass_first_run): the dashboard, where a login lands,
# and Plugins, where an administrator activates a plugin; and how many rounds of loading them it may take.
FIRST_RUN_PAGES = ("", "plugins.php")
FIRST_RUN_MAX_LOADS = 8


class WordPressClient:
    def __init__(self, base_url: str, user: str, password: str, control_token: str, secrets: Iterable[str] = ()) -> None:
        self.base_url = base_url.rstrip("/")
        self.user, self.password = user, password
        self.control_token = control_token
        self.secrets = [password, control_token, *secrets]
        self.http = RecordingSession(secrets=self.secrets)

    @classmethod
    def for_stack(cls, stack: Stack) -> WordPressClient:
        s = stack.secrets
        return cls(stack.urls.wordpress, stack.WP_ADMIN_USER, s.wp_admin_password, s.test_control_token, s.all())

    def as_user(self, login: str, password: str) -> WordPressClient:
        """Another account on the same site (not logged in yet)."""
        return WordPressClient(self.base_url, login, password, self.control_token, self.secrets)

    def anonymous(self) -> WordPressClient:
        """A visitor who is not logged in."""
        return WordPressClient(self.base_url, "", "", self.control_token, self.secrets)

    # ---- wp-admin, as a person uses it -----------------------------------------------------

    def login(self) -> requests.Response:
        self.http.get(f"{self.base_url}/wp-login.php")  # sets the test cookie, as a browser's first visit does
        response = self.http.post(
            f"{self.base_url}/wp-login.php",
            data={"log": self.user, "pwd": self.password, "wp-submit": "Log In", "testcookie": "1", "redirect_to": f"{self.base_url}/wp-admin/"},
        )
        if "wp-admin" not in response.url or 'id="login_error"' in response.text:
            raise WordPressError(f"wp-admin login failed for {self.user!r}: landed on {response.url}")
        return response

    def admin_get(self, path: str, grant_manage_options: bool = False) -> tuple[BeautifulSoup, requests.Response]:
        """A wp-admin page, as this user sees it. With the grant (test stacks only), the page is
        served as if the user could manage options, so that it holds forms with this user's nonces."""
        headers = {"X-Igny8-Test-Grant": self.control_token} if grant_manage_options else {}
        response = self.http.get(f"{self.base_url}/wp-admin/{path}", headers=headers)
        return BeautifulSoup(response.text, "html.parser"), response

    def post(self, url: str, data: list[tuple[str, str]]) -> requests.Response:
        return self.http.post(url, data=data)

    def pass_first_run(self, max_loads: int = FIRST_RUN_MAX_LOADS) -> list[str]:
        """wp-admin loaded once by its administrator, as a person does after activating plugins: a plugin's
        first-run redirect (a welcome page, a wizard) is followed, and so passed, until the dashboard and the
        Plugins screen load as themselves. In a session of its own (the caller's cookies and evidence are
        untouched). Returns the pages it was sent to, in order; WordPressError if wp-admin never settles."""
        visitor = self.as_user(self.user, self.password)
        landed = visitor.login()  # lands on the dashboard: the first page a plugin's first run redirects from
        sent_to = [_admin_path(landed.url)] if not _lands_on(landed.url, "") else []
        for _ in range(max_loads):
            moved = False
            for page in FIRST_RUN_PAGES:
                response = visitor.http.get(f"{self.base_url}/wp-admin/{page}")
                if not _lands_on(response.url, page):
                    sent_to.append(_admin_path(response.url))
                    moved = True
            if not moved:
                return sent_to
        raise WordPressError(f"wp-admin still sends its administrator elsewhere after {max_loads} loads of {FIRST_RUN_PAGES}: {sent_to[-4:]}")

    # ---- the test-control must-use plugin --------------------------------------------------

    def control(self, method: str, route: str, timeout: float | None = None, **body: Any) -> Any:
        """`timeout`: for the few routes that do long work (building a large site profile)."""
        response = self.http.request(
            method,
            f"{self.base_url}{CONTROL}{route}",
            json=body or None,
            headers={"X-Igny8-Test-Token": self.control_token},
            timeout=timeout or self.http.timeout,
        )
        if response.status_code >= 400:
            error = _error(response)
            if error.get("code") == EXTRA_PLUGIN_REFUSED:
                raise ExtraPluginRefused(f"WordPress refused a third-party plugin on the stack (--with-plugin): {error.get('message')}")
            raise WordPressError(f"test-control {route} answered {response.status_code}: {response.text[:500]}")
        return response.json()

    def state(self) -> dict[str, Any]:
        """WordPress's own view: versions, home URL, the plugin under test, igny8 cron events, post types and taxonomies."""
        state: dict[str, Any] = self.control("GET", "/state")
        return state

    def set_home_url(self, url: str) -> str:
        """Makes WordPress's home_url() (what a plugin sends as site_url, and /state's home_url) give `url`,
        an address WordPress may hold, non-ASCII included (https://bücher.example/); "" restores the
        stack's own. URLs built on it with a path, and the REST API's, keep the stack's host. A reset
        restores it too. Returns home_url() as WordPress now gives it."""
        if not isinstance(url, str):
            raise TypeError(f"a site address is a string, not {type(url).__name__}")
        home: str = self.control("POST", "/home-url", url=url)["home_url"]
        return home

    def reset(self) -> None:
        """Back to the site as installed, with the third-party plugins (--with-plugin) and then the plugin
        under test activated afresh; ExtraPluginRefused when WordPress refuses a third-party one."""
        self.control("POST", "/reset")

    def activate_extra_plugins(self) -> list[dict[str, Any]]:
        """Activates the third-party plugins not active yet; each as WordPress lists it (folder, file,
        name, version, active). ExtraPluginRefused, naming the plugin, when WordPress refuses one."""
        plugins: list[dict[str, Any]] = self.control("POST", "/extra-plugins")["extra_plugins"]
        return plugins

    def register(
        self, post_types: dict[str, Any] | None = None, taxonomies: dict[str, Any] | None = None, statuses: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Registers post types, taxonomies and post statuses ({slug: {label, public}}) at every request, until the next register or reset."""
        result: dict[str, Any] = self.control("POST", "/registry", post_types=post_types or {}, taxonomies=taxonomies or {}, statuses=statuses or {})
        return result

    def create_posts(self, items: list[dict[str, Any]]) -> list[int]:
        return [int(i) for i in self.control("POST", "/posts", items=items)["ids"]]

    def all_posts(self) -> dict[int, tuple[str, str]]:
        """Every post but revisions: {id: (post type, status)}."""
        return {int(i): (str(p[0]), str(p[1])) for i, p in self.control("GET", "/posts/all")["posts"].items()}

    def change_posts(self, ids: list[int], action: str) -> None:
        self.control("POST", "/posts/change", ids=ids, action=action)

    def create_terms(self, taxonomy: str, names: list[str]) -> list[int]:
        return [int(i) for i in self.control("POST", "/terms", taxonomy=taxonomy, names=names)["ids"]]

    def create_user(self, role: str) -> tuple[str, str]:
        """The harness's user of `role` (subscriber, editor...), with a fresh password: login and password."""
        made = self.control("POST", "/users", role=role)
        self.secrets.append(made["password"])
        self.http.secrets.append(made["password"])
        return str(made["login"]), str(made["password"])

    def run_cron(self, hook: str | None = None) -> list[str]:
        body: dict[str, Any] = {"hook": hook} if hook else {}
        return [str(h) for h in self.control("POST", "/cron/run", **body)["ran"]]

    def cron_events(self) -> list[dict[str, Any]]:
        """The igny8* WP-Cron events, as state()'s "cron" (a route of their own: settle() asks often)."""
        events: list[dict[str, Any]] = self.control("GET", "/cron")
        return events

    def make_due(self, hook: str) -> int:
        """Moves `hook`'s scheduled events, as they are, to a minute ago (nothing runs): the time they are due at."""
        return int(self.control("POST", "/cron/due", hook=hook)["due"])

    def take_cron_lock(self) -> str:
        """WP-Cron's lock, taken as spawn_cron() takes it before it requests wp-cron.php: its value."""
        return str(self.control("POST", "/cron/lock")["lock"])

    def wp_cron(self, lock: str | None = None) -> requests.Response:
        """WP-Cron itself: GET /wp-cron.php?doing_wp_cron, as a server's crontab requests it (wp-cron.php
        takes its own lock), or ?doing_wp_cron=<lock> with the lock taken first, as spawn_cron() requests
        it on a page load. Not logged in, as neither is. Under mod_php it answers once the due events ran."""
        anonymous = RecordingSession(self.secrets, timeout=WP_CRON_TIMEOUT)
        try:
            return anonymous.get(f"{self.base_url}/wp-cron.php?doing_wp_cron" + (f"={lock}" if lock else ""))
        finally:
            self.http.exchanges += anonymous.take_exchanges()  # the test's evidence

    def pending_work(self) -> list[dict[str, Any]]:
        """The plugin's single (not recurring) WP-Cron events: work it left for WP-Cron (content to send, a retry)."""
        return [e for e in self.cron_events() if not e["schedule"]]

    def settle(self, time_passes: bool = False, max_runs: int = SETTLE_MAX_RUNS) -> int:
        """Lets the plugin finish the work it left for WP-Cron, as a site's WP-Cron would: requests
        wp-cron.php while one of the plugin's single events is due (CONTRACT.md 1.4). With
        `time_passes`, the ones scheduled for later (a retry after its backoff) are made due once, first,
        as if their time had come. Returns the number of wp-cron.php requests; raises if work is still due
        after `max_runs` (a plugin that keeps rescheduling itself)."""
        if time_passes:
            for hook in sorted({e["hook"] for e in self.pending_work() if e["timestamp"] > time.time()}):
                self.make_due(hook)
        for runs in range(max_runs + 1):
            pending = self.pending_work()
            if not any(e["timestamp"] <= time.time() for e in pending):
                return runs
            if runs < max_runs:
                self.wp_cron()
        raise AssertionError(f"the plugin's WP-Cron work was still due after {max_runs} runs of wp-cron.php: {pending}")

    def set_plugin_active(self, active: bool) -> bool:
        return bool(self.control("POST", "/plugin", active=active)["active"])

    def options_added(self) -> list[str]:
        """The options stored since the site was installed, transients aside (by name only: never read)."""
        return [str(name) for name in self.control("GET", "/options/added")["options_added"]]

    def options_the_plugin_added(self) -> list[str]:
        """The options added by a call through the plugin under test's files since the site was reset,
        at its activation too (by name only: never read); WordPress's own and other plugins' are not among them."""
        return [str(name) for name in self.control("GET", "/options/added")["by_plugin"]]

    def uninstall_plugin(self) -> list[str]:
        """Uninstalls the plugin as deleting it in wp-admin does (its files stay for the next reset): the options added since install that remain."""
        return [str(name) for name in self.control("POST", "/plugin/uninstall")["options_added"]]

    def stored_anywhere(self, needle: str) -> list[str]:
        """The table.column places of the WordPress database that hold `needle`."""
        return [str(place) for place in self.control("POST", "/search", needle=needle)["found"]]

    def stored_matching(self, pattern: str) -> list[str]:
        """The table.column places of the WordPress database where the regular expression `pattern`
        (MariaDB's REGEXP, case-insensitive) matches: every form of a secret at once (harness.judge.secrets.pattern)."""
        return [str(place) for place in self.control("POST", "/search", pattern=pattern)["found"]]

    def ajax_actions(self) -> dict[str, list[str]]:
        """The plugin under test's admin-ajax actions, each with who may call it ("user", "visitor"),
        as admin-ajax.php itself registers them (the test control asks from there)."""
        response = self.http.get(f"{self.base_url}/wp-admin/admin-ajax.php?action=igny8tc_ajax_actions", headers={"X-Igny8-Test-Token": self.control_token})
        body = response.json()
        if not body.get("success"):
            raise WordPressError(f"the test control could not list admin-ajax actions: {response.status_code} {response.text[:200]}")
        return {str(k): [str(w) for w in v] for k, v in (body["data"] or {}).items()}

    def rest_get(self, route: str, as_user: bool = True) -> requests.Response:
        """A GET of a REST route, as this logged-in user (with the REST nonce WordPress gives it) or as a visitor."""
        if not as_user:
            return self.anonymous().http.get(f"{self.base_url}/?rest_route={route}")
        nonce = self.http.get(f"{self.base_url}/wp-admin/admin-ajax.php?action=rest-nonce").text.strip()
        return self.http.get(f"{self.base_url}/?rest_route={route}", headers={"X-WP-Nonce": nonce})

    def debug_log(self, lines: int = 200) -> list[str]:
        return [str(line) for line in self.control("GET", f"/debug-log&lines={lines}")["lines"]]

    def igny8_log_lines(self) -> list[str]:
        return [line for line in self.debug_log(500) if "[IGNY8]" in line]


def _admin_path(url: str) -> str:
    """A wp-admin URL as a person reads it in the address bar: its path under wp-admin/ and its query."""
    parts = urlsplit(url)
    path = parts.path.split("/wp-admin/", 1)[-1] if "/wp-admin/" in parts.path else parts.path
    return path + (f"?{parts.query}" if parts.query else "")


def _lands_on(url: str, page: str) -> bool:
    """Whether `url` is wp-admin's `page` ("" and "index.php" are both the dashboard), whatever its query."""
    path = urlsplit(url).path
    if "/wp-admin/" not in path:
        return False
    where = path.split("/wp-admin/", 1)[1]
    return where == page or (page in ("", "index.php") and where in ("", "index.php") and not urlsplit(url).query)


def _error(response: requests.Response) -> dict[str, Any]:
    """A WordPress REST error's {code, message, data}, or {} when the answer is not one."""
    try:
        error = response.json()
    except ValueError:
        return {}
    return error if isinstance(error, dict) else {}
