"""The strategies make what they promise: valid payloads validate, invalid ones do not, keys fit WordPress."""

import json

from hypothesis import HealthCheck, find, given, settings

from harness.generate import strategies
from harness.judge.expect import PHP_BLANK
from harness.spec import spec
from harness.spec.formats import schema_validator

VALIDATOR = schema_validator(json.loads(spec.structure_schema_path().read_text()))
EXAMPLE = {
    "schema_version": 1,
    "site_url": "https://shop.example",
    "wp_version": "6.8.1",
    "plugin_version": "1.0.0",
    "generated_at": "2026-11-26T12:00:00.000001Z",
    "post_types": {},
    "taxonomies": {},
}
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(strategies.valid_payloads())
def test_valid_payloads_are_valid(payload):
    errors = [e.message for e in VALIDATOR.iter_errors(payload)]
    assert not errors


@FAST
@given(strategies.invalid_payloads())
def test_invalid_payloads_are_invalid(case):
    how, payload = case
    assert not VALIDATOR.is_valid(payload), f"{how} produced a valid payload"


@FAST
@given(strategies.sites())
def test_sites_keep_to_wordpress_limits(site):
    assert all(1 <= len(k) <= 20 and not strategies.taken(k) for k in site["post_types"])
    assert all(1 <= len(k.encode()) <= 32 and not strategies.taken(k) and k.lower() not in site["post_types"] for k in site["taxonomies"])
    assert len({k.lower() for k in site["taxonomies"]}) == len(site["taxonomies"]), "names MariaDB would take for one another"
    attachable = set(site["post_types"]) | {"post", "page", "attachment:image"}
    assert all(set(t["object_types"]) <= attachable for t in site["taxonomies"].values())
    assert all(label["label"].strip(PHP_BLANK) for label in [*site["post_types"].values(), *site["taxonomies"].values()])


def test_keys_the_running_wordpress_has_are_never_generated(monkeypatch):
    """Built-in keys differ by WordPress version: the session notes the running one's, and no site takes them."""
    monkeypatch.setattr(strategies, "REGISTERED", set(strategies.REGISTERED))  # this test's notes stay in this test
    strategies.note_registered(["wp_brand_new_type"])
    assert strategies.taken("wp_brand_new_type")
    assert not strategies.taken("wp_brand_new_typ")


@FAST
@given(strategies.taxonomy_keys())
def test_taxonomy_names_go_beyond_slugs_as_wordpress_does(name):
    """register_taxonomy() checks only the length in bytes (STORE-4): uppercase and any script too."""
    assert (
        1 <= len(name.encode()) <= 32
        and "\x00" not in name
        and VALIDATOR.is_valid(
            {**EXAMPLE, "taxonomies": {name: {"label": "L", "count": 0, "hierarchical": False, "public": True, "object_types": ["attachment:image"]}}}
        )
    )


def test_taxonomy_names_reach_uppercase_and_other_scripts():
    seen = find(strategies.taxonomy_keys(), lambda k: any(c.isupper() for c in k) and not k.isascii())
    assert seen
