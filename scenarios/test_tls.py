"""Certificates that lie: endpoints that route to the real backend, with the real backend's Host
and API, whose certificate comes from a CA WordPress does not trust, has expired, or names another
host; and plain http. Only certificate verification can refuse them: the plugin must, and nothing
may reach the backend (SEC-4)."""

import pytest

from harness.judge.secrets import kept_in_wordpress
from harness.stack.tls import EXPIRED_NAME, UNTRUSTED_NAME

LIARS = {
    "a certificate from a CA WordPress does not trust": f"https://{UNTRUSTED_NAME}",
    "an expired certificate": f"https://{EXPIRED_NAME}",
    "a certificate that names another host": "https://api",
    "plain http": "http://api.igny8.test",
}


@pytest.mark.requirement("SEC-4", case="negative")
@pytest.mark.parametrize("why", LIARS)
def test_an_endpoint_that_cannot_prove_it_is_the_backend_is_refused(
    why, igny8_fresh_site, igny8_fresh_backend, igny8_plugin_page, igny8_wp, igny8_backend, igny8_stack, igny8_evidence
):
    in_clear = igny8_stack.plain_http_requests()
    outcome = igny8_plugin_page.connect(LIARS[why], igny8_backend.api_key)
    igny8_evidence.json("outcome", str(outcome))
    assert outcome.kind == "error", f"the plugin accepted {why} ({LIARS[why]}): {outcome}"
    assert igny8_stack.plain_http_requests() == in_clear, f"the plugin sent a request over plain HTTP for {why}: the key went in clear"
    read = igny8_backend.read_back()
    assert read["status"] == "not_connected" and read["last_structure_fetch"] is None, f"a request over {why} reached the backend"
    assert not kept_in_wordpress(igny8_wp, igny8_backend.api_key), f"the plugin kept the key (or a form of it) for {why}"
    assert igny8_wp.cron_events() == [], f"the plugin scheduled its daily event for {why}"


@pytest.mark.requirement("SEC-4")
def test_the_real_endpoint_with_its_verified_certificate_is_accepted(igny8_fresh_site, igny8_plugin_page, igny8_backend, igny8_backend_target):
    outcome = igny8_plugin_page.connect(igny8_backend_target.backend_url_for_plugin, igny8_backend.api_key)
    assert outcome.kind == "success", f"the real backend, over verified https, was refused: {outcome}"
