"""The tab's session, from OWASP ASVS (issue #36): its cookies are Secure, HttpOnly and SameSite
(SEC-14), a login issues a new session identifier whatever the browser held (SEC-15), logging out
ends the session on the backend, not only in the browser (SEC-16), and the login form refuses a POST
without its anti-CSRF token (SEC-17).

Over HTTPS through the stack's proxy, by `harness.clients.tab_session`: the session cookies are
those without which the tab sends the visitor to log in, whatever the backend names them. Each test
logs in as tenants of its own, so that no login here counts toward another test's throttle (SEC-13).
Evidence holds cookie names and attributes, never values."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from harness.clients.tab import ContentTypesTab
from harness.clients.tab_session import TabClient, made_up_like
from harness.stack.tenants import Tenant


@pytest.fixture
def tab_user(igny8_new_tenant) -> Callable[[str], Tenant]:
    """new(account) -> a new tenant, with the user that logs in to its tab."""

    def new(account: str) -> Tenant:
        tenant = igny8_new_tenant(account).tenant
        assert tenant.username and tenant.password, "the backend's seed command made no user for the tab"
        return tenant

    return new


@pytest.fixture
def tab_client(igny8_backend_target) -> Callable[[Tenant], TabClient]:
    """client(tenant) -> an HTTP client with an empty cookie jar, for that tenant's tab."""

    def client(tenant: Tenant) -> TabClient:
        return TabClient(igny8_backend_target.backend_url, tenant.site_id, igny8_backend_target.ca_path, [*igny8_backend_target.secret_values, *tenant.secrets])

    return client


def logged_in(client: TabClient, tenant: Tenant) -> TabClient:
    client.log_in(str(tenant.username), str(tenant.password))
    assert client.opens_tab(), f"{tenant.username!r} could not log in to its tab with its right password"
    return client


# ---- SEC-14: the session cookie's attributes ------------------------------------------------------


@pytest.mark.requirement("SEC-14")
def test_the_session_cookie_is_set_secure_httponly_and_samesite(tab_user, tab_client, igny8_evidence):
    tenant = tab_user("igny8 cookie flags")
    client = logged_in(tab_client(tenant), tenant)
    names = client.session_cookie_names()
    setting = [c for c in client.received if c.name in names and not c.clears]
    seen = {"session cookies": names, "Set-Cookie": [c.shown() for c in setting]}
    igny8_evidence.json("the session cookies, as set (names and attributes; never values)", seen)
    assert {c.name for c in setting} == set(names), f"no Set-Cookie from the login page to the tab set {sorted(set(names) - {c.name for c in setting})}"
    lacking = {c.name: c.flag_problems() for c in setting if c.flag_problems()}
    assert not lacking, f"the tab's session cookie is set without what SEC-14 asks: {lacking}"


@pytest.mark.requirement("SEC-14", case="negative")
def test_a_script_on_the_tab_cannot_read_the_session_cookie(page, tab_user, tab_client, igny8_backend_target, igny8_evidence):
    """What a script an attacker got onto the page would try: document.cookie must not hold the
    session; and the browser keeps the cookie for HTTPS and same-site requests only."""
    tenant = tab_user("igny8 cookie script")
    names = logged_in(tab_client(tenant), tenant).session_cookie_names()  # what the session cookies are called here
    ContentTypesTab(page, igny8_backend_target.backend_url, tenant.site_id).open_as(str(tenant.username), str(tenant.password))
    readable = {part.split("=", 1)[0].strip() for part in str(page.evaluate("document.cookie")).split(";") if part.strip()}
    kept = {c["name"]: c for c in page.context.cookies() if c["name"] in names}
    shown = {name: {"Secure": c["secure"], "HttpOnly": c["httpOnly"], "SameSite": c["sameSite"]} for name, c in kept.items()}
    seen = {"session cookies": names, "readable by a script": sorted(readable), "kept": shown}
    igny8_evidence.json("in the browser (names and attributes; never values)", seen)
    assert set(kept) == set(names), f"the browser holds no {sorted(set(names) - set(kept))} after logging in"
    assert not readable & set(names), f"a script on the tab reads the session cookie {sorted(readable & set(names))} (document.cookie)"
    loose = {n: s for n, s in shown.items() if not s["Secure"] or s["SameSite"] not in ("Lax", "Strict")}
    assert not loose, f"the browser would send the session cookie over plain HTTP or cross-site: {loose}"


# ---- SEC-15: a login issues a new session identifier ----------------------------------------------


@pytest.mark.requirement("SEC-15")
def test_a_login_replaces_the_session_the_browser_held(tab_user, tab_client, igny8_evidence):
    """A browser that holds another account's session (someone else's, planted in it, or a shared
    computer's) and its login page's anonymous session: after the login, neither identifier is the
    one it holds, and neither opens the tab of the account that logged in."""
    earlier, victim = tab_user("igny8 fixation earlier"), tab_user("igny8 fixation victim")
    first = logged_in(tab_client(earlier), earlier)
    names = first.session_cookie_names()
    browser = tab_client(victim)
    browser.plant({n: v for n, v in first.cookies().items() if n in names}, like=first)
    browser.login_page()  # the login page may give an anonymous session of its own
    before = {n: v for n, v in browser.cookies().items() if n in names}
    logged_in(browser, victim)
    after = {n: v for n, v in browser.cookies().items() if n in names}
    kept = sorted(n for n in names if n in before and after.get(n) == before[n])
    replayed = browser.replay_opens_tab(before)
    seen = {"session cookies": names, "the same after the login": kept, "the earlier ones open the tab": replayed}
    igny8_evidence.json("session cookies around the login", seen)
    assert not kept, f"after the login the browser still holds the session cookie it held before: {kept} (session fixation)"
    assert not replayed, "the session cookies held before the login, replayed alone, open the tab of the account that logged in"


