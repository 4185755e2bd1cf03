"""Operations in other states: a health endpoint must not say "ok" for a backend that cannot reach
its database (OPS-1), nor tell anyone which database it runs, up or down (OPS-3); the plugin must
activate, connect and sync without PHP warnings (OPS-2)."""

import re

import pytest

from harness.clients.wordpress import STRUCTURE_HOOK

DATABASE_PRODUCTS = re.compile(r"postgres(?:ql)?|mariadb|mysql|sqlite", re.I)


def database_named(text, server_version):
    """What of the database a text names: a product, or the version the database itself reports
    ("15.8 (Debian 15.8-0+deb12u1)": its number, "15.8", standing alone)."""
    found = sorted({m.group(0) for m in DATABASE_PRODUCTS.finditer(text)})
    number = (server_version or "").split(" ")[0]
    if number and re.search(rf"(?<![0-9.]){re.escape(number)}(?![0-9]|\.[0-9])", text):
        found.append(number)
    return found


@pytest.mark.requirement("OPS-1", case="negative")
@pytest.mark.requirement("OPS-3", case="negative")
def test_health_does_not_say_ok_when_the_database_is_gone(igny8_backend, igny8_stack, igny8_observer, igny8_evidence):
    server_version = igny8_observer.server_version() if igny8_observer else None
    with igny8_stack.faults.stopped("postgres"):
        response = igny8_backend.health()
    igny8_evidence.json("health with the database stopped", {"status": response.status_code, "body": response.text[:500]})
    says_ok = response.status_code == 200 and response.headers.get("Content-Type", "").startswith("application/json") and response.json().get("status") == "ok"
    assert not says_ok, "the health endpoint answered ok with its database stopped"
    named = database_named(response.text, server_version)
    assert not named, f"with its database stopped, the anonymous health answer names it: {named}"
    # Several calls: a server with several workers must have every one of them back, not just one
    # (a kept database connection that died with the restart answers 500 on its worker's next request).
    after = [igny8_backend.health().status_code for _ in range(8)]
    assert after == [200] * 8, f"the backend did not come back with its database: health answered {after} after PostgreSQL restarted"


@pytest.mark.requirement("OPS-3")
def test_health_names_no_database_product_nor_version(igny8_backend, igny8_observer, igny8_evidence):
    """An anonymous caller learns that the database answers, not which one it is: a product and
    version are what a scanner matches against known vulnerabilities."""
    server_version = igny8_observer.server_version() if igny8_observer else None
    response = igny8_backend.http.get(f"{igny8_backend.base_url}/api/v1/health/", headers={})
    igny8_evidence.json("health, anonymously", {"status": response.status_code, "body": response.text[:500], "the database says": server_version})
    assert response.status_code == 200 and response.json()["status"] == "ok", f"health answered {response.status_code}: {response.text[:300]}"
    named = database_named(response.text, server_version)
    assert not named, f"the anonymous health answer names the database: {named} in {response.text[:300]}"


@pytest.mark.requirement("OPS-1")
def test_health_needs_no_key_and_ignores_a_bad_one(igny8_backend):
    for headers in ({}, {"Authorization": "Bearer igny8_not_a_key_at_all_not_a_key"}, {"Authorization": "Basic x"}):
        response = igny8_backend.http.get(f"{igny8_backend.base_url}/api/v1/health/", headers=headers)
        assert response.status_code == 200 and response.json()["status"] == "ok", f"health with {headers or 'no header'}: {response.status_code}"


PHP_PROBLEM = re.compile(r"PHP (Warning|Notice|Deprecated|Fatal error|Parse error)")


@pytest.mark.requirement("OPS-2", case="negative")
def test_the_plugin_runs_without_php_warnings(igny8_fresh_site, igny8_wp, igny8_plugin_page, igny8_backend, igny8_backend_target, igny8_stack, igny8_evidence):
    plugin_dir = igny8_wp.state()["plugin"]["file"].split("/")[0]
    assert igny8_wp.set_plugin_active(False) is False and igny8_wp.set_plugin_active(True) is True
    assert (done := igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, igny8_backend.api_key)).kind == "success", f"Connect: {done}"
    igny8_plugin_page.test_connection()
    igny8_wp.create_posts([{"post_type": "post", "title": "Hello", "terms": {"category": ["News"]}}])
    igny8_wp.run_cron(STRUCTURE_HOOK)
    with igny8_stack.faults.answering(500):
        igny8_wp.run_cron(STRUCTURE_HOOK)
    igny8_plugin_page.disconnect()
    problems = [line for line in igny8_wp.debug_log(5000) if PHP_PROBLEM.search(line) and f"/{plugin_dir}/" in line]
    igny8_evidence.text("PHP problems from the plugin", "\n".join(problems))
    assert not problems, f"the plugin raised {len(problems)} PHP warnings or errors, e.g. {problems[0]}"
