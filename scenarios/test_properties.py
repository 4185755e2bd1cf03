"""Property-based structures end to end: generated sites through the real WordPress, and generated
payloads straight to the backend. Example counts come from the profile (--igny8-profile). Generated
states and inputs are variants of the checklist's: each property is a negative case (harness.spec.cases)."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from harness.generate import profiles, strategies
from harness.judge.checks import CheckContext

RTL_AND_CYRILLIC = {
    "post_types": {"b": {"label": "كتب", "public": True, "show_ui": True, "hierarchical": False}},
    "taxonomies": {"t": {"label": "Ж", "public": True, "show_ui": True, "hierarchical": True, "object_types": ["b"]}},
    "posts": [],
}
# Found by this property: PHP makes the slug "9" an integer key, and wp_count_terms(9) is an error.
NUMERIC_TAXONOMY = {
    "post_types": {},
    "taxonomies": {"9": {"label": "Nine", "public": True, "show_ui": True, "hierarchical": False, "object_types": ["post"]}},
    "posts": [],
    "terms": {"9": ["term 0"]},
}
NUL_LABEL = {
    "schema_version": 1, "site_url": "https://A.COM", "wp_version": "0.0", "plugin_version": "0.0", "generated_at": "2000-01-01T00:00:00Z",
    "post_types": {}, "taxonomies": {"0": {"count": 0, "hierarchical": False, "label": "\x00", "object_types": [], "public": False}},
}  # fmt: skip
WP = settings(max_examples=profiles.current().wp_examples)
API = settings(max_examples=profiles.current().api_examples)


@pytest.mark.requirement("STRUCT-1", "STRUCT-2", "STRUCT-3", "STRUCT-4", "STRUCT-5", "STRUCT-7", "READ-1", "STORE-1", "CONC-2", case="negative")
@WP
@given(site=strategies.sites())
@example(site=RTL_AND_CYRILLIC)
@example(site=NUMERIC_TAXONOMY)
def test_any_site_wordpress_accepts_reaches_the_backend_as_wordpress_sees_it(
    connected_site, igny8_wp, igny8_plugin_page, igny8_backend, igny8_observer, igny8_examples, site
):
    igny8_examples.run("wp-sync", site, CheckContext(igny8_backend, igny8_observer, igny8_wp, igny8_plugin_page))


@pytest.mark.requirement("READ-1", "STORE-1", case="negative")
@API
@given(payload=strategies.valid_payloads())
def test_any_valid_payload_is_accepted_and_reads_back_the_same(connected_backend, igny8_backend, igny8_observer, igny8_examples, payload):
    igny8_examples.run("api-valid", payload, CheckContext(igny8_backend, igny8_observer))


@pytest.mark.requirement("ERR-1", "ERR-4", case="negative")
@API
@given(case=strategies.invalid_payloads())
@example(case=("NUL in a label (once a 500: jsonb cannot hold U+0000)", NUL_LABEL))
def test_any_invalid_payload_is_refused_and_changes_nothing(connected_backend, igny8_backend, igny8_observer, igny8_examples, case):
    igny8_examples.run("api-invalid", case, CheckContext(igny8_backend, igny8_observer))


@pytest.mark.requirement("ERR-2", "ERR-4", case="negative")
@API
@given(body=strategies.malformed_bodies(), content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"]))
def test_malformed_bodies_and_wrong_content_types_are_refused(connected_backend, igny8_backend, igny8_observer, igny8_examples, body, content_type):
    igny8_examples.run("api-malformed", (body.decode("latin-1"), content_type), CheckContext(igny8_backend, igny8_observer))


@pytest.mark.requirement("CONC-1", case="negative")
@API
@given(first=strategies.valid_payloads(), second=strategies.valid_payloads(), gap=st.integers(1, 10**9))
def test_an_older_structure_never_overwrites_a_newer_one(connected_backend, igny8_backend, igny8_observer, igny8_examples, first, second, gap):
    igny8_examples.run("api-order", (first, second, gap), CheckContext(igny8_backend, igny8_observer))
