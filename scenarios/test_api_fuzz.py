"""Schemathesis against the backend under test, from spec/openapi.yaml alone (harness.judge.api_fuzz):
each operation through its examples, coverage and fuzzing phases, valid and schema-violating requests,
and sequences of operations chained by the links it infers (connect, update-structure, content-types,
sync-content, disconnect), all as the harness's own tenant. Its checks: no server error; status codes,
content types and bodies as the schema lists them; data the schema refuses refused; an operation
that declares the key refusing a request without it or with another.

Each finding fails the test, charged to the requirement it breaks, with Schemathesis's cURL
reproduction (the key REDACTED) in the evidence. The budget is the profile's (`--profile`)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest

from harness.clients.backend import BackendClient
from harness.generate import profiles
from harness.judge import api_fuzz
from harness.stack.tenants import TenantsUnavailable
from harness.suite.evidence import Evidence
from harness.target.observer import Observer
from harness.target.target import BackendTarget

Requirement = Callable[..., AbstractContextManager[None]]  # the igny8_requirement fixture's block


@pytest.fixture
def fuzz_target(
    connected_backend: int, igny8_backend: BackendClient, igny8_observer: Observer | None, igny8_backend_target: BackendTarget
) -> Iterator[api_fuzz.Target]:
    """A tenant of its own, connected, where the backend makes one (CONTRACT.md 2.1, igny8_seed): the
    fuzzer spends most of its key's rate (OPS-4), and the plugin, which sends the run's tenant's key,
    would find it spent in the tests after this one (a Connect answered 429 in the CI of 1c2923e).
    Otherwise the run's tenant, disconnected afterwards (which releases any site a fuzzed connect bound
    it to, CONN-9) and reset where the observer can."""
    try:
        tenant = igny8_backend.as_tenant(igny8_backend_target.tenants.create(f"igny8 fuzz {secrets.token_hex(3)}"))
    except TenantsUnavailable:
        tenant = None
    if tenant is not None:
        answer = tenant.connect()
        assert answer.status_code == 200, f"the fuzzer's own tenant could not connect: {answer.status_code} {answer.text[:300]}"
        yield api_fuzz.Target(tenant.base_url, tenant.api_key, tenant.integration_id, tenant.ca_path)
        return
    yield api_fuzz.Target(igny8_backend.base_url, igny8_backend.api_key, connected_backend, igny8_backend.ca_path)
    igny8_backend.call("POST", f"{connected_backend}/disconnect/", json={})
    if igny8_observer is not None:
        igny8_observer.reset(connected_backend)


def _budget() -> api_fuzz.Budget:
    profile = profiles.current()
    return api_fuzz.Budget(profile.fuzz_examples, profile.fuzz_steps, profile.fuzz_structure_coverage)


def _judge(outcome: api_fuzz.Outcome, evidence: Evidence, requirement: Requirement) -> None:
    evidence.summary("Schemathesis", outcome.summary())
    for i, finding in enumerate(outcome.findings, 1):
        evidence.text(
            f"Schemathesis finding {i}: {finding.requirement} {finding.check}",
            f"{finding.describe()}\n\nReproduce with (put the tenant's API key in place of REDACTED):\n\n{finding.reproduction}\n",
        )
    assert not outcome.errors, "Schemathesis could not test everything:\n" + "\n".join(outcome.errors)
    assert outcome.cases > 0, "Schemathesis sent no request"
    if outcome.findings:
        with requirement(*sorted({f.requirement for f in outcome.findings})):
            raise AssertionError(
                f"Schemathesis found {len(outcome.findings)} problem(s):\n"
                + "\n\n".join(f"{f.requirement}: {f.describe()}\n{f.reproduction}" for f in outcome.findings)
            )


def _fuzz(operation: str | None, target: api_fuzz.Target, evidence: Evidence, requirement: Requirement) -> None:
    _judge(api_fuzz.run(target, _budget(), operation, stateful=operation is None), evidence, requirement)


# One test per operation of spec/openapi.yaml, naming every requirement its findings may be charged to
# (harness.judge.api_fuzz.requirements_of; tests/test_api_fuzz.py keeps the two in step).
@pytest.mark.requirement("OPS-1")
@pytest.mark.requirement("ERR-4", case="negative")
def test_health(fuzz_target: api_fuzz.Target, igny8_evidence: Evidence, igny8_requirement: Requirement) -> None:
    _fuzz("health_retrieve", fuzz_target, igny8_evidence, igny8_requirement)


@pytest.mark.requirement("CONN-1")
@pytest.mark.requirement("CONN-1", "ERR-4", "SEC-1", case="negative")
def test_connect(fuzz_target: api_fuzz.Target, igny8_evidence: Evidence, igny8_requirement: Requirement) -> None:
    _fuzz("integration_integrations_connect_create", fuzz_target, igny8_evidence, igny8_requirement)


@pytest.mark.requirement("CONN-4")
@pytest.mark.requirement("ERR-4", "SEC-1", case="negative")
def test_test_connection(fuzz_target: api_fuzz.Target, igny8_evidence: Evidence, igny8_requirement: Requirement) -> None:
    _fuzz("integration_integrations_test_connection_create", fuzz_target, igny8_evidence, igny8_requirement)


@pytest.mark.requirement("STORE-1")
@pytest.mark.requirement("ERR-1", "ERR-4", "SEC-1", case="negative")
def test_update_structure(fuzz_target: api_fuzz.Target, igny8_evidence: Evidence, igny8_requirement: Requirement) -> None:
    _fuzz("integration_integrations_update_structure_create", fuzz_target, igny8_evidence, igny8_requirement)


@pytest.mark.requirement("READ-1")
@pytest.mark.requirement("ERR-4", "SEC-1", case="negative")
def test_content_types(fuzz_target: api_fuzz.Target, igny8_evidence: Evidence, igny8_requirement: Requirement) -> None:
    _fuzz("integration_integrations_content_types_retrieve", fuzz_target, igny8_evidence, igny8_requirement)


@pytest.mark.requirement("CONTENT-1")
@pytest.mark.requirement("CONTENT-1", "ERR-4", "SEC-1", case="negative")
def test_sync_content(fuzz_target: api_fuzz.Target, igny8_evidence: Evidence, igny8_requirement: Requirement) -> None:
    _fuzz("integration_integrations_sync_content_create", fuzz_target, igny8_evidence, igny8_requirement)


@pytest.mark.requirement("CONN-11")
@pytest.mark.requirement("ERR-4", "SEC-1", case="negative")
def test_disconnect(fuzz_target: api_fuzz.Target, igny8_evidence: Evidence, igny8_requirement: Requirement) -> None:
    _fuzz("integration_integrations_disconnect_create", fuzz_target, igny8_evidence, igny8_requirement)


# Sequences through every operation: a finding on any of them is charged as in its own test.
@pytest.mark.requirement("CONN-1", "CONN-4", "STORE-1", "READ-1", "CONTENT-1", "CONN-11", "OPS-1")
@pytest.mark.requirement("CONN-1", "CONTENT-1", "ERR-1", "ERR-4", "SEC-1", case="negative")
def test_sequences(fuzz_target: api_fuzz.Target, igny8_evidence: Evidence, igny8_requirement: Requirement) -> None:
    _fuzz(None, fuzz_target, igny8_evidence, igny8_requirement)
