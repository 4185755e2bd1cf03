"""The strategies make what they promise: valid payloads validate, invalid ones do not, keys fit WordPress."""

import json

from hypothesis import HealthCheck, given, settings
from jsonschema import Draft7Validator

from harness import spec, strategies
from harness.expect import PHP_BLANK

VALIDATOR = Draft7Validator(json.loads(spec.structure_schema_path().read_text()), format_checker=Draft7Validator.FORMAT_CHECKER)
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
    assert all(1 <= len(k) <= 32 and not strategies.taken(k) and k not in site["post_types"] for k in site["taxonomies"])
    attachable = set(site["post_types"]) | {"post", "page"}
    assert all(set(t["object_types"]) <= attachable for t in site["taxonomies"].values())
    assert all(label["label"].strip(PHP_BLANK) for label in [*site["post_types"].values(), *site["taxonomies"].values()])


def test_keys_the_running_wordpress_has_are_never_generated(monkeypatch):
    """Built-in keys differ by WordPress version: the session notes the running one's, and no site takes them."""
    monkeypatch.setattr(strategies, "REGISTERED", set(strategies.REGISTERED))  # this test's notes stay in this test
    strategies.note_registered(["wp_brand_new_type"])
    assert strategies.taken("wp_brand_new_type")
    assert not strategies.taken("wp_brand_new_typ")
