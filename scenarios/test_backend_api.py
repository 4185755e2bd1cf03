"""The backend's side of the protocol, over real HTTPS: authentication, access control, bad input,
ordering, atomicity, read-back, content. What it stores is read through its observer; a refused
request must leave everything the run can see of the integration unchanged (harness.judge.observed)."""

import json
import secrets
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from harness.generate.structures import invalid_cases, post_type, structure, taxonomy, timestamp
from harness.judge import bystander
from harness.judge.observed import as_served, later_than_stored, observed, stored_structure
from harness.judge.secrets import leaks as secrets_found
from harness.spec.formats import rfc3339
from harness.spec.status import not_applicable

INVALID = invalid_cases()
# STORE-3's readers pause between reads: unpaced, two of them spent the key's whole rate (OPS-4) in
# seconds, and the tests after this one met its 429s. Paced, they still read many times per write.
READ_PAUSE = 0.05
READ_AFTER_WRITE_SECONDS = 30.0  # for a read to begin after a write landed (a reader waits out a 429)
ENDPOINTS = [
    ("POST", "{id}/test-connection/"),
    ("POST", "{id}/update-structure/"),
    ("GET", "{id}/content-types/"),
    ("POST", "{id}/sync-content/"),
    ("POST", "{id}/disconnect/"),
    ("POST", "connect/"),
]


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
def test_every_endpoint_refuses_a_request_without_a_valid_key(connected_backend, igny8_backend, igny8_observer, method, path, key):
    before = observed(igny8_backend, igny8_observer)
    if key.startswith("Basic"):
        response = igny8_backend.call(method, path.format(id=connected_backend), headers={"Authorization": key}, key="", json={})
    else:
        response = igny8_backend.call(method, path.format(id=connected_backend), key=key, json=structure())
    assert_json_error(response, 401)
    assert observed(igny8_backend, igny8_observer) == before


@pytest.mark.requirement("SEC-2")
@pytest.mark.requirement("CONN-4", case="negative")
def test_another_sites_integration_answers_as_a_missing_one(connected_backend, igny8_backend, igny8_bystander, igny8_observer, igny8_evidence):
    igny8_evidence.json("the other tenant", {"integration_id": igny8_bystander.integration_id})
    before = observed(igny8_bystander.client, igny8_observer)
    for method, path in ENDPOINTS[:-1]:
        foreign = igny8_backend.call(method, path.format(id=igny8_bystander.integration_id), json=structure())
        missing = igny8_backend.call(method, path.format(id=987654321), json=structure())
        assert_json_error(foreign, 404)
        assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json()), f"{path}: a foreign id answers unlike a missing one"
    assert observed(igny8_bystander.client, igny8_observer) == before, "a request with another tenant's key changed this tenant"


def key_surfaces(stored, target, integration_id: int) -> dict[str, str]:
    """Where a backend could keep a key: its stored key material, and its logs where the harness can read them."""
    places = {"key material": json.dumps(stored.key_material(integration_id), default=str, ensure_ascii=False)}
    logs = target.backend_logs()
    if logs is not None:
        places["the backend's logs"] = logs
    return places


@pytest.mark.requirement("SEC-3", cells={"surface": ["backend_database", "backend_logs"]})
def test_the_database_holds_no_key_in_clear(connected_backend, igny8_backend, igny8_stored, igny8_backend_target, igny8_evidence):
    places = key_surfaces(igny8_stored, igny8_backend_target, connected_backend)
    igny8_evidence.json("where the key was looked for", {name: len(text) for name, text in places.items()})
    found = secrets_found({"the API key": igny8_backend.api_key}, places)
    assert not found, f"the backend keeps its key readable: {'; '.join(found)}"


@pytest.mark.requirement("ERR-1", "ERR-4")
@pytest.mark.parametrize("name", INVALID)
def test_schema_violations_are_refused_naming_the_path(connected_backend, igny8_backend, igny8_observer, name):
    igny8_backend.update_structure(structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer))))
    before = observed(igny8_backend, igny8_observer)
    payload, paths = INVALID[name]
    error = assert_json_error(igny8_backend.update_structure(payload), 400, "invalid_structure")
    named = [d["path"] for d in error["details"]]
    assert set(paths) & set(named), f"the refusal names none of {' or '.join(paths)}: {error['details']}"
    assert observed(igny8_backend, igny8_observer) == before


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
def test_malformed_bodies_are_refused(connected_backend, igny8_backend, igny8_observer, body, content_type, status):
    before = observed(igny8_backend, igny8_observer)
    response = igny8_backend.call("POST", f"{connected_backend}/update-structure/", data=body, headers={"Content-Type": content_type})
    assert_json_error(response, status)
    assert observed(igny8_backend, igny8_observer) == before


@pytest.mark.requirement("ERR-3", "ERR-4")
def test_an_oversized_body_is_refused_naming_the_limit(connected_backend, igny8_backend, igny8_observer):
    big = structure({f"t{i:05d}": post_type("x" * 200, i) for i in range(4999)})
    big["padding"] = "y" * (5 * 1024 * 1024)
    before = observed(igny8_backend, igny8_observer)
    error = assert_json_error(igny8_backend.update_structure(big), 413, "payload_too_large")
    assert str(5 * 1024 * 1024) in error["message"]
    assert observed(igny8_backend, igny8_observer) == before


@pytest.mark.requirement("CONC-1")
def test_an_older_structure_never_overwrites_a_newer_one(connected_backend, igny8_backend, igny8_observer):
    now = later_than_stored(igny8_backend, igny8_observer)
    assert igny8_backend.update_structure(structure({"post": post_type("Posts", 9)}, generated_at=timestamp(now))).status_code == 200
    before = observed(igny8_backend, igny8_observer)
    older = structure({"post": post_type("Posts", 1)}, generated_at=timestamp(now - timedelta(microseconds=1)))
    assert_json_error(igny8_backend.update_structure(older), 409, "stale_structure")
    assert observed(igny8_backend, igny8_observer) == before


