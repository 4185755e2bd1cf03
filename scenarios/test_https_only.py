"""The API answers over HTTPS only (SEC-10, SEC-11): plain HTTP that reaches the backend, with or
without a client's own X-Forwarded-Proto, is redirected or refused and changes nothing; HTTPS
answers carry HSTS. Port 80 is reached from inside the stack's network, as a neighbour would."""

from __future__ import annotations

import json
import re

import pytest

from harness.generate.structures import structure, timestamp
from harness.judge.observed import later_than_stored, observed
from harness.judge.refusals import assert_plain_http_refused

ONE_YEAR = 31_536_000
PLAIN = "http://api.igny8.test"
FORGED = {"no X-Forwarded-Proto": {}, "a forged X-Forwarded-Proto: https": {"X-Forwarded-Proto": "https"}}


@pytest.mark.requirement("SEC-10", case="negative")
@pytest.mark.parametrize("how", FORGED)
def test_an_authorised_update_over_plain_http_changes_nothing(how, connected_backend, igny8_backend, igny8_observer, igny8_stack, igny8_evidence):
    before = observed(igny8_backend, igny8_observer)
    body = json.dumps(structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer))))
    headers = {"Authorization": f"Bearer {igny8_backend.api_key}", "Content-Type": "application/json", **FORGED[how]}
    answer = igny8_stack.from_inside("POST", f"{PLAIN}/api/v1/integration/integrations/{connected_backend}/update-structure/", headers, body)
    igny8_evidence.json(f"update-structure over plain http, {how}", {"status": answer.status, "location": answer.location})
    assert_plain_http_refused(answer, f"an authorised update ({how})")
    assert observed(igny8_backend, igny8_observer) == before, f"a request over plain HTTP ({how}) changed the integration"


@pytest.mark.requirement("SEC-10")
def test_the_same_update_over_https_is_accepted(connected_backend, igny8_backend, igny8_observer):
    response = igny8_backend.update_structure(structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer))))
    assert response.status_code == 200, f"over HTTPS: {response.status_code} {response.text[:200]}"


@pytest.mark.requirement("SEC-11")
@pytest.mark.parametrize("endpoint", ["content-types", "health", "a refusal"])
def test_https_answers_carry_hsts_for_a_year(endpoint, connected_backend, igny8_backend):
    response = {
        "content-types": lambda: igny8_backend.content_types(),
        "health": igny8_backend.health,
        "a refusal": lambda: igny8_backend.call("GET", f"{connected_backend}/content-types/", key="igny8_" + "x" * 43),
    }[endpoint]()
    hsts = response.headers.get("Strict-Transport-Security", "")
    age = re.search(r"max-age=(\d+)", hsts)
    assert age and int(age.group(1)) >= ONE_YEAR, f"{endpoint} ({response.status_code}) answered Strict-Transport-Security {hsts!r}: not at least a year"


@pytest.mark.requirement("SEC-10", case="negative")
def test_nothing_on_the_sites_network_reaches_the_backend_but_through_its_proxy(igny8_stack, igny8_evidence):
    """A neighbour that talks to the backend's own port could claim "https" in X-Forwarded-Proto,
    and be believed: only the proxy may reach it (wordpress-stack/compose.yaml, its networks)."""
    answer = igny8_stack.from_inside("GET", "http://backend:8000/api/v1/health/", {"X-Forwarded-Proto": "https"})
    igny8_evidence.json("the backend's own port, from WordPress's container", {"status": answer.status})
    assert answer.status == 0, f"WordPress's container reached the backend's own port, past the proxy: HTTP {answer.status}"
