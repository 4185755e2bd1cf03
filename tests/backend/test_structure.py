"""STORE-*, READ-*, ERR-*, CONC-*: update-structure and its read-back."""

import copy
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from harness.structures import post_type, structure, taxonomy, timestamp

from .conftest import assert_json_error


def test_round_trip_reads_back_what_was_sent(tenant):
    sent = structure()
    before = datetime.now(UTC)
    response = tenant.post_structure(sent)
    assert response.status_code == 200, response.content
    assert response.json()["post_types"] == 2 and response.json()["taxonomies"] == 2

    stored = tenant.stored()
    assert stored["config_json"]["content_types"] == sent
    assert before <= stored["structure_synced_at"] <= datetime.now(UTC)
    assert datetime.fromisoformat(stored["config_json"]["last_structure_fetch"]) == stored["structure_synced_at"]

    read = tenant.client.get(tenant.url("content-types")).json()
    for kind in ("post_types", "taxonomies"):
        assert {k: {f: v for f, v in e.items() if f != "synced_count"} for k, e in read[kind].items()} == sent[kind]
        assert all(e["synced_count"] == 0 for e in read[kind].values())
    assert read["generated_at"] == sent["generated_at"]
    assert read["status"] == "connected" and read["is_active"] is True


def test_read_back_before_any_structure_is_empty(tenant):
    read = tenant.client.get(tenant.url("content-types")).json()
    assert read["post_types"] == {} and read["taxonomies"] == {} and read["last_structure_fetch"] is None


def test_a_newer_structure_replaces_the_older_entirely(tenant):
    tenant.post_structure(structure({"post": post_type("Posts"), "book": post_type("Books")}))
    tenant.post_structure(structure({"post": post_type("Posts")}, {}))
    read = tenant.client.get(tenant.url("content-types")).json()
    assert list(read["post_types"]) == ["post"] and read["taxonomies"] == {}


def test_labels_in_any_script_survive(tenant):
    labels = {"post": "Записи", "page": "صفحات", "book": "書籍 📚", "movie": "שׂרטים"}
    sent = structure({slug: post_type(label) for slug, label in labels.items()})
    assert tenant.post_structure(sent).status_code == 200
    read = tenant.client.get(tenant.url("content-types")).json()
    assert {k: v["label"] for k, v in read["post_types"].items()} == labels


def _without(payload, *path):
    payload = copy.deepcopy(payload)
    node = payload
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return payload


def _with(payload, value, *path):
    payload = copy.deepcopy(payload)
    node = payload
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return payload


GOOD = structure()
INVALID = {
    "missing post_types": (_without(GOOD, "post_types"), "$"),
    "missing generated_at": (_without(GOOD, "generated_at"), "$"),
    "count as string": (_with(GOOD, "3", "post_types", "post", "count"), "$.post_types.post.count"),
    "negative count": (_with(GOOD, -1, "taxonomies", "category", "count"), "$.taxonomies.category.count"),
    "post type key of 21 chars": (_with(GOOD, post_type("Long"), "post_types", "a" * 21), "$.post_types"),
    "taxonomy key of 33 chars": (_with(GOOD, taxonomy("Long", ["post"]), "taxonomies", "t" * 33), "$.taxonomies"),
    "uppercase key": (_with(GOOD, post_type("Bad"), "post_types", "Book"), "$.post_types"),
    "empty label": (_with(GOOD, "", "post_types", "post", "label"), "$.post_types.post.label"),
    "unknown field": (_with(GOOD, 1, "surprise"), "$"),
    "hierarchical not bool": (_with(GOOD, "yes", "post_types", "page", "hierarchical"), "$.post_types.page.hierarchical"),
    "object_types not list": (_with(GOOD, "post", "taxonomies", "category", "object_types"), "$.taxonomies.category.object_types"),
    "generated_at without zone": (_with(GOOD, "2026-01-01T00:00:00", "generated_at"), "$.generated_at"),
    "generated_at impossible date": (_with(GOOD, "2026-13-45T00:00:00Z", "generated_at"), "$.generated_at"),
    "schema_version 2": (_with(GOOD, 2, "schema_version"), "$.schema_version"),
    "site_url not a url": (_with(GOOD, "ftp:nothing", "site_url"), "$.site_url"),
    "body is a list": ([GOOD], "$"),
}


