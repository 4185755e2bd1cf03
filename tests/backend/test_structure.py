"""STORE-*, READ-*, ERR-*, CONC-*: update-structure and its read-back."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from harness.generate.structures import invalid_cases, post_type, structure, timestamp

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


INVALID = invalid_cases()


@pytest.mark.parametrize("name", INVALID)
def test_invalid_structures_are_refused_naming_the_path_and_store_nothing(tenant, name):
    tenant.post_structure(structure())
    before = tenant.stored()
    payload, paths = INVALID[name]
    error = assert_json_error(tenant.post_structure(payload), 400, "invalid_structure")
    assert paths[0] in [d["path"] for d in error["details"]], error  # the reference names where JSON Schema reports it
    assert tenant.stored() == before


def test_every_failing_path_is_named(tenant):
    payload = structure()
    payload["post_types"]["post"]["count"], payload["taxonomies"]["category"]["count"] = "x", "y"
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


def test_a_body_over_the_default_limit_is_refused_in_json(tenant, settings):
    big = structure()
    big["padding"] = "y" * settings.IGNY8_MAX_PAYLOAD_BYTES
    error = assert_json_error(tenant.post_structure(big), 413, "payload_too_large")
    assert str(settings.IGNY8_MAX_PAYLOAD_BYTES) in error["message"]
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


@pytest.mark.parametrize(
    "edit,path",
    [
        (lambda p: p["post_types"].__setitem__("post\n", post_type("Posts")), "$.post_types"),
        (lambda p: p.__setitem__("site_url", "https://wp.example/a b"), "$.site_url"),
        (lambda p: p.__setitem__("wp_version", "6.1.9\n"), "$.wp_version"),
    ],
    ids=["key with a final newline", "url with a blank", "version with a final newline"],
)
def test_a_payload_one_validator_refused_is_refused_and_stores_nothing(tenant, edit, path):
    """ERR-5: fastjsonschema refused these, jsonschema (Python's "$", formats unasserted) did not, and they were stored."""
    tenant.post_structure(structure())
    before = tenant.stored()
    payload = structure(generated_at=timestamp(datetime.now(UTC) + timedelta(seconds=1)))
    edit(payload)
    error = assert_json_error(tenant.post_structure(payload), 400, "invalid_structure")
    assert path in [d["path"] for d in error["details"]], error
    assert tenant.stored() == before


def test_a_structure_from_a_day_ahead_is_refused_and_blocks_nothing(tenant):
    """CONC-3: stored, it would make every sync stale (409) until tomorrow."""
    tenant.post_structure(structure())
    before = tenant.stored()
    ahead = structure({"post": post_type("Posts", 99)}, generated_at=timestamp(datetime.now(UTC) + timedelta(days=1)))
    error = assert_json_error(tenant.post_structure(ahead), 400, "generated_at_in_future")
    assert error["details"] == [{"path": "$.generated_at", "message": "more than 5 minutes ahead of the backend's clock"}]
    assert tenant.stored() == before
    assert tenant.post_structure(structure()).status_code == 200, "a sync after the refused one was not accepted"


def test_the_future_bound_is_five_minutes_of_the_backends_clock(tenant, monkeypatch):
    from integration import services

    now = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)
    monkeypatch.setattr(services.timezone, "now", lambda: now)
    at_the_bound = structure(generated_at=timestamp(now + timedelta(minutes=5)))
    assert tenant.post_structure(at_the_bound).status_code == 200, "5 minutes ahead is within the bound"
    over = structure(generated_at=timestamp(now + timedelta(minutes=5, microseconds=1)))
    assert_json_error(tenant.post_structure(over), 400, "generated_at_in_future")


def test_a_structure_four_minutes_ahead_is_accepted(tenant):
    ahead = structure(generated_at=timestamp(datetime.now(UTC) + timedelta(minutes=4)))
    assert tenant.post_structure(ahead).status_code == 200
    assert tenant.stored()["config_json"]["content_types"] == ahead


def test_a_lone_surrogate_is_refused_not_a_server_error(tenant):
    """PROTOCOL.md 5: JSON may write "\\ud800", which no UTF-8 text (nor PostgreSQL) holds: refused with 400."""
    tenant.post_structure(structure())
    before = tenant.stored()
    body = json.dumps(structure(generated_at=timestamp(datetime.now(UTC) + timedelta(seconds=1)))).replace('"Posts"', '"\\ud800"')
    assert '"\\ud800"' in body
    response = tenant.client.generic("POST", tenant.url("update-structure"), body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "malformed_json", response.content
    assert tenant.stored() == before
