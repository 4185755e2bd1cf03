"""CONTENT-1 and READ-2: pushed items and the synced counts beside the structure."""

from content.models import SyncedContent

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
