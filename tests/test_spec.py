"""The spec is well-formed, and its rendered copy in PROTOCOL.md is in step with requirements.yaml."""

import json

import pytest

from harness.generate.structures import large_structure, structure
from harness.spec import spec
from harness.spec.formats import schema_validator


def test_requirements_load_with_unique_ids_and_known_levels_and_sides():
    reqs = spec.requirements()
    assert len(reqs) >= 40
    assert {r.level for r in reqs.values()} <= set(spec.LEVELS)
    assert {r.side for r in reqs.values()} == set(spec.SIDES)


def test_a_malformed_requirements_file_is_refused_naming_the_entry(tmp_path):
    bad = tmp_path / "requirements.yaml"
    bad.write_text(
        "version: 1\nareas: {X: x}\nrequirements:\n"
        "  - {id: X-1, level: MUST, side: plugin, title: t, statement: s, observe: o}\n"
        "  - {id: X-1, level: OFTEN, side: plugin, title: t, statement: s, observe: o}\n"
    )
    with pytest.raises(ValueError, match=r"X-1: duplicate id X-1; level 'OFTEN'"):
        spec.load.__wrapped__(bad)


def test_protocol_md_shows_the_current_requirements():
    protocol = (spec.SPEC_DIR / "PROTOCOL.md").read_text()
    assert protocol == spec.render_into(), "spec/PROTOCOL.md is out of step: run `igny8 spec render`"


def test_every_requirement_appears_in_protocol_md():
    protocol = (spec.SPEC_DIR / "PROTOCOL.md").read_text()
    missing = [rid for rid in spec.requirements() if f"**{rid}**" not in protocol]
    assert not missing


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(spec.structure_schema_path().read_text())
    return schema_validator(schema)


def test_the_builders_make_valid_structures(validator):
    assert not list(validator.iter_errors(structure()))
    assert not list(validator.iter_errors(large_structure(50, 50)))


@pytest.mark.parametrize("key,valid", [("a" * 20, True), ("a" * 21, False), ("my-type_2", True), ("Book", False), ("", False), ("café", False)])
def test_post_type_keys_keep_to_wordpress_limits(validator, key, valid):
    payload = structure({key: {"label": "L", "count": 0, "hierarchical": False, "public": True}})
    assert validator.is_valid(payload) is valid


@pytest.mark.parametrize("key,valid", [("t" * 32, True), ("t" * 33, False)])
def test_taxonomy_keys_keep_to_wordpress_limits(validator, key, valid):
    payload = structure(taxonomies={key: {"label": "L", "count": 0, "hierarchical": False, "public": True, "object_types": []}})
    assert validator.is_valid(payload) is valid