def in_flight_at_once(spans: list[tuple[float, float]]) -> bool:
    """Whether any two (start, end) spans overlap: one started before another had ended."""
    ordered, latest_end = sorted(spans), float("-inf")
    for start, end in ordered:
        if start < latest_end:
            return True
        latest_end = max(latest_end, end)
    return False


@pytest.mark.requirement("CONC-1", "STORE-3", case="negative")
def test_concurrent_updates_keep_the_newest(connected_backend, igny8_backend, igny8_observer):
    base = later_than_stored(igny8_backend, igny8_observer)
    payloads = [structure({"post": post_type("Posts", i)}, generated_at=timestamp(base + timedelta(milliseconds=i))) for i in range(12)]
    order = [5, 11, 0, 7, 3, 9, 1, 10, 2, 8, 4, 6]

    def send(i: int) -> tuple[int, float, float]:
        started = time.monotonic()
        code = igny8_backend.update_structure(payloads[i]).status_code
        return code, started, time.monotonic()

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(send, order))  # a sender's exception is raised here
    assert in_flight_at_once([(start, end) for _, start, end in answers]), "no two updates were in flight at once: nothing concurrent was checked"
    codes = [code for code, _, _ in answers]
    assert set(codes) <= {200, 409}, f"concurrent updates were answered {codes}"
    assert codes[order.index(11)] == 200, f"the newest structure was refused: {codes}"
    assert stored_structure(igny8_backend, igny8_observer)["post_types"]["post"]["count"] == 11


@pytest.mark.requirement("CONC-2")
def test_sending_the_same_structure_twice_equals_once(connected_backend, igny8_backend, igny8_observer):
    sent = structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer)))
    igny8_backend.update_structure(sent)
    once = igny8_backend.read_back()
    assert igny8_backend.update_structure(sent).status_code == 200
    twice = igny8_backend.read_back()
    once.pop("last_structure_fetch"), twice.pop("last_structure_fetch")
    assert once == twice


@pytest.mark.requirement("STORE-3")
def test_a_reader_never_sees_half_an_update(connected_backend, igny8_backend, igny8_observer):
    """Readers poll while structures with all counts 1, then all 2, ... replace each other. Every
    writer's answer is checked, every reader's failure is this test's (a future's result raises it),
    and the check proves that reads ran while writes were in flight: without that overlap, "no reader
    saw half an update" says nothing."""
    base = later_than_stored(igny8_backend, igny8_observer)
    first = igny8_backend.update_structure(structure({f"t{i}": post_type("T", 0) for i in range(300)}, generated_at=timestamp(base)))
    assert first.status_code == 200, f"the first update: {first.status_code} {first.text[:200]}"
    stop = threading.Event()
    writes: list[tuple[float, float]] = []
    begun: list[float] = []  # when each read began, as the readers go (list.append is atomic)

    def read() -> list[tuple[float, float, list[int]]]:
        seen = []
        while not stop.is_set():
            started = time.monotonic()
            begun.append(started)
            counts = sorted({e["count"] for e in igny8_backend.read_back()["post_types"].values()})
            seen.append((started, time.monotonic(), counts))
            time.sleep(READ_PAUSE)
        return seen

    def until_a_read_begins_after(moment: float, readers: list[Future[object]]) -> None:
        """A read that began after a write landed must see it: each write waits for one, so that the
        readers' pace on a loaded machine (two reads in all, in a CI run of 754a3a3) decides nothing."""
        deadline = time.monotonic() + READ_AFTER_WRITE_SECONDS
        while not any(b > moment for b in begun) and not all(r.done() for r in readers) and time.monotonic() < deadline:
            time.sleep(0.01)  # a reader that raised ends the wait: its error is the test's

    with ThreadPoolExecutor(2) as pool:
        readers = [pool.submit(read) for _ in range(2)]
        try:
            for n in range(1, 6):
                started = time.monotonic()
                answer = igny8_backend.update_structure(
                    structure({f"t{i}": post_type("T", n) for i in range(300)}, generated_at=timestamp(base + timedelta(seconds=n)))
                )
                writes.append((started, time.monotonic()))
                assert answer.status_code == 200, f"update {n} was not applied: {answer.status_code} {answer.text[:200]}"
                until_a_read_begins_after(writes[-1][1], readers)
        finally:
            stop.set()
        reads = [read for reader in readers for read in reader.result()]  # a reader's exception is raised here
    overlapping = [r for r in reads if any(r[0] < w_end and w_start < r[1] for w_start, w_end in writes)]
    assert overlapping, f"no read ran while an update was in flight ({len(reads)} reads, {len(writes)} writes): the check proved nothing"
    mixed = [counts for _, _, counts in reads if len(counts) > 1]
    assert not mixed, f"readers saw half-applied updates: {mixed[:3]}"
    assert {c for _, _, counts in reads for c in counts} - {0}, "no reader ever saw an update land"


