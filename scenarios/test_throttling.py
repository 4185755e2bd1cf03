"""Throttling (OPS-4, SEC-13): a key over the API's rate is answered 429 with Retry-After and waits
alone; a username whose failed logins reached the rate waits too, even with its right password,
and under every form of the name that logs into the same account (SEC-13 counts by account).
The rates are those the harness gives the backend (CONTRACT.md 2.1). Each test throttles a fresh
tenant of its own, so that the run's tenant, the bystander and the tests after it are untouched."""

from __future__ import annotations

import functools
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import Page, Request, Response

from harness.clients.backend import BackendClient
from harness.clients.tab import ContentTypesTab, goto, on_login_page, shows_badge
from harness.clients.tab import log_in as fill_in_and_log_in
from harness.generate.structures import structure, timestamp
from harness.judge.observed import observed
from harness.spec.status import incomplete
from harness.stack.config import Rate

SENDERS = 8
ROOM = 3  # seconds a throttled key must still wait for a test to act inside the same window


@pytest.fixture
def igny8_rates(request, igny8_backend_target):
    """The backend's rates, as the harness set them; NOT APPLICABLE where it did not."""
    if igny8_backend_target.rates is None:
        incomplete(request.node, "the harness did not set this backend's rates (a backend it does not start): the throttle's bounds are unknown")
    return igny8_backend_target.rates


def no_op(client: BackendClient) -> requests.Response:
    return client.call("POST", f"{client.integration_id}/test-connection/", retry_throttled=False)


def burst(client: BackendClient, count: int) -> tuple[list[requests.Response], list[requests.Response]]:
    """Up to `count` no-op requests of `client`'s key, SENDERS at a time, none sent after the first
    429 is answered; (every answer, the 429s)."""
    refused: list[requests.Response] = []

    def send(_: int) -> requests.Response | None:
        if refused:
            return None  # the key is throttled: the burst is over
        answer = no_op(client)
        if answer.status_code == 429:
            refused.append(answer)
        return answer

    with ThreadPoolExecutor(SENDERS) as pool:
        answers = [a for a in pool.map(send, range(count)) if a is not None]
    return answers, refused


def burst_until_throttled(client: BackendClient, rate: Rate) -> requests.Response:
    """A burst of `client`'s key until one request is answered 429, and then no more: the test acts
    inside the window that 429 opened, which must still have ROOM seconds left. Sending the rest of
    the burst first would spend that window (on a busy machine, all of it). Fails when twice the
    rate, sent within one window, is never refused."""
    for _ in range(3):
        started = time.monotonic()
        answers, refused = burst(client, 2 * rate.requests + 1)
        took = time.monotonic() - started
        assert refused or took > rate.seconds, (
            f"{len(answers)} requests of one key in {took:.1f} s, over a rate of {rate}: none was answered 429 "
            f"(answers: {sorted({a.status_code for a in answers})})"
        )
        last = refused[-1] if refused else None
        if last is not None and last.headers.get("Retry-After", "").isdigit() and int(last.headers["Retry-After"]) < ROOM:
            time.sleep(int(last.headers["Retry-After"]))  # too close to the window's end to act inside it
            continue
        if last is not None:
            return last
    pytest.fail(f"could not keep one key throttled long enough to look ({rate})")


def assert_throttled(answer: requests.Response, rate: Rate) -> int:
    assert answer.status_code == 429, f"expected 429, got {answer.status_code}: {answer.text[:300]}"
    assert answer.headers.get("Content-Type", "").startswith("application/json"), f"a 429 answered {answer.headers.get('Content-Type')}"
    assert answer.json()["error"]["code"] == "throttled", answer.json()
    wait = answer.headers.get("Retry-After", "")
    assert wait.isdigit() and 1 <= int(wait) <= rate.seconds, f"Retry-After {wait!r}: not whole seconds within the rate's window of {rate.seconds} s"
    return int(wait)


@pytest.mark.requirement("OPS-4", "ERR-4", case="negative")
def test_a_key_over_its_rate_is_told_to_wait_and_its_update_changes_nothing(igny8_new_tenant, igny8_observer, igny8_rates, igny8_evidence):
    busy = igny8_new_tenant("igny8 busy")
    assert busy.connect().status_code == 200
    before = observed(busy, igny8_observer)  # before the burst: reading back is a request too, which would wait
    first = burst_until_throttled(busy, igny8_rates.api)
    igny8_evidence.json("the first 429", {"Retry-After": first.headers.get("Retry-After"), "body": first.json()})
    assert_throttled(first, igny8_rates.api)
    update = busy.call("POST", f"{busy.integration_id}/update-structure/", retry_throttled=False, json=structure(generated_at=timestamp()))
    assert_throttled(update, igny8_rates.api)
    assert observed(busy, igny8_observer) == before, "a throttled update-structure changed the integration"


