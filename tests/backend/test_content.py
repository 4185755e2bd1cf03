"""CONTENT-1 and READ-2: pushed items and the synced counts beside the structure."""

from content.models import SyncedContent, SyncedTerm
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import assert_json_error


def _item(external_id, post_type="post", **terms):
    return {"external_id": external_id, "post_type": post_type, "title": f"Item {external_id}", "status": "publish", "terms": terms}


def _sync(tenant, items=(), deleted=()):
    return tenant.client.post(tenant.url("sync-content"), {"items": list(items), "deleted": [{"external_id": i} for i in deleted]}, format="json")


def _synced(tenant):
    read = tenant.client.get(tenant.url("content-types")).json()
    return {k: v["synced_count"] for k, v in read["post_types"].items()}, {k: v["synced_count"] for k, v in read["taxonomies"].items()}


def test_synced_counts_follow_pushed_items(tenant):
    tenant.post_structure()
    batch = [_item(1, category=["news"], post_tag=["a", "b"]), _item(2, category=["news", "sport"]), _item(3, "page")]
    assert _sync(tenant, batch).json() == {"upserted": 3, "deleted": 0}
    assert _synced(tenant) == ({"post": 2, "page": 1}, {"category": 2, "post_tag": 2})


def _terms(tenant):
    """The integration's synced terms, and the terms its synced items carry: CONTENT-1 wants them equal."""
    stored = set(SyncedTerm.objects.filter(integration=tenant.integration).values_list("taxonomy", "slug"))
    items = SyncedContent.objects.filter(integration=tenant.integration).values_list("terms", flat=True)
    carried = {(tax, slug) for terms in items for tax, slugs in terms.items() for slug in slugs}
    assert stored == carried
    return stored


def test_a_term_leaves_with_the_last_item_carrying_it(tenant):
    tenant.post_structure()
    _sync(tenant, [_item(1, category=["news"], post_tag=["a"]), _item(2, category=["news", "sport"]), _item(3, category=["sport"], post_tag=["b"])])
    assert _sync(tenant, deleted=[3]).json() == {"upserted": 0, "deleted": 1}
    assert _terms(tenant) == {("category", "news"), ("category", "sport"), ("post_tag", "a")}  # item 2 still carries sport
    _sync(tenant, [_item(2, category=["news"])])  # sent again without sport
    assert _terms(tenant) == {("category", "news"), ("post_tag", "a")}
    assert _synced(tenant)[1] == {"category": 1, "post_tag": 1}
    _sync(tenant, [_item(1, category=["news"])], deleted=[2])
    assert _synced(tenant)[1] == {"category": 1, "post_tag": 0}
    _sync(tenant, deleted=[1])
    assert _terms(tenant) == set() and _synced(tenant)[1] == {"category": 0, "post_tag": 0}


def test_an_item_sent_and_deleted_in_one_batch_leaves_no_term(tenant):
    _sync(tenant, [_item(1, category=["news"])])
    assert _sync(tenant, [_item(1, category=["news", "sport"]), _item(2, post_tag=["x"])], deleted=[1, 2]).json() == {"upserted": 2, "deleted": 2}
    assert _terms(tenant) == set()


def test_a_term_stays_while_an_item_carries_it(tenant):
    _sync(tenant, [_item(1, category=["news"]), _item(2, category=["news"]), _item(3, category=["news"])])
    _sync(tenant, [_item(1, category=["sport"])], deleted=[2])
    assert _terms(tenant) == {("category", "news"), ("category", "sport")}


def test_another_integrations_items_neither_keep_nor_take_a_term(tenant, other_tenant):
    _sync(other_tenant, [_item(1, category=["news"])])
    _sync(tenant, [_item(1, category=["news"]), _item(2, category=["sport"])])
    _sync(tenant, deleted=[1])
    assert _terms(tenant) == {("category", "sport")}
    assert _terms(other_tenant) == {("category", "news")}


def test_the_look_up_of_unused_terms_can_use_its_index(tenant):
    """The statement that forgets unused terms repeats the expression of the index content_by_term
    (content/models.py); were they to differ, each candidate would read all the integration's items."""
    _sync(tenant, [_item(i, category=[f"c{i}"], post_tag=["common"]) for i in range(1, 201)])
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(SyncedContent._meta.db_table)}")
    with CaptureQueriesContext(connection) as queries:
        _sync(tenant, deleted=[1, 2])
    statement = next(q["sql"] for q in queries.captured_queries if "NOT EXISTS" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # left only bitmap scans, of either index
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + statement)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "content_by_term" in plan, plan


