"""Operations in other states: a health endpoint must not say "ok" for a backend that cannot reach
its database (OPS-1); the plugin must activate, connect and sync without PHP warnings (OPS-2)."""

import re

import pytest

from harness.clients.wordpress import STRUCTURE_HOOK


@pytest.mark.requirement("OPS-1", case="negative")
def test_health_does_not_say_ok_when_the_database_is_gone(igny8_backend, igny8_stack, igny8_evidence):
    with igny8_stack.faults.stopped("postgres"):
        response = igny8_backend.health()
    igny8_evidence.json("health with the database stopped", {"status": response.status_code, "body": response.text[:500]})
    says_ok = response.status_code == 200 and response.headers.get("Content-Type", "").startswith("application/json") and response.json().get("status") == "ok"
    assert not says_ok, "the health endpoint answered ok with its database stopped"
    # Several calls: a server with several workers must have every one of them back, not just one
    # (a kept database connection that died with the restart answers 500 on its worker's next request).
    after = [igny8_backend.health().status_code for _ in range(8)]
    assert after == [200] * 8, f"the backend did not come back with its database: health answered {after} after PostgreSQL restarted"


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
    assert igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, igny8_backend.api_key).kind == "success"
    igny8_plugin_page.test_connection()
    igny8_wp.create_posts([{"post_type": "post", "title": "Hello", "terms": {"category": ["News"]}}])
    igny8_wp.run_cron(STRUCTURE_HOOK)
    with igny8_stack.faults.answering(500):
        igny8_wp.run_cron(STRUCTURE_HOOK)
    igny8_plugin_page.disconnect()
    problems = [line for line in igny8_wp.debug_log(5000) if PHP_PROBLEM.search(line) and f"/{plugin_dir}/" in line]
    igny8_evidence.text("PHP problems from the plugin", "\n".join(problems))
    assert not problems, f"the plugin raised {len(problems)} PHP warnings or errors, e.g. {problems[0]}"