@pytest.mark.requirement("OPS-4")
def test_another_key_and_health_are_answered_while_one_waits_and_it_is_answered_after(igny8_new_tenant, igny8_rates, igny8_evidence):
    busy, calm = igny8_new_tenant("igny8 busy"), igny8_new_tenant("igny8 calm")
    assert busy.connect().status_code == calm.connect().status_code == 200
    wait = assert_throttled(burst_until_throttled(busy, igny8_rates.api), igny8_rates.api)
    other = no_op(calm)
    health = busy.health()
    igny8_evidence.json("while one key waits", {"other key": other.status_code, "health": health.status_code, "Retry-After": wait})
    assert other.status_code == 200, f"another tenant's key was answered {other.status_code} while one key was throttled"
    assert health.status_code == 200, f"the anonymous health check was answered {health.status_code} while one key was throttled"
    time.sleep(wait)
    again = no_op(busy)
    assert again.status_code == 200, f"after waiting the {wait} s Retry-After said, the key was answered {again.status_code}"


ANSWER_SECONDS = 30.0  # for the login POST's answer, as Playwright's default wait
LOGIN_TRIES = 3  # of a POST the host's network change dropped before it reached the backend
PROXY_LOGS_AFTER = 2.0  # seconds the proxy is given to log a request its client left (499)
LogIn = Callable[[Page, str, str, str], Response]


@pytest.fixture
def log_in(igny8_backend_target) -> LogIn:
    """log_in(page, tab_url, username, password) -> the answer to the login form's POST (submit_login)."""
    return functools.partial(submit_login, proxied=getattr(igny8_backend_target, "proxied", None))


def submit_login(page: Page, tab_url: str, username: str, password: str, proxied: Callable[[str, str, float], int] | None) -> Response:
    """The login form as a person fills it; the answer to its POST. Chromium drops a request under
    way when the host's network changes (net::ERR_NETWORK_CHANGED, as another stack starts): a CI run
    of 72efb93 lost a login POST so, and its proxy's log showed that the POST never arrived. A
    dropped POST is sent again only when the backend's proxy logged no such request since it was
    sent (Stack.proxied): one that arrived may have been counted toward the rate under test. Where
    the proxy's log cannot be read, a dropped POST fails the test, saying what Chromium reported."""
    for _ in range(LOGIN_TRIES):
        sent_at, answers, failures = send_login(page, tab_url, username, password)
        if answers:
            return answers[0]
        if not failures:
            raise AssertionError(f"the login form's POST got no answer within {ANSWER_SECONDS:.0f} s")
        dropped = f"the login form's POST got no answer: Chromium reported {failures[0].failure}"
        if "ERR_NETWORK_CHANGED" not in (failures[0].failure or "") or proxied is None:
            raise AssertionError(dropped)
        time.sleep(PROXY_LOGS_AFTER)
        target = urlsplit(failures[0].url)
        if proxied("POST", target.path + (f"?{target.query}" if target.query else ""), sent_at):
            raise AssertionError(f"{dropped}, after the backend's proxy had it: sent again, it might count twice")
    raise AssertionError(f"the login form's POST was dropped {LOGIN_TRIES} times before it reached the backend (net::ERR_NETWORK_CHANGED)")


def send_login(page: Page, tab_url: str, username: str, password: str) -> tuple[float, list[Response], list[Request]]:
    """The form filled and sent once: when (seconds since the epoch, after the form's page loaded and
    so after any earlier POST was logged), the answers to its POST and the POSTs Chromium reported
    failed, once either came or ANSWER_SECONDS passed."""
    goto(page, tab_url)
    answers: list[Response] = []
    failures: list[Request] = []

    def answered(response: Response) -> None:
        if response.request.method == "POST":
            answers.append(response)

    def failed(request: Request) -> None:
        if request.method == "POST":
            failures.append(request)

    page.on("response", answered)
    page.on("requestfailed", failed)
    sent_at = time.time()
    try:
        fill_in_and_log_in(page, username, password)
        deadline = time.monotonic() + ANSWER_SECONDS
        while not answers and not failures and time.monotonic() < deadline:
            page.wait_for_timeout(50)  # Playwright delivers its events while it waits
    finally:
        page.remove_listener("response", answered)
        page.remove_listener("requestfailed", failed)
    return sent_at, answers, failures


@pytest.mark.requirement("SEC-13", case="negative")
def test_a_username_whose_failed_logins_reached_the_rate_waits_even_with_its_password(
    page, log_in, igny8_backend_target, igny8_new_tenant, igny8_rates, igny8_evidence
):
    tenant = igny8_new_tenant("igny8 guessed").tenant
    tab = ContentTypesTab(page, igny8_backend_target.backend_url, tenant.site_id)
    failed = [log_in(page, tab.url, tenant.username, "not-the-password").status for _ in range(igny8_rates.login.requests)]
    answer = log_in(page, tab.url, tenant.username, tenant.password)
    igny8_evidence.json("logins", {"failed": failed, "then the right password": answer.status, "Retry-After": answer.headers.get("retry-after")})
    assert answer.status == 429, f"after {len(failed)} failed logins, the right password was answered {answer.status}"
    wait = answer.headers.get("retry-after", "")
    assert wait.isdigit() and 1 <= int(wait) <= igny8_rates.login.seconds, f"Retry-After {wait!r}"
    goto(page, tab.url)
    assert on_login_page(page), "a login answered 429 logged the user in all the same"