@pytest.mark.requirement("READ-3", "STORE-2")
def test_before_any_structure_the_read_back_is_empty(igny8_fresh_backend, igny8_backend, igny8_stored):
    assert igny8_backend.connect().status_code == 200
    read = igny8_backend.read_back()
    assert (read["post_types"], read["taxonomies"], read["last_structure_fetch"], read["status"]) == ({}, {}, None, "connected")
    answer = igny8_backend.update_structure(structure())
    assert answer.status_code == 200
    row = igny8_stored.integration(igny8_backend.integration_id)
    served = igny8_backend.read_back()["last_structure_fetch"]
    # Two independent witnesses: the stored row, and the answer's own Date, on the clock of the machine
    # that recorded the time (whole seconds). A read that recorded no time (None against None), or one
    # in another format, passes neither.
    served_at = rfc3339(served)
    assert served == row["last_structure_fetch"], f"the read-back says {served!r}, the store {row['last_structure_fetch']!r}"
    answered = parsedate_to_datetime(answer.headers["Date"])
    assert abs(served_at - answered) <= timedelta(seconds=1.5), f"the sync was recorded at {served_at}, its answer is dated {answered}"


@pytest.mark.requirement("CONTENT-1", "READ-2")
def test_sync_content_upserts_and_deletes(connected_backend, igny8_backend, igny8_stored):
    igny8_backend.update_structure(structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_stored))))
    items = [
        {"external_id": i, "post_type": "post", "title": f"P{i}", "status": "publish", "terms": {"category": ["news"], "post_tag": [f"t{i}"]}}
        for i in range(1, 4)
    ]
    for _ in range(2):
        answer = igny8_backend.sync_content({"items": items}).json()  # openapi.yaml's SyncContentResponse: more fields are allowed
        assert (answer["upserted"], answer["deleted"]) == (3, 0), answer
    assert len(igny8_stored.synced_items(connected_backend)) == 3, "the same batch twice was stored twice"
    assert igny8_backend.sync_content({"deleted": [{"external_id": 2}]}).json()["deleted"] == 1
    read = igny8_backend.read_back()
    assert read["post_types"]["post"]["synced_count"] == 2
    assert read["taxonomies"]["category"]["synced_count"] == 1, "one category on every item counts once"
    assert read["taxonomies"]["post_tag"]["synced_count"] == 2, "the deleted item's own tag still counts as synced"


@pytest.mark.requirement("CONTENT-1", "READ-2", case="negative")
def test_a_term_leaves_with_the_last_item_that_carries_it(connected_backend, igny8_backend, igny8_stored):
    """A taxonomy's synced count goes down as well as up: resent without a term, or deleted, an item takes its terms along."""
    igny8_backend.update_structure(structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_stored))))

    def item(external_id, *categories):
        return {"external_id": external_id, "post_type": "post", "title": f"P{external_id}", "status": "publish", "terms": {"category": list(categories)}}

    def categories():
        return igny8_backend.read_back()["taxonomies"]["category"]["synced_count"]

    assert igny8_backend.sync_content({"items": [item(1, "news", "sport"), item(2, "news")]}).status_code == 200
    assert categories() == 2
    assert igny8_backend.sync_content({"items": [item(1, "news")]}).status_code == 200
    assert categories() == 1, "a term no item carries any more (resent without it) still counts"
    assert igny8_backend.sync_content({"deleted": [{"external_id": 2}]}).status_code == 200
    assert categories() == 1, "a term another item still carries left with a deleted item"
    assert igny8_backend.sync_content({"deleted": [{"external_id": 1}]}).status_code == 200
    assert categories() == 0, "the terms of the last deleted item still count"


def _item(external_id, *categories):
    return {"external_id": external_id, "post_type": "post", "title": f"P{external_id}", "status": "publish", "terms": {"category": list(categories)}}


def _walk(client, walk_id, batch, last=False, items=()):
    response = client.sync_content({"items": list(items), "walk": {"id": walk_id, "batch": batch, "last": last}})
    assert response.status_code == 200, response.text[:300]
    return response.json()


def _held(client, stored):
    return {row["external_id"] for row in stored.synced_items(client.integration_id)}


@pytest.mark.requirement("CONTENT-7", "CONTENT-1")
def test_a_walks_end_removes_what_no_batch_named_since_it_opened(connected_backend, igny8_backend, igny8_stored, igny8_new_tenant):
    """Another tenant holds the same external IDs; a save is sent beside the walk; a batch is sent
    twice (its answer lost); a second walk opens before the first ends (the daily event during a
    backfill), and each end compares with its own opening."""
    first, second = (f"daily-{n}-{secrets.token_hex(4)}" for n in (1, 2))  # a walk an earlier attempt left open is not these
    neighbour = igny8_new_tenant("igny8 walk neighbour")
    assert neighbour.connect().status_code == 200
    assert neighbour.sync_content({"items": [_item(n, "theirs") for n in (1, 2, 3, 4, 5)]}).status_code == 200
    assert igny8_backend.sync_content({"items": [_item(n, f"c{n}") for n in (1, 2, 3, 4, 5)]}).status_code == 200
    _walk(igny8_backend, first, 0, items=[_item(1, "c1")])
    _walk(igny8_backend, first, 0, items=[_item(1, "c1")])  # sent again
    assert igny8_backend.sync_content({"items": [_item(3, "c3")]}).status_code == 200  # a save, beside the walk
    _walk(igny8_backend, second, 0, items=[_item(2, "c2")])
    assert _held(igny8_backend, igny8_stored) == {1, 2, 3, 4, 5}, "items were removed before any walk ended"
    _walk(igny8_backend, first, 1, last=True, items=[_item(6, "c6")])
    assert _held(igny8_backend, igny8_stored) == {1, 2, 3, 6}, "the walk's end kept an item nobody named (4, 5) or removed one named since it opened"
    _walk(igny8_backend, second, 1, last=True)
    assert _held(igny8_backend, igny8_stored) == {2, 6}, "the second walk's end: 1 and 3 were named only before it opened, 6 after"
    categories = {row["slug"] for row in igny8_stored.synced_terms(connected_backend)}
    assert categories == {"c2", "c6"}, f"the removed items' terms stayed: {categories}"
    assert _held(neighbour, igny8_stored) == {1, 2, 3, 4, 5}, "another tenant's items were removed by this tenant's walk"


