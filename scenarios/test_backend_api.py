"""The backend's side of the protocol, over real HTTPS, with its database read directly:
authentication, access control, bad input, ordering, atomicity, read-back, content (backend)."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from harness.structures import invalid_cases, post_type, structure, timestamp

INVALID = invalid_cases()
ENDPOINTS = [
    ("POST", "{id}/test-connection/"),
    ("POST", "{id}/update-structure/"),
    ("GET", "{id}/content-types/"),
    ("POST", "{id}/sync-content/"),
    ("POST", "{id}/disconnect/"),
    ("POST", "connect/"),
]


@pytest.fixture
def integration_id(igny8_fresh_backend, igny8_backend):
    assert igny8_backend.connect().status_code == 200
    return igny8_backend.only_integration_id()


def stored(igny8_backend, integration_id):
    row = igny8_backend.integration_row(integration_id)
    return {k: row[k] for k in ("config_json", "structure_synced_at", "status")}


def assert_json_error(response, status, code=None):
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.text[:300]}"
    assert response.headers["Content-Type"].startswith("application/json"), f"a {status} answered {response.headers['Content-Type']}"
    error = response.json()["error"]
    assert error["message"] and isinstance(error["details"], list)
    if code:
        assert error["code"] == code, error
    return error


@pytest.mark.requirement("SEC-1", "ERR-4")
@pytest.mark.parametrize("method,path", ENDPOINTS)
@pytest.mark.parametrize("key", ["", "igny8_not_a_real_key_not_a_real_key", "Basic abc"], ids=["no key", "wrong key", "other scheme"])
def test_every_endpoint_refuses_a_request_without_a_valid_key(integration_id, igny8_backend, method, path, key):
    before = stored(igny8_backend, integration_id)
    if key.startswith("Basic"):
        response = igny8_backend.http.request(
            method,
            f"{igny8_backend.base_url}/api/v1/integration/integrations/{path.format(id=integration_id)}",
            headers={"Authorization": key},
            json={},
        )
    else:
        response = igny8_backend.call(method, path.format(id=integration_id), key=key, json=structure())
    assert_json_error(response, 401)
    assert stored(igny8_backend, integration_id) == before


@pytest.mark.requirement("SEC-2")
def test_another_sites_integration_answers_as_a_missing_one(integration_id, igny8_backend, igny8_backend_target, igny8_evidence):
    other = igny8_backend_target.seed_tenant("Other")
    igny8_evidence.json("other tenant", {"integration_id": other.integration_id, "site_id": other.site_id})
    before = stored(igny8_backend, other.integration_id)
    for method, path in ENDPOINTS[:-1]:
        foreign = igny8_backend.call(method, path.format(id=other.integration_id), json=structure())
        missing = igny8_backend.call(method, path.format(id=987654321), json=structure())
        assert_json_error(foreign, 404)
        assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json()), f"{path}: a foreign id answers unlike a missing one"
    assert stored(igny8_backend, other.integration_id) == before


@pytest.mark.requirement("SEC-3")
def test_the_database_holds_no_key_in_clear(integration_id, igny8_backend, igny8_backend_target):
    dump = json.dumps(igny8_backend.query("SELECT * FROM integration_siteintegration"), default=str)
    assert igny8_backend_target.api_key not in dump
    assert igny8_backend_target.api_key[6:] not in dump, "the key's secret part is stored in clear"


@pytest.mark.requirement("ERR-1", "ERR-4")
@pytest.mark.parametrize("name", INVALID)
def test_schema_violations_are_refused_naming_the_path(integration_id, igny8_backend, name):
    igny8_backend.update_structure(integration_id, structure())
    before = stored(igny8_backend, integration_id)
    payload, path = INVALID[name]
    error = assert_json_error(igny8_backend.update_structure(integration_id, payload), 400, "invalid_structure")
    assert path in [d["path"] for d in error["details"]], f"the refusal does not name {path}: {error['details']}"
    assert stored(igny8_backend, integration_id) == before


@pytest.mark.requirement("ERR-2", "ERR-4")
@pytest.mark.parametrize(
    "body,content_type,status",
    [
        (b"{not json", "application/json", 400),
        (b'{"a": ', "application/json", 400),
        (json.dumps(structure()).encode(), "text/plain", 415),
        (b"a=1", "application/x-www-form-urlencoded", 415),
    ],
    ids=["broken json", "truncated json", "text/plain", "form"],
)
def test_malformed_bodies_are_refused(integration_id, igny8_backend, body, content_type, status):
    before = stored(igny8_backend, integration_id)
    response = igny8_backend.call(
        "POST",
        f"{integration_id}/update-structure/",
        data=body,
        headers={"Authorization": f"Bearer {igny8_backend.api_key}", "Content-Type": content_type},
    )
    assert_json_error(response, status)
    assert stored(igny8_backend, integration_id) == before


@pytest.mark.requirement("ERR-3", "ERR-4")
def test_an_oversized_body_is_refused_naming_the_limit(integration_id, igny8_backend):
    big = structure({f"t{i:05d}": post_type("x" * 200, i) for i in range(4999)})
    big["padding"] = "y" * (5 * 1024 * 1024)
    error = assert_json_error(igny8_backend.update_structure(integration_id, big), 413, "payload_too_large")
    assert str(5 * 1024 * 1024) in error["message"]
    assert stored(igny8_backend, integration_id)["config_json"] == {}


@pytest.mark.requirement("CONC-1")
def test_an_older_structure_never_overwrites_a_newer_one(integration_id, igny8_backend):
    now = datetime.now(UTC)
    assert igny8_backend.update_structure(integration_id, structure({"post": post_type("Posts", 9)}, generated_at=timestamp(now))).status_code == 200
    before = stored(igny8_backend, integration_id)
    older = structure({"post": post_type("Posts", 1)}, generated_at=timestamp(now - timedelta(microseconds=1)))
    assert_json_error(igny8_backend.update_structure(integration_id, older), 409, "stale_structure")
    assert stored(igny8_backend, integration_id) == before


@pytest.mark.requirement("CONC-1", "STORE-3")
def test_concurrent_updates_keep_the_newest(integration_id, igny8_backend):
    base = datetime.now(UTC)
    payloads = [structure({"post": post_type("Posts", i)}, generated_at=timestamp(base + timedelta(milliseconds=i))) for i in range(12)]
    order = [5, 11, 0, 7, 3, 9, 1, 10, 2, 8, 4, 6]
    with ThreadPoolExecutor(6) as pool:
        codes = list(pool.map(lambda i: igny8_backend.update_structure(integration_id, payloads[i]).status_code, order))
    assert set(codes) <= {200, 409}
    assert stored(igny8_backend, integration_id)["config_json"]["content_types"]["post_types"]["post"]["count"] == 11


@pytest.mark.requirement("CONC-2")
def test_sending_the_same_structure_twice_equals_once(integration_id, igny8_backend):
    sent = structure()
    igny8_backend.update_structure(integration_id, sent)
    once = igny8_backend.content_types(integration_id).json()
    assert igny8_backend.update_structure(integration_id, sent).status_code == 200
    twice = igny8_backend.content_types(integration_id).json()
    once.pop("last_structure_fetch"), twice.pop("last_structure_fetch")
    assert once == twice


@pytest.mark.requirement("STORE-3")
def test_a_reader_never_sees_half_an_update(integration_id, igny8_backend):
    """Readers poll while structures with all counts 1, then all 2, ... replace each other."""
    base = datetime.now(UTC)
    igny8_backend.update_structure(integration_id, structure({f"t{i}": post_type("T", 0) for i in range(300)}, generated_at=timestamp(base)))
    mixed, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            counts = {e["count"] for e in igny8_backend.content_types(integration_id).json()["post_types"].values()}
            if len(counts) > 1:
                mixed.append(sorted(counts))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for r in readers:
        r.start()
    for n in range(1, 6):
        igny8_backend.update_structure(
            integration_id, structure({f"t{i}": post_type("T", n) for i in range(300)}, generated_at=timestamp(base + timedelta(seconds=n)))
        )
    stop.set()
    for r in readers:
        r.join()
    assert not mixed, f"readers saw half-applied updates: {mixed[:3]}"


@pytest.mark.requirement("READ-3")
def test_before_any_structure_the_read_back_is_empty(integration_id, igny8_backend):
    read = igny8_backend.content_types(integration_id).json()
    assert (read["post_types"], read["taxonomies"], read["last_structure_fetch"], read["status"]) == ({}, {}, None, "connected")
    igny8_backend.update_structure(integration_id, structure())
    assert (
        igny8_backend.content_types(integration_id).json()["last_structure_fetch"]
        == igny8_backend.integration_row(integration_id)["config_json"]["last_structure_fetch"]
    )


@pytest.mark.requirement("CONTENT-1", "READ-2")
def test_sync_content_upserts_and_deletes(integration_id, igny8_backend):
    igny8_backend.update_structure(integration_id, structure())
    items = [
        {
            "external_id": i,
            "post_type": "post",
            "title": f"P{i}",
            "status": "publish",
            "terms": {"category": ["news"], "post_tag": [f"t{i}"]},
        }
        for i in range(1, 4)
    ]
    for _ in range(2):
        assert igny8_backend.call("POST", f"{integration_id}/sync-content/", json={"items": items}).json() == {"upserted": 3, "deleted": 0}
    rows = igny8_backend.query("SELECT count(*) AS n FROM content_syncedcontent WHERE integration_id = %s", integration_id)
    assert rows[0]["n"] == 3, "the same batch twice was stored twice"
    assert igny8_backend.call("POST", f"{integration_id}/sync-content/", json={"deleted": [{"external_id": 2}]}).json()["deleted"] == 1
    read = igny8_backend.content_types(integration_id).json()
    assert read["post_types"]["post"]["synced_count"] == 2
    assert read["taxonomies"]["category"]["synced_count"] == 1 and read["taxonomies"]["post_tag"]["synced_count"] == 3


@pytest.mark.requirement("CONN-1")
def test_connect_names_the_keys_integration_and_marks_it_connected(igny8_fresh_backend, igny8_backend, igny8_evidence):
    response = igny8_backend.connect()
    assert response.status_code == 200, response.text[:300]
    body = response.json()
    igny8_evidence.json("connect answer", body)
    row = igny8_backend.integration_row(body["integration_id"])
    assert row is not None and row["site_id"] == body["site_id"], "connect named an integration or site the key does not belong to"
    assert row["status"] == body["status"] == "connected"


@pytest.mark.requirement("CONN-4")
def test_test_connection_answers_ok_and_changes_nothing(integration_id, igny8_backend):
    igny8_backend.update_structure(integration_id, structure())
    before = stored(igny8_backend, integration_id)
    response = igny8_backend.call("POST", f"{integration_id}/test-connection/")
    assert response.status_code == 200 and response.json()["ok"] is True and response.json()["integration_id"] == integration_id
    assert stored(igny8_backend, integration_id) == before