@pytest.mark.requirement("SEC-13")
def test_while_one_username_waits_another_one_failure_short_of_the_rate_logs_in(page, log_in, new_context, igny8_backend_target, igny8_new_tenant, igny8_rates):
    guessed, forgetful = igny8_new_tenant("igny8 guessed").tenant, igny8_new_tenant("igny8 forgetful").tenant
    url = igny8_backend_target.backend_url
    for _ in range(igny8_rates.login.requests):
        log_in(page, ContentTypesTab(page, url, guessed.site_id).url, guessed.username, "not-the-password")
    other = new_context().new_page()
    tab = ContentTypesTab(other, url, forgetful.site_id)
    for _ in range(igny8_rates.login.requests - 1):
        log_in(other, tab.url, forgetful.username, "not-the-password")
    tab.open_as(forgetful.username, forgetful.password)
    assert shows_badge(other), "a user one failed login short of the rate could not log in, while another username waited"


def other_forms(username: str) -> dict[str, str]:
    """{what: form} of `username` other than itself that a login might take for the same account:
    cases, spaces around it, fullwidth letters and digits (U+FF01..FF5E, whose compatibility form
    is ASCII), and its composed and decomposed Unicode forms. Which of them a backend accepts is its
    own business: SEC-13 says only that whichever reach the account wait with it."""
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in username)
    forms = {
        "upper case": username.upper(),
        "lower case": username.lower(),
        "spaces around it": f"  {username} ",
        "fullwidth letters and digits": fullwidth,
        "fullwidth, upper case": fullwidth.upper(),
        "composed (NFC)": unicodedata.normalize("NFC", username),
        "decomposed (NFD)": unicodedata.normalize("NFD", username),
    }
    kept: dict[str, str] = {}
    for what, form in forms.items():
        if form != username and form not in kept.values():
            kept[what] = form
    return kept


def fail_logins_up_to_the_rate(log_in: LogIn, page: Page, tab_url: str, username: str, rate: Rate) -> float:
    """`rate.requests` failed logins for `username`; when the first was sent (time.monotonic())."""
    started = time.monotonic()
    for _ in range(rate.requests):
        log_in(page, tab_url, username, "not-the-password")
    return started


@pytest.mark.requirement("SEC-13", case="negative")
def test_a_username_that_waits_waits_under_every_form_of_the_name(page, log_in, igny8_backend_target, igny8_new_tenant, igny8_rates, igny8_evidence):
    tenant = igny8_new_tenant("igny8 respelled").tenant
    tab = ContentTypesTab(page, igny8_backend_target.backend_url, tenant.site_id)
    started = fail_logins_up_to_the_rate(log_in, page, tab.url, tenant.username, igny8_rates.login)
    seen: dict[str, dict[str, object]] = {}
    for what, form in other_forms(tenant.username).items():
        if time.monotonic() - started >= igny8_rates.login.seconds - ROOM:
            pytest.fail(f"the forms of the name could not all be tried within the {igny8_rates.login.seconds} s the wait lasts at least")
        answer = log_in(page, tab.url, form, tenant.password)
        goto(page, tab.url)
        seen[what] = {"form": form, "answer": answer.status, "Retry-After": answer.headers.get("retry-after"), "then the tab": not on_login_page(page)}
        if seen[what]["then the tab"]:
            break  # logged in: the forms after it would find the session, not the throttle
    igny8_evidence.json("the right password under other forms of a name that waits", seen)
    let_in = [what for what, each in seen.items() if each["then the tab"]]
    assert not let_in, (
        f"after {igny8_rates.login.requests} failed logins for {tenant.username!r}, its right password under another form of the name "
        f"({let_in[0]}: {seen[let_in[0]]['form']!r}, answered {seen[let_in[0]]['answer']}) logged into the account, which must wait"
    )


@pytest.mark.requirement("SEC-13", case="positive")
def test_while_a_username_waits_under_every_form_of_it_a_look_alike_one_logs_in(page, log_in, new_context, igny8_backend_target, igny8_new_tenant, igny8_rates):
    """Two tenants made alike ("igny8 respelled <6 hex digits>"): failures under every form of one's
    name hold back neither the other's name nor its login."""
    guessed, neighbour = igny8_new_tenant("igny8 respelled").tenant, igny8_new_tenant("igny8 respelled").tenant
    url = igny8_backend_target.backend_url
    guessed_tab = ContentTypesTab(page, url, guessed.site_id).url
    fail_logins_up_to_the_rate(log_in, page, guessed_tab, guessed.username, igny8_rates.login)
    for form in other_forms(guessed.username).values():
        log_in(page, guessed_tab, form, "not-the-password")
    other = new_context().new_page()
    tab = ContentTypesTab(other, url, neighbour.site_id).open_as(neighbour.username, neighbour.password)
    assert tab.redirected_to_login and shows_badge(other), (
        f"while {guessed.username!r} waited, {neighbour.username!r}, another account, could not log in with its right password"
    )
