"""harness.judge.api_fuzz without a backend: which requirement a Schemathesis finding is charged to,
the key kept out of its reproduction, the schema Schemathesis is given, and the budget."""

import itertools

import pytest

from harness.generate.profiles import PROFILES
from harness.judge import api_fuzz
from harness.judge.secrets import leaks
from harness.spec import spec

KEY = "igny8_TbklV-UO_-U3eTqyGn--4tNJDrnM5cjgWnbxwu9cj1Q"
SYNC, STRUCTURE, HEALTH = "integration_integrations_sync_content_create", "integration_integrations_update_structure_create", "health_retrieve"
READ = "integration_integrations_content_types_retrieve"


@pytest.mark.parametrize(
    ("check", "operation", "status", "negative", "expected"),
    [
        ("ignored_auth", READ, 200, False, "SEC-1"),  # a request without the key answered
        ("missing_required_header", SYNC, 200, True, "SEC-1"),
        ("negative_data_rejection", STRUCTURE, 200, True, "ERR-1"),  # a structure the schema refuses, stored
        ("negative_data_rejection", SYNC, 200, True, "CONTENT-1"),
        ("negative_data_rejection", READ, 200, True, "ERR-4"),  # no body rule of its own: every refusal is a 4xx
        ("not_a_server_error", SYNC, 500, True, "CONTENT-1"),  # a malformed batch crashed the server
        ("status_code_conformance", SYNC, 500, True, "CONTENT-1"),
        ("not_a_server_error", READ, 500, False, "READ-1"),  # a valid read-back crashed
        ("response_schema_conformance", STRUCTURE, 400, True, "ERR-4"),  # a refusal outside the error envelope
        ("content_type_conformance", HEALTH, 404, False, "ERR-4"),
        ("status_code_conformance", STRUCTURE, 405, True, "ERR-4"),
        ("response_schema_conformance", HEALTH, 200, False, "OPS-1"),  # the health answer is not the schema's
        ("response_schema_conformance", STRUCTURE, 200, False, "STORE-1"),
        ("not_a_server_error", SYNC, None, True, "CONTENT-1"),  # no answer at all to a malformed batch
    ],
)
def test_a_finding_is_charged_to_the_requirement_it_breaks(check, operation, status, negative, expected):
    assert api_fuzz.requirement_for(check, operation, status, negative) == expected


def test_every_operation_of_the_schema_has_its_requirements_and_they_are_the_specs():
    operations = api_fuzz.operations()
    assert set(operations) == set(api_fuzz.OPERATION_REQUIREMENT), "an operation of spec/openapi.yaml with no requirement to charge, or one gone"
    assert set(api_fuzz.INPUT_REQUIREMENT) <= set(operations)
    named = {rid for op, secured in operations.items() for rid in api_fuzz.requirements_of(op, secured)}
    assert named <= set(spec.requirements()), f"not in spec/requirements.yaml: {sorted(named - set(spec.requirements()))}"
    assert operations[HEALTH] is False and all(secured for op, secured in operations.items() if op != HEALTH)


def test_a_test_names_every_requirement_its_findings_can_be_charged_to():
    # harness.suite.charge refuses a block charged to a requirement the test does not name
    for (op, secured), check, status, negative in itertools.product(api_fuzz.operations().items(), api_fuzz.CHECKS, [None, 200, 400, 401, 500], [False, True]):
        if check in api_fuzz.AUTH_CHECKS and not secured:
            continue  # Schemathesis checks the key only where the operation declares it
        assert api_fuzz.requirement_for(check, op, status, negative) in api_fuzz.requirements_of(op, secured), (check, op, status, negative)


def test_schemathesis_knows_every_check_the_suite_names():
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    assert set(api_fuzz.CHECKS) <= set(CHECKS.get_all_names())


def test_a_reproduction_holds_nothing_of_the_key():
    import base64

    curl = (
        "curl -X POST -H 'Authorization: [Filtered]' -H 'X-Other: Bearer " + KEY + "' "
        f'-d \'{{"note": "{KEY[3:17]}", "b64": "{base64.b64encode(KEY.encode()).decode()}"}}\' https://api.igny8.test/api/v1/x/'
    )
    redacted = api_fuzz.redact(curl, [KEY])
    assert leaks({"the API key": KEY}, {"the reproduction": redacted}) == []
    assert "-H 'Authorization: Bearer REDACTED'" in redacted and "https://api.igny8.test/api/v1/x/" in redacted
    assert api_fuzz.redact("nothing secret here", [KEY, ""]) == "nothing secret here"


def test_schemathesis_gets_the_structure_schema_in_place_of_its_url():
    import json

    import schemathesis

    raw = api_fuzz.document()
    text = json.dumps(raw)
    assert api_fuzz.STRUCTURE_REF not in text and "#/definitions/" not in text and '"const"' not in text
    structure = raw["components"]["schemas"]["Structure"]
    assert structure["properties"]["schema_version"] == {"enum": [1]}
    schema = schemathesis.openapi.from_dict(raw)
    body = schema["/api/v1/integration/integrations/{id}/update-structure/"]["POST"].body
    assert len(list(body)) == 1, "update-structure takes one body: the structure"
    assert len(list(schema.get_all_operations())) == len(api_fuzz.operations())


def test_the_nightly_fuzzes_harder_than_ci():
    quick, thorough, kill = PROFILES["quick"], PROFILES["thorough"], PROFILES["kill"]
    assert quick.fuzz_examples < thorough.fuzz_examples and quick.fuzz_steps < thorough.fuzz_steps
    assert thorough.fuzz_structure_coverage and not quick.fuzz_structure_coverage
    assert (kill.fuzz_examples, kill.fuzz_steps) == (quick.fuzz_examples, quick.fuzz_steps)


def test_the_configuration_is_the_tenants_and_the_budgets():
    target = api_fuzz.Target("https://api.igny8.test", KEY, 42)
    budget = api_fuzz.Budget(7, 9, False)
    config = api_fuzz.config(target, budget, ["coverage", "fuzzing"], structure_coverage=False)
    project = config.projects.get_default()
    assert project.base_url == "https://api.igny8.test" and project.headers == {"Authorization": f"Bearer {KEY}"}
    assert project.generation.max_examples == 7
    assert project.phases.fuzzing.enabled and not project.phases.coverage.enabled and not project.phases.stateful.enabled
    assert sorted(name for name in api_fuzz.CHECKS if getattr(project.checks, name).enabled) == sorted(api_fuzz.CHECKS)
    assert not project.checks.positive_data_acceptance.enabled


def test_each_fuzz_test_names_what_its_findings_are_charged_to():
    from harness.spec.traceability import named_cases

    tests = {
        "test_health": HEALTH,
        "test_connect": "integration_integrations_connect_create",
        "test_test_connection": "integration_integrations_test_connection_create",
        "test_update_structure": STRUCTURE,
        "test_content_types": READ,
        "test_sync_content": SYNC,
        "test_disconnect": "integration_integrations_disconnect_create",
    }
    named = {test.split("::")[1]: {rid for m in marks for rid in m.requirements} for test, marks in named_cases().items() if "test_api_fuzz.py" in test}
    operations = api_fuzz.operations()
    assert set(tests.values()) == set(operations)
    for test, op in tests.items():
        assert named[test] == set(api_fuzz.requirements_of(op, operations[op])), test
    assert named["test_sequences"] == {rid for op, secured in operations.items() for rid in api_fuzz.requirements_of(op, secured)}