@pytest.mark.requirement("CONTENT-7", case="negative")
def test_a_walks_end_removes_nothing_unless_every_batch_of_the_walk_arrived(connected_backend, igny8_backend, igny8_stored, igny8_observer):
    """The end of a walk never opened (its batch 0 lost), with a batch missing (acknowledged, then
    lost by a crashed database), or ended twice, removes only what its batch lists; a walk out of
    its alphabet is refused, storing nothing."""
    never_opened, gap, once = (f"{name}-{secrets.token_hex(4)}" for name in ("never-opened", "gap", "once"))
    assert igny8_backend.sync_content({"items": [_item(n) for n in (1, 2, 3)]}).status_code == 200
    _walk(igny8_backend, never_opened, 1, items=[_item(1)])
    assert _walk(igny8_backend, never_opened, 2, last=True, items=[_item(4)])["deleted"] == 0
    _walk(igny8_backend, gap, 0, items=[_item(1)])
    _walk(igny8_backend, gap, 2, items=[_item(3)])  # batch 1, naming 2, never arrived
    assert _walk(igny8_backend, gap, 3, last=True)["deleted"] == 0, "a walk with a batch missing removed what that batch would have named"
    assert _held(igny8_backend, igny8_stored) == {1, 2, 3, 4}
    _walk(igny8_backend, once, 0, items=[_item(1), _item(2), _item(3), _item(4)])
    _walk(igny8_backend, once, 1, last=True)
    assert igny8_backend.sync_content({"items": [_item(5)]}).status_code == 200
    assert _walk(igny8_backend, once, 1, last=True)["deleted"] == 0, "a walk ended twice removed items at its second end"
    assert _held(igny8_backend, igny8_stored) == {1, 2, 3, 4, 5}
    before = observed(igny8_backend, igny8_observer)
    bad_walks = ({"id": "", "batch": 0}, {"id": "a walk", "batch": 0}, {"id": "x" * 65, "batch": 0}, {"id": "w", "batch": -1},
                 {"id": "w"}, {"id": "w", "batch": 0, "last": "sometimes"}, "w")  # fmt: skip
    for bad in bad_walks:
        assert_json_error(igny8_backend.sync_content({"items": [_item(9)], "walk": bad}), 400)
    assert observed(igny8_backend, igny8_observer) == before, "a refused walk changed what is stored"


@pytest.mark.requirement("CONN-1")
def test_connect_names_the_keys_integration_and_marks_it_connected(igny8_fresh_backend, igny8_backend, igny8_stored, igny8_evidence):
    response = igny8_backend.connect()
    assert response.status_code == 200, response.text[:300]
    body = response.json()
    igny8_evidence.json("connect answer", body)
    assert body["integration_id"] == igny8_backend.integration_id, "connect named an integration the key does not belong to"
    row = igny8_stored.integration(body["integration_id"])
    assert row is not None and row["site_id"] == body["site_id"], "connect named a site the key does not belong to"
    assert row["status"] == body["status"] == igny8_backend.read_back()["status"] == "connected"


@pytest.mark.requirement("CONN-4")
def test_test_connection_answers_ok_and_changes_nothing(connected_backend, igny8_backend, igny8_observer):
    igny8_backend.update_structure(structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer))))
    before = observed(igny8_backend, igny8_observer)
    response = igny8_backend.call("POST", f"{connected_backend}/test-connection/")
    assert response.status_code == 200 and response.json()["ok"] is True and response.json()["integration_id"] == connected_backend
    assert observed(igny8_backend, igny8_observer) == before


@pytest.mark.requirement("SEC-2", "READ-1", case="negative")
def test_no_read_shows_the_other_tenants_data(connected_backend, igny8_backend, igny8_bystander, igny8_observer):
    """Our tenant's read-back holds nothing of the bystander's, and the bystander's still holds all its own."""
    igny8_backend.update_structure(structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer))))
    assert not bystander.leaks(igny8_backend.read_back()), "the other tenant's structure shows in this tenant's read-back"
    theirs = igny8_bystander.client.read_back()
    assert {k: theirs[k] for k in ("post_types", "taxonomies")} == {k: igny8_bystander.read_back[k] for k in ("post_types", "taxonomies")}


@pytest.mark.requirement("SEC-3", case="negative", cells={"surface": ["backend_database", "backend_logs"]})
def test_no_key_in_clear_for_a_new_key_a_revoked_key_nor_another_tenants(
    connected_backend, igny8_backend, igny8_bystander, igny8_new_tenant, igny8_stored, igny8_change_integration, igny8_backend_target
):
    """A key made by the build under test (a new tenant's), one revoked, and another tenant's."""
    new = igny8_new_tenant("igny8 key check")
    assert new.connect().status_code == 200, "a new tenant's key does not open its integration"
    igny8_change_integration(connected_backend, "revoke-key")
    for client in (new, igny8_backend, igny8_bystander.client):
        found = secrets_found({"its API key": client.api_key}, key_surfaces(igny8_stored, igny8_backend_target, client.integration_id))
        assert not found, f"integration {client.integration_id} keeps its key readable: {'; '.join(found)}"