@pytest.mark.requirement("SEC-15", case="negative")
def test_a_session_identifier_the_backend_never_issued_is_not_adopted(tab_user, tab_client, igny8_evidence):
    """The classic fixation: the attacker chooses an identifier, gets it into the victim's browser,
    and waits for the login. The backend must issue its own."""
    victim = tab_user("igny8 fixation planted")
    scratch = logged_in(tab_client(victim), victim)  # to learn the session cookies' names and shape
    names = scratch.session_cookie_names()
    chosen = {n: made_up_like(v) for n, v in scratch.cookies().items() if n in names}
    browser = tab_client(victim)
    browser.plant(chosen, like=scratch)
    logged_in(browser, victim)
    adopted = sorted(n for n, v in chosen.items() if browser.cookies().get(n) == v)
    replayed = browser.replay_opens_tab(chosen)
    igny8_evidence.json("identifiers chosen by the harness", {"session cookies": names, "adopted": adopted, "they open the tab": replayed})
    assert not adopted, f"the backend kept, after the login, the session identifier the browser was given before it: {adopted}"
    assert not replayed, "the identifiers the harness made up open the tab after the victim logged in with them"


# ---- SEC-16: logging out ends the session on the backend ------------------------------------------


@pytest.mark.requirement("SEC-16")
def test_a_copied_session_opens_the_tab_until_logout_which_sends_the_browser_to_log_in(tab_user, tab_client, igny8_evidence):
    tenant = tab_user("igny8 logout")
    browser = logged_in(tab_client(tenant), tenant)
    session = {n: v for n, v in browser.cookies().items() if n in browser.session_cookie_names()}
    opened = browser.replay_opens_tab(session)
    answer = browser.log_out()
    still = browser.opens_tab()
    seen = {"session cookies": sorted(session), "a copy opens the tab before": opened, "logout answered": answer.status_code, "then the tab": still}
    igny8_evidence.json("logout", seen)
    assert opened, "the session cookies, replayed by another client while the session lasts, do not open the tab"
    assert answer.status_code < 400, f"the Log out button's form answered {answer.status_code}"
    assert not still, "after Log out, the browser still opens the tab"


@pytest.mark.requirement("SEC-16", case="negative")
def test_a_session_cookie_replayed_after_logout_does_not_open_the_tab(tab_user, tab_client, igny8_evidence):
    """A cookie copied before the logout (from a shared computer, a proxy's log, a stolen backup)
    must be worth nothing after it: logging out that only deletes the cookie in the browser leaves
    the session open on the backend."""
    tenant = tab_user("igny8 logout replay")
    browser = logged_in(tab_client(tenant), tenant)
    session = {n: v for n, v in browser.cookies().items() if n in browser.session_cookie_names()}
    assert browser.replay_opens_tab(session), "the session cookies, replayed by another client, do not open the tab even before logging out"
    browser.log_out()
    replayed = browser.replay_opens_tab(session)
    igny8_evidence.json("after logout", {"session cookies": sorted(session), "a copy taken before opens the tab": replayed})
    assert not replayed, "after Log out, the session cookie held before it, replayed, still opens the tab: the session was not ended on the backend"


# ---- SEC-17: the login form's anti-CSRF token ------------------------------------------------------


@pytest.mark.requirement("SEC-17")
def test_the_login_form_posted_as_the_page_gives_it_logs_in(tab_user, tab_client):
    tenant = tab_user("igny8 csrf form")
    client = tab_client(tenant)
    answer = client.log_in(str(tenant.username), str(tenant.password), hidden="own")
    assert client.opens_tab(), f"the login form, posted with its own hidden fields and the right password, did not log in (it answered {answer.status_code})"


@pytest.mark.requirement("SEC-17", case="negative")
def test_a_login_post_without_its_token_or_with_another_visitors_logs_nobody_in(tab_user, tab_client, igny8_evidence):
    """Login CSRF: another site's page posts the login form with the attacker's credentials, so that
    the victim works in the attacker's account. Here with the right password, so only the token is
    wrong: left out, then another visitor's (what an attacker fetches for himself)."""
    tenant = tab_user("igny8 csrf")
    client = tab_client(tenant)
    without = client.log_in(str(tenant.username), str(tenant.password), hidden="none")
    in_without = client.opens_tab()
    foreign = client.log_in(str(tenant.username), str(tenant.password), hidden=tab_client(tenant).hidden_fields())
    in_foreign = client.opens_tab()
    seen = {"without the hidden fields": [without.status_code, in_without], "with another visitor's": [foreign.status_code, in_foreign]}
    igny8_evidence.json("login posts (answer, then logged in)", seen)
    assert not in_without, f"a login POST without the form's hidden fields (its anti-CSRF token) logged in (answered {without.status_code})"
    assert not in_foreign, f"a login POST with another visitor's anti-CSRF token logged in (answered {foreign.status_code})"
    logged_in(client, tenant)  # the same client, with its own token: what the refusals refused was the token alone
