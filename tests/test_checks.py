"""Checks are registered once and found by name, by the property tests and by `igny8 repro`."""

import json

import pytest

from harness.judge import by_name, checks
from harness.repro import repro


def test_the_property_and_stateful_checks_are_registered():
    assert {"api-valid", "api-invalid", "api-malformed", "api-order", "wp-sync", "stateful"} <= set(by_name.names())
    assert by_name.get("wp-sync").needs == "wordpress" and by_name.get("api-valid").needs == "backend"


def test_an_unknown_check_is_refused_with_the_known_ones():
    with pytest.raises(LookupError, match="no check named 'api-bogus'; there are: api-invalid"):
        by_name.get("api-bogus")


def test_a_name_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="registered twice"):
        checks.check("api-valid", needs="backend")(lambda ctx, example: None)


@pytest.mark.parametrize(
    "content,message",
    [
        ("not json", "is not a repro file"),
        ('{"kind": "api-valid"}', "is not a repro file"),
        ('{"kind": "api-bogus", "example": {}}', "unknown kind 'api-bogus'"),
    ],
)
def test_a_repro_file_that_is_not_one_is_refused_before_any_stack(refused_file, content, message):
    refused_file(repro.load, content, ValueError, message)


def test_a_recorded_example_loads_with_its_check(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"kind": "api-order", "example": [{}, {}, 1]}))
    assert by_name.get(repro.load(path)["kind"]).name == "api-order"