@pytest.mark.parametrize("name", INVALID)
def test_invalid_structures_are_refused_naming_the_path_and_store_nothing(tenant, name):
    tenant.post_structure(structure())
    before = tenant.stored()
    payload, path = INVALID[name]
    error = assert_json_error(tenant.post_structure(payload), 400, "invalid_structure")
    assert path in [d["path"] for d in error["details"]], error
    assert tenant.stored() == before


def test_every_failing_path_is_named(tenant):
    payload = _with(_with(GOOD, "x", "post_types", "post", "count"), "y", "taxonomies", "category", "count")
    error = assert_json_error(tenant.post_structure(payload), 400, "invalid_structure")
    assert {"$.post_types.post.count", "$.taxonomies.category.count"} <= {d["path"] for d in error["details"]}


@pytest.mark.parametrize("body", [b"{not json", b'{"a": 1', "\u00e9".encode("latin-1"), b""])
def test_malformed_json_is_refused(tenant, body):
    before = tenant.stored()
    response = tenant.client.post(tenant.url("update-structure"), body, content_type="application/json")
    if body:
        assert_json_error(response, 400, "malformed_json")
    else:
        assert_json_error(response, 400, "invalid_structure")
    assert tenant.stored() == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_wrong_content_type_is_refused(tenant, content_type):
    before = tenant.stored()
    response = tenant.client.post(tenant.url("update-structure"), json.dumps(structure()), content_type=content_type)
    assert_json_error(response, 415, "unsupported_media_type")
    assert tenant.stored() == before


@override_settings(IGNY8_MAX_PAYLOAD_BYTES=2000)
def test_an_oversized_payload_is_refused_naming_the_limit(tenant):
    big = structure({f"type_{i}": post_type("x" * 100) for i in range(50)})
    error = assert_json_error(tenant.post_structure(big), 413, "payload_too_large")
    assert "2000" in error["message"]
    assert tenant.stored()["config_json"] == {}


def test_an_older_structure_is_refused_and_the_newer_kept(tenant):
    now = datetime.now(UTC)
    newer = structure({"post": post_type("Posts", 10)}, generated_at=timestamp(now))
    older = structure({"post": post_type("Posts", 1)}, generated_at=timestamp(now - timedelta(microseconds=1)))
    assert tenant.post_structure(newer).status_code == 200
    before = tenant.stored()
    error = assert_json_error(tenant.post_structure(older), 409, "stale_structure")
    assert error["details"] == [{"path": "$.generated_at", "message": "older than the stored structure"}]
    assert tenant.stored() == before


def test_sending_the_same_structure_twice_equals_sending_it_once(tenant):
    sent = structure()
    tenant.post_structure(sent)
    once = tenant.client.get(tenant.url("content-types")).json()
    assert tenant.post_structure(sent).status_code == 200
    twice = tenant.client.get(tenant.url("content-types")).json()
    assert {k: v for k, v in once.items() if k != "last_structure_fetch"} == {k: v for k, v in twice.items() if k != "last_structure_fetch"}


def test_structure_before_connect_is_refused(db):
    from .conftest import Tenant

    t = Tenant("epsilon", connected=False)
    assert_json_error(t.post_structure(), 409, "not_connected")
    assert t.stored()["config_json"] == {}


def test_other_config_is_kept_beside_the_structure(tenant):
    tenant.integration.config_json = {"feature_flags": {"x": True}}
    tenant.integration.save()
    tenant.post_structure()
    assert tenant.stored()["config_json"]["feature_flags"] == {"x": True}