@pytest.mark.requirement("ERR-1", "STORE-3", case="negative")
def test_one_bad_entry_deep_in_a_large_payload_is_found_and_nothing_is_stored(connected_backend, igny8_backend, igny8_observer):
    """A validator that stops early, or stores the entries before the bad one, lets this through."""
    types = {f"t{i:04d}": post_type(f"Type {i}", i) for i in range(1500)}
    types["t1499"]["label"] = ""
    payload = structure(types, generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer)))
    before = observed(igny8_backend, igny8_observer)
    error = assert_json_error(igny8_backend.update_structure(payload), 400, "invalid_structure")
    assert "$.post_types.t1499.label" in [d["path"] for d in error["details"]], f"the refusal does not name the bad entry: {error['details'][:3]}"
    assert observed(igny8_backend, igny8_observer) == before


@pytest.mark.requirement("ERR-3", case="negative")
def test_the_size_limit_is_exact(connected_backend, igny8_backend, igny8_observer):
    """A body one byte over the limit is refused; a valid one of exactly the limit is not refused for its size."""
    limit = 5 * 1024 * 1024
    body = json.dumps(structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer)))).encode()
    at_limit = body[:-1] + b" " * (limit - len(body)) + b"}"  # whitespace before the last brace: the same JSON
    over = body[:-1] + b" " * (limit + 1 - len(body)) + b"}"
    before = observed(igny8_backend, igny8_observer)
    headers = {"Content-Type": "application/json"}
    assert_json_error(igny8_backend.call("POST", f"{connected_backend}/update-structure/", data=over, headers=headers), 413, "payload_too_large")
    assert observed(igny8_backend, igny8_observer) == before
    accepted = igny8_backend.call("POST", f"{connected_backend}/update-structure/", data=at_limit, headers=headers)
    assert accepted.status_code == 200, f"a valid body of exactly {limit} bytes answered {accepted.status_code}: {accepted.text[:200]}"


@pytest.mark.requirement("CONC-1", case="negative")
def test_ordering_is_exact_to_the_microsecond(connected_backend, igny8_backend, igny8_observer):
    moment = later_than_stored(igny8_backend, igny8_observer)
    assert igny8_backend.update_structure(structure({"post": post_type("Posts", 1)}, generated_at=timestamp(moment))).status_code == 200
    same = igny8_backend.update_structure(structure({"post": post_type("Posts", 2)}, generated_at=timestamp(moment)))
    assert same.status_code == 200, f"a structure generated at the same instant answered {same.status_code} (CONC-1: an equal one is accepted)"
    later = igny8_backend.update_structure(structure({"post": post_type("Posts", 3)}, generated_at=timestamp(moment + timedelta(microseconds=1))))
    assert later.status_code == 200, f"a structure one microsecond newer answered {later.status_code}"
    assert_json_error(igny8_backend.update_structure(structure({"post": post_type("Posts", 4)}, generated_at=timestamp(moment))), 409, "stale_structure")
    assert stored_structure(igny8_backend, igny8_observer)["post_types"]["post"]["count"] == 3


@pytest.mark.requirement("CONTENT-1", case="negative")
def test_content_is_refused_before_connect_and_when_malformed(igny8_fresh_backend, igny8_backend, igny8_stored):
    item = {"external_id": 7, "post_type": "post", "title": "P", "status": "publish", "terms": {}}
    assert_json_error(igny8_backend.sync_content({"items": [item]}), 409, "not_connected")
    assert igny8_stored.synced_items(igny8_backend.integration_id) == []
    assert igny8_backend.connect().status_code == 200
    bad_batches = (
        {"items": [{**item, "external_id": 0}]},
        {"items": [{**item, "post_type": "Not A Slug"}]},
        {"items": [item] * 501},
        {"deleted": [{"external_id": "x"}]},
    )
    for bad in bad_batches:
        assert_json_error(igny8_backend.sync_content(bad), 400)
    assert igny8_stored.synced_items(igny8_backend.integration_id) == [], "a refused batch stored items"


@pytest.mark.requirement("READ-2", case="negative")
def test_synced_counts_count_only_this_integrations_live_items(connected_backend, igny8_backend, igny8_bystander, igny8_stored):
    """The other tenant has synced posts and categories too; deleted items leave; terms count once."""
    igny8_backend.update_structure(structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_stored))))
    items = [{"external_id": i, "post_type": "post", "title": f"P{i}", "status": "publish", "terms": {"category": ["news", f"c{i % 2}"]}} for i in range(1, 6)]
    assert igny8_backend.sync_content({"items": items, "deleted": [{"external_id": 4}, {"external_id": 5}]}).status_code == 200
    read = igny8_backend.read_back()
    live = igny8_stored.synced_items(connected_backend)
    assert read["post_types"]["post"]["synced_count"] == len(live) == 3, f"synced posts: {read['post_types']['post']['synced_count']}, stored {len(live)}"
    assert read["post_types"]["page"]["synced_count"] == 0
    assert read["taxonomies"]["category"]["synced_count"] == 3, "terms of items that left, or of another tenant, count as synced"


@pytest.mark.requirement("CONTENT-1", "READ-2", case="negative")
def test_content_of_types_and_taxonomies_with_keys_at_the_limits_is_counted(connected_backend, igny8_backend, igny8_observer):
    """Keys as long as WordPress allows (20 for post types, 32 for taxonomies), with - and _."""
    long_type, long_taxonomy = "a-post_type-of-20ch"[:19] + "x", "t" * 30 + "-_"
    types = {long_type: post_type("Long", 2), "post": post_type("Posts", 0)}
    taxonomies = {long_taxonomy: taxonomy("Long terms", [long_type], 1)}
    assert (
        igny8_backend.update_structure(structure(types, taxonomies, generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer)))).status_code
        == 200
    )
    items = [{"external_id": n, "post_type": long_type, "title": f"L{n}", "status": "publish", "terms": {long_taxonomy: ["a" * 200]}} for n in (1, 2)]
    response = igny8_backend.sync_content({"items": items})
    assert response.status_code == 200, f"content of keys at WordPress's limits was refused: {response.status_code} {response.text[:300]}"
    read = igny8_backend.read_back()
    assert (read["post_types"][long_type]["synced_count"], read["taxonomies"][long_taxonomy]["synced_count"]) == (2, 1)