def test_the_same_batch_twice_is_stored_once(tenant):
    tenant.post_structure()
    batch = [_item(1), _item(2)]
    _sync(tenant, batch)
    _sync(tenant, batch)
    assert SyncedContent.objects.filter(integration=tenant.integration).count() == 2


def test_an_item_repeated_in_one_batch_keeps_the_last(tenant):
    _sync(tenant, [{**_item(7), "title": "first"}, {**_item(7), "title": "second"}])
    assert SyncedContent.objects.get(integration=tenant.integration, external_id=7).title == "second"


def test_deleted_items_leave_the_counts(tenant):
    tenant.post_structure()
    _sync(tenant, [_item(1), _item(2), _item(3, "page")])
    assert _sync(tenant, deleted=[2, 3, 99]).json() == {"upserted": 0, "deleted": 2}
    assert _synced(tenant)[0] == {"post": 1, "page": 0}


def test_an_update_moves_an_item_between_types(tenant):
    tenant.post_structure()
    _sync(tenant, [_item(1, "post")])
    _sync(tenant, [_item(1, "page")])
    assert _synced(tenant)[0] == {"post": 0, "page": 1}


def test_items_of_another_integration_do_not_count(tenant, other_tenant):
    tenant.post_structure()
    _sync(other_tenant, [_item(1), _item(2)])
    assert _synced(tenant)[0] == {"post": 0, "page": 0}


def test_a_bad_batch_is_refused_whole(tenant):
    _sync(tenant, [_item(1)])
    bad = [_item(2), {**_item(3), "post_type": "Not A Slug"}]
    error = assert_json_error(_sync(tenant, bad), 400, "invalid_request")
    assert error["details"][0]["path"] == "$.items[1].post_type"
    assert list(SyncedContent.objects.filter(integration=tenant.integration).values_list("external_id", flat=True)) == [1]


# CONTENT-7: a reconciliation walk's end removes what no batch named since the walk opened.


def _walk(tenant, walk_id, batch, last=False, items=(), deleted=()):
    body = {"items": list(items), "deleted": [{"external_id": i} for i in deleted], "walk": {"id": walk_id, "batch": batch, "last": last}}
    response = tenant.client.post(tenant.url("sync-content"), body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def _held(tenant):
    return set(SyncedContent.objects.filter(integration=tenant.integration).values_list("external_id", flat=True))


def test_a_walks_end_removes_what_no_batch_named_since_it_opened(tenant):
    _sync(tenant, [_item(n, category=[f"c{n}"]) for n in (1, 2, 3, 4)])
    _walk(tenant, "w1", 0, items=[_item(1, category=["c1"])])
    _sync(tenant, [_item(3, category=["c3"])])  # a save sent beside the walk: on the site too
    assert _held(tenant) == {1, 2, 3, 4}, "removed before the walk ended"
    assert _walk(tenant, "w1", 1, last=True, items=[_item(5)]) == {"upserted": 1, "deleted": 2}
    assert _held(tenant) == {1, 3, 5}
    assert _terms(tenant) == {("category", "c1"), ("category", "c3")}, "a removed item's terms stayed"


def test_an_empty_site_walks_an_opening_and_an_end(tenant):
    _sync(tenant, [_item(1), _item(2)])
    _walk(tenant, "w", 0)
    assert _walk(tenant, "w", 1, last=True) == {"upserted": 0, "deleted": 2}
    assert _held(tenant) == set()


def test_overlapping_walks_each_end_against_their_own_opening(tenant):
    _sync(tenant, [_item(1), _item(2), _item(3)])
    _walk(tenant, "early", 0, items=[_item(1)])
    _walk(tenant, "late", 0, items=[_item(2)])
    _walk(tenant, "early", 1, last=True)
    assert _held(tenant) == {1, 2}, "the early walk's end removed an item the late walk named after it opened"
    _walk(tenant, "late", 1, last=True)
    assert _held(tenant) == {2}, "item 1 was named before the late walk opened and never since"


def test_a_batch_sent_again_changes_nothing(tenant):
    _sync(tenant, [_item(1), _item(2), _item(3)])
    _walk(tenant, "w", 0, items=[_item(1)])
    _walk(tenant, "w", 1, items=[_item(2)])
    _walk(tenant, "w", 1, items=[_item(2)])  # its answer was lost: sent again
    _walk(tenant, "w", 0, items=[_item(1)])
    assert _walk(tenant, "w", 2, last=True)["deleted"] == 1
    assert _held(tenant) == {1, 2}


def test_a_walk_with_a_batch_missing_removes_nothing_at_its_end(tenant):
    """Batch 1 acknowledged and then lost (a database that crashed), or skipped: what the walk named is unknown."""
    _sync(tenant, [_item(1), _item(2), _item(3)])
    _walk(tenant, "w", 0, items=[_item(1)])
    _walk(tenant, "w", 2, items=[_item(3)])
    assert _walk(tenant, "w", 3, last=True)["deleted"] == 0
    assert _held(tenant) == {1, 2, 3}
    _walk(tenant, "late-opening", 1, items=[_item(1)])  # its batch 0 lost: never open
    assert _walk(tenant, "late-opening", 2, last=True)["deleted"] == 0
    _walk(tenant, "early-end", 0, items=[_item(1)])
    _walk(tenant, "early-end", 1, items=[_item(2)])
    assert _walk(tenant, "early-end", 1, last=True)["deleted"] == 0, "an end numbered as an earlier batch removed items"
    assert _held(tenant) == {1, 2, 3}


def test_the_end_of_a_walk_never_opened_removes_only_what_it_lists(tenant):
    _sync(tenant, [_item(1), _item(2)])
    assert _walk(tenant, "never-opened", 0, last=True, deleted=[2]) == {"upserted": 0, "deleted": 1}
    assert _held(tenant) == {1}
    _walk(tenant, "w", 0, items=[_item(1)])
    _walk(tenant, "w", 1, last=True)
    _sync(tenant, [_item(3)])
    assert _walk(tenant, "w", 1, last=True)["deleted"] == 0, "a walk ended twice removed items at its second end"
    assert _held(tenant) == {1, 3}


def test_a_walk_forgotten_among_newer_ones_removes_nothing_at_its_end(tenant):
    from content.models import OpenWalk

    _sync(tenant, [_item(1)])
    _walk(tenant, "abandoned", 0, items=[_item(2)])
    for n in range(OpenWalk.KEPT_PER_INTEGRATION):
        _walk(tenant, f"newer-{n}", 0, items=[_item(2)])
    assert _walk(tenant, "abandoned", 1, last=True)["deleted"] == 0
    assert _held(tenant) == {1, 2}


def test_a_walk_touches_no_other_integration(tenant, other_tenant):
    _sync(other_tenant, [_item(1), _item(2)])
    _sync(tenant, [_item(1)])
    _walk(tenant, "w", 0, items=[_item(9)])
    _walk(tenant, "w", 1, last=True)
    assert _held(tenant) == {9}
    assert _held(other_tenant) == {1, 2}


def test_a_bad_walk_is_refused_and_stores_nothing(tenant):
    _sync(tenant, [_item(1)])
    bad_walks = ({"id": "", "batch": 0}, {"id": "a b", "batch": 0}, {"id": "x" * 65, "batch": 0}, {"id": "w", "batch": -1},
                 {"id": "w", "batch": "first"}, {"id": "w"}, {"id": "w", "batch": 0, "last": "sometimes"}, "w", {"last": True})  # fmt: skip
    for bad in bad_walks:
        body = {"items": [_item(2)], "walk": bad}
        assert_json_error(tenant.client.post(tenant.url("sync-content"), body, format="json"), 400, "invalid_request")
    assert _held(tenant) == {1}


def test_an_external_id_beyond_bigint_is_refused_not_a_server_error(tenant):
    """PROTOCOL.md 5: external_id is at most 2^63 - 1 (openapi.yaml); a larger one is refused with 400."""
    _sync(tenant, [_item(1)])
    assert_json_error(_sync(tenant, [_item(2**63)]), 400, "invalid_request")
    assert_json_error(_sync(tenant, deleted=[2**63]), 400, "invalid_request")
    assert _sync(tenant, [_item(2**63 - 1)]).status_code == 200
    assert _held(tenant) == {1, 2**63 - 1}