def _with(payload, path, value):
    """payload with the value at `path` (keys, then the last key) set, a copy."""
    payload = json.loads(json.dumps(payload))
    node = payload
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return payload


# Payloads a lenient validator passes and the schema refuses (ERR-5): a pattern's "$" matches before a
# final newline in Python's re, not in ECMA-262's; formats that a validator may leave unasserted.
ONE_VALIDATOR_REFUSES = {
    "post type key with a final newline": (["post_types", "post\n"], post_type("Posts"), "$.post_types"),
    "taxonomy name with U+0000": (["taxonomies", "cat\x00egory"], taxonomy("Categories", ["post"]), "$.taxonomies"),
    "object type with U+0000": (["taxonomies", "category", "object_types"], ["post\x00"], "$.taxonomies.category.object_types"),
    "wp_version with a final newline": (["wp_version"], "6.1.9\n", "$.wp_version"),
    "plugin_version with a final newline": (["plugin_version"], "1.0.0\n", "$.plugin_version"),
    "site_url with a blank": (["site_url"], "https://wp.example/a b", "$.site_url"),
    "site_url with a final newline": (["site_url"], "https://wp.example/\n", "$.site_url"),
    # "iri" (RFC 3987): what a "scheme, then no blank" check passes and the grammar refuses.
    "site_url with a % not followed by two hex digits": (["site_url"], "https://wp.example/100%", "$.site_url"),
    "site_url with a character no IRI holds": (["site_url"], "https://wp.example/a<b>", "$.site_url"),
    "site_url with a noncharacter": (["site_url"], "https://wp.example/\ufffe", "$.site_url"),
    "generated_at on a day February lacks": (["generated_at"], "2025-02-29T00:00:00.000000Z", "$.generated_at"),
}


@pytest.mark.requirement("ERR-5", "ERR-4", case="negative")
@pytest.mark.parametrize("name", ONE_VALIDATOR_REFUSES)
def test_a_payload_a_lenient_validator_would_pass_is_refused_and_stores_nothing(connected_backend, igny8_backend, igny8_observer, name):
    """The reference once refused these with its fast validator, found no error with the one that
    names errors, and stored them."""
    igny8_backend.update_structure(structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer))))
    before = observed(igny8_backend, igny8_observer)
    path, value, named = ONE_VALIDATOR_REFUSES[name]
    payload = _with(structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer))), path, value)
    error = assert_json_error(igny8_backend.update_structure(payload), 400, "invalid_structure")
    assert any(d["path"].startswith(named) for d in error["details"]), f"the refusal does not name {named}: {error['details']}"
    assert observed(igny8_backend, igny8_observer) == before, f"{name}: refused, yet stored"


@pytest.mark.requirement("ERR-5")
def test_a_payload_at_the_schemas_edges_is_accepted_and_read_back_unchanged(connected_backend, igny8_backend, igny8_observer):
    """What a too strict reading of the schema would refuse: keys at WordPress's limits, a label of
    200 characters outside the BMP, a label ending in a newline (ECMA-262's "$" is after it), the
    largest count, a URL with a query, a fragment and non-ASCII, versions with suffixes."""
    types = {"a-post_type-of-20ch"[:19] + "x": post_type("📚" * 200, 2147483647), "post": post_type("Posts\n", 0), "9": post_type("Nine", 1)}
    taxonomies = {"t" * 30 + "-_": taxonomy("a" * 200, [], 0), "category": taxonomy("Ж\u200f", ["post", "9"], 1, hierarchical=True)}
    payload = structure(
        types,
        taxonomies,
        generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer)),
        site_url="https://wp.example/blog/é?lang=fr&x=1#top",
        wp_version="6.5-RC1",
        plugin_version="1.0.0+build.5",
    )
    response = igny8_backend.update_structure(payload)
    assert response.status_code == 200, f"a valid payload at the schema's edges was refused: {response.status_code} {response.text[:400]}"
    assert stored_structure(igny8_backend, igny8_observer) == as_served(payload), "the payload was not stored as sent"


# Site addresses WordPress may hold: every one an IRI (RFC 3987), so accepted and served back as sent (ERR-5, PROTOCOL.md 3).
IRI_SITE_URLS = {
    "a Unicode domain": "https://bücher.example/",
    "a non-ASCII path, port and query": "http://wp.example:8080/blog/é/?q=ü",
    "an IPv6 literal": "http://[::1]:8080/blog/",
    "a script beyond the BMP": "https://wp.example/𝒷𝓁ℴℊ",
    "percent-encoded next to raw": "https://wp.example/%C3%A9/é",
}


@pytest.mark.requirement("ERR-5")
@pytest.mark.parametrize("name", IRI_SITE_URLS)
def test_an_iri_site_url_is_accepted_and_read_back_unchanged(connected_backend, igny8_backend, igny8_observer, name):
    payload = structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer)), site_url=IRI_SITE_URLS[name])
    response = igny8_backend.update_structure(payload)
    assert response.status_code == 200, f"{name}: the IRI site_url {IRI_SITE_URLS[name]!r} was refused: {response.status_code} {response.text[:400]}"
    assert igny8_backend.read_back()["site_url"] == IRI_SITE_URLS[name], f"{name}: the site_url was not served back as sent"
    assert stored_structure(igny8_backend, igny8_observer) == as_served(payload), f"{name}: the payload was not stored as sent"


@pytest.mark.requirement("CONC-3", "ERR-4", case="negative")
def test_a_structure_from_a_day_ahead_is_refused_and_the_next_sync_is_accepted(connected_backend, igny8_backend, igny8_observer, igny8_evidence):
    """Stored, it would make every later sync stale (409) until tomorrow."""
    igny8_backend.update_structure(structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer))))
    before = observed(igny8_backend, igny8_observer)
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    ahead = structure({"post": post_type("From tomorrow", 99)}, generated_at=timestamp(tomorrow))
    error = assert_json_error(igny8_backend.update_structure(ahead), 400, "generated_at_in_future")
    igny8_evidence.json("the refusal", error)
    assert "$.generated_at" in [d["path"] for d in error["details"]], f"the refusal does not name $.generated_at: {error['details']}"
    assert observed(igny8_backend, igny8_observer) == before, "a structure from tomorrow was refused, yet stored"
    ordinary = structure({"post": post_type("Posts", 3)}, generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer)))
    response = igny8_backend.update_structure(ordinary)
    assert response.status_code == 200, f"the sync after a refused structure from the future answered {response.status_code}: {response.text[:300]}"
    assert stored_structure(igny8_backend, igny8_observer) == as_served(ordinary)


@pytest.mark.requirement("CONC-3")
def test_a_structure_four_minutes_ahead_is_accepted(connected_backend, igny8_backend, igny8_stored):
    """Within the 5 minutes a site's clock may run ahead. Needs the observer: the tenant is reset
    afterwards, so that no later test meets a structure dated minutes ahead."""
    try:
        ahead = structure(generated_at=timestamp(datetime.now(UTC) + timedelta(minutes=4)))
        response = igny8_backend.update_structure(ahead)
        assert response.status_code == 200, f"a structure 4 minutes ahead answered {response.status_code}: {response.text[:300]}"
        assert stored_structure(igny8_backend, igny8_stored) == as_served(ahead)
    finally:
        igny8_stored.reset(connected_backend)


# Taxonomy names and object types as WordPress takes them (STORE-4): register_taxonomy() checks only
# a name's length in bytes, and a taxonomy may be attached to more than post types.
WORDPRESS_NAMES = {
    "pa_Color": taxonomy("Color", ["product"], 3),
    "pa_größe": taxonomy("Größe", ["product"], 4),
    "pa_材质": taxonomy("材质", ["product"], 2),
    "Genre ALL CAPS": taxonomy("Genre", ["post"], 1),
    "media_folder": taxonomy("Folders", ["attachment:image", "attachment"], 5, hierarchical=True),
    "x" * 28 + "é" * 2: taxonomy("32 bytes", ["post"], 0),
}


@pytest.mark.requirement("STORE-4")
def test_every_taxonomy_name_wordpress_accepts_is_stored_and_read_back_unchanged(connected_backend, igny8_backend, igny8_observer):
    types = {"post": post_type("Posts", 2), "product": post_type("Products", 3)}
    payload = structure(types, WORDPRESS_NAMES, generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer)))
    response = igny8_backend.update_structure(payload)
    assert response.status_code == 200, f"names WordPress accepts were refused: {response.status_code} {response.text[:400]}"
    read = igny8_backend.read_back()
    assert {slug: (e["label"], sorted(e["object_types"])) for slug, e in read["taxonomies"].items()} == {
        slug: (e["label"], sorted(e["object_types"])) for slug, e in WORDPRESS_NAMES.items()
    }
    if igny8_observer is not None:
        assert stored_structure(igny8_backend, igny8_observer) == as_served(payload), "the names were not stored as sent"
    items = [
        {"external_id": n, "post_type": "product", "title": f"P{n}", "status": "publish", "terms": {"pa_Color": ["red"], "pa_größe": ["m"]}} for n in (1, 2)
    ]
    response = igny8_backend.sync_content({"items": items})
    assert response.status_code == 200, f"content tagged in such taxonomies was refused: {response.status_code} {response.text[:300]}"
    read = igny8_backend.read_back()
    assert (read["taxonomies"]["pa_Color"]["synced_count"], read["taxonomies"]["pa_größe"]["synced_count"]) == (1, 1)


@pytest.mark.requirement("STORE-4", "ERR-4", case="negative")
@pytest.mark.parametrize(
    "name",
    ["t" * 33, "ü" * 33, "cat\x00egory", ""],
    ids=["33 characters", "33 non-ASCII characters", "U+0000", "empty"],
)
def test_a_taxonomy_name_wordpress_cannot_hold_either_is_refused_and_nothing_changes(connected_backend, igny8_backend, igny8_observer, name):
    igny8_backend.update_structure(structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer))))
    before = observed(igny8_backend, igny8_observer)
    taxonomies = {"category": taxonomy("Categories", ["post"]), name: taxonomy("Odd", ["post"])}
    payload = structure(taxonomies=taxonomies, generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer)))
    error = assert_json_error(igny8_backend.update_structure(payload), 400, "invalid_structure")
    assert any(d["path"].startswith("$.taxonomies") for d in error["details"]), error
    assert observed(igny8_backend, igny8_observer) == before
    items = [{"external_id": 1, "post_type": "post", "title": "T", "status": "publish", "terms": {name: ["a"]}}]
    assert igny8_backend.sync_content({"items": items}).status_code == 400, "sync-content took terms of a taxonomy name WordPress cannot hold"
    assert observed(igny8_backend, igny8_observer) == before


SHOP, STAGING = "https://shop.example", "https://staging.shop.example"


def connect_from(backend, site_url):
    return backend.call("POST", "connect/", json={"site_url": site_url})


@pytest.mark.requirement("CONN-9", case="negative")
def test_a_connect_or_a_structure_from_another_site_is_refused(igny8_fresh_backend, igny8_backend, igny8_stored, igny8_evidence):
    assert connect_from(igny8_backend, SHOP).status_code == 200
    assert igny8_backend.update_structure(structure(site_url=SHOP)).status_code == 200
    before = observed(igny8_backend, igny8_stored)
    connect = connect_from(igny8_backend, STAGING)
    copy = igny8_backend.update_structure(structure(site_url=STAGING, generated_at=timestamp(later_than_stored(igny8_backend, igny8_stored))))
    igny8_evidence.json("answers to another site", {"connect": connect.json(), "update-structure": copy.json()})
    for what, response in (("Connect", connect), ("update-structure", copy)):
        assert response.status_code == 409, f"{what} from another site than the bound one answered {response.status_code}"
        assert response.json()["error"]["code"] == "site_mismatch", response.text[:300]
    assert observed(igny8_backend, igny8_stored) == before, "a request from another site changed the integration"


@pytest.mark.requirement("CONN-9")
def test_the_same_site_connects_again_and_a_disconnect_releases_it(igny8_fresh_backend, igny8_backend):
    assert connect_from(igny8_backend, SHOP).status_code == 200
    assert connect_from(igny8_backend, SHOP.upper() + "/").status_code == 200, "the same site, written with a trailing slash and in capitals, was refused"
    assert igny8_backend.call("POST", f"{igny8_backend.integration_id}/disconnect/").status_code == 200
    assert connect_from(igny8_backend, STAGING).status_code == 200, "after a Disconnect, another site could not connect"
    assert igny8_backend.update_structure(structure(site_url=STAGING)).status_code == 200


# ---- ERR-6: schema versions --------------------------------------------------------------------


@pytest.mark.requirement("ERR-6")
def test_connect_lists_the_schema_versions_it_accepts_and_a_listed_one_is_stored(connected_backend, igny8_backend, igny8_observer):
    versions = igny8_backend.connect().json().get("schema_versions")
    assert isinstance(versions, list) and versions and all(type(v) is int for v in versions), f"connect's schema_versions: {versions!r}"
    assert 1 in versions, f"connect lists {versions}, not version 1, which this protocol defines"
    response = igny8_backend.update_structure(structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer))))
    assert response.status_code == 200, f"a version-1 structure was answered {response.status_code}: {response.text[:300]}"


@pytest.mark.requirement("ERR-6", "ERR-4", case="negative")
@pytest.mark.parametrize("version", [2, 0])
def test_a_schema_version_it_does_not_speak_is_named_and_stores_nothing(version, request, connected_backend, igny8_backend, igny8_observer):
    spoken = igny8_backend.connect().json().get("schema_versions") or [1]
    if version in spoken:
        not_applicable(request.node, f"this backend speaks schema version {version}: no refusal to check")
    before = observed(igny8_backend, igny8_observer)
    payload = {**structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer))), "schema_version": version}
    error = assert_json_error(igny8_backend.update_structure(payload), 400, "unsupported_schema_version")
    assert all(str(v) in error["message"] for v in spoken), f"the refusal does not name the versions the backend speaks ({spoken}): {error['message']!r}"
    assert observed(igny8_backend, igny8_observer) == before, f"a version-{version} structure changed the integration"


@pytest.mark.requirement("ERR-6", "ERR-1", case="negative")
@pytest.mark.parametrize("where", ["at the top", "in a post type", "in a taxonomy"])
def test_a_field_its_version_does_not_define_is_refused_by_name_not_dropped(where, connected_backend, igny8_backend, igny8_observer):
    payload = structure(
        {"post": post_type("Posts", 3)},
        {"category": taxonomy("Categories", ["post"], 2)},
        generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer)),
    )
    holder = {"at the top": payload, "in a post type": payload["post_types"]["post"], "in a taxonomy": payload["taxonomies"]["category"]}[where]
    holder["igny8_v2_menu_position"] = 5
    before = observed(igny8_backend, igny8_observer)
    error = assert_json_error(igny8_backend.update_structure(payload), 400, "invalid_structure")
    assert "igny8_v2_menu_position" in json.dumps(error), f"the refusal does not name the unknown field: {error}"
    assert observed(igny8_backend, igny8_observer) == before, f"a structure with an unknown field {where} changed the integration"


# ---- CONN-11: Disconnect ends the connection, not the key --------------------------------------


@pytest.mark.requirement("CONN-11", case="negative")
def test_after_disconnect_a_structure_is_refused_and_stores_nothing(connected_backend, igny8_backend, igny8_observer):
    assert igny8_backend.call("POST", f"{connected_backend}/disconnect/").status_code == 200
    before = observed(igny8_backend, igny8_observer)
    payload = structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer)))
    assert_json_error(igny8_backend.update_structure(payload), 409, "not_connected")
    assert observed(igny8_backend, igny8_observer) == before, "a structure sent after Disconnect changed the integration"


@pytest.mark.requirement("CONN-11")
def test_the_same_key_connects_again_after_disconnect(connected_backend, igny8_backend, igny8_observer):
    assert igny8_backend.call("POST", f"{connected_backend}/disconnect/").status_code == 200
    again = igny8_backend.connect()
    assert again.status_code == 200 and again.json()["status"] == "connected", (
        f"the key no longer connects after Disconnect: {again.status_code} {again.text[:200]}"
    )
    response = igny8_backend.update_structure(structure(generated_at=timestamp(later_than_stored(igny8_backend, igny8_observer))))
    assert response.status_code == 200, f"after connecting again, a structure was answered {response.status_code}"
