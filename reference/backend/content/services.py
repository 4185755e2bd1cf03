"""CONTENT-1: upsert pushed items; CONTENT-7: a walk's end removes what it never named; READ-2: count them."""

from django.db import connection, transaction
from django.db.models import Count, Q
from integration.models import SiteIntegration

from .models import BatchCount, OpenWalk, SyncedContent, SyncedTerm

UPDATED_FIELDS = ["post_type", "title", "status", "url", "modified_gmt", "terms", "synced_at", "named_in"]


def _pairs(terms):
    """{taxonomy: [slug, ...]} as a set of (taxonomy, slug)."""
    return {(taxonomy, slug) for taxonomy, slugs in terms.items() for slug in slugs}


def apply_batch(integration, items, deleted, walk=None):
    """Applies one sync-content batch; returns (items upserted, items removed)."""
    latest = {item["external_id"]: item for item in items}  # one row may appear once per statement
    gone = {d["external_id"] for d in deleted}
    terms = {pair for external_id, item in latest.items() if external_id not in gone for pair in _pairs(item.get("terms", {}))}
    with transaction.atomic():
        # One batch of an integration at a time: a term this batch finds unused may be another's new
        # one, and the batches' numbers (named_in) follow the order they are applied in.
        list(SiteIntegration.objects.select_for_update().filter(pk=integration.pk).values_list("pk"))
        batch = _next_batch_number(integration)
        rows = [SyncedContent(integration=integration, named_in=batch, **{"url": "", "terms": {}, **item}) for item in latest.values()]
        before = SyncedContent.objects.filter(integration=integration, external_id__in=[*latest, *gone]).values_list("terms", flat=True)
        candidates = {pair for carried in before for pair in _pairs(carried)} - terms  # terms the batch may take away
        SyncedContent.objects.bulk_create(rows, update_conflicts=True, unique_fields=["integration", "external_id"], update_fields=UPDATED_FIELDS)
        SyncedTerm.objects.bulk_create([SyncedTerm(integration=integration, taxonomy=t, slug=s) for t, s in sorted(terms)], ignore_conflicts=True)
        doomed = Q(external_id__in=gone)
        if walk and (unnamed := _walk(integration, walk, batch)) is not None:
            doomed |= unnamed
            swept = SyncedContent.objects.filter(unnamed, integration=integration).values_list("terms", flat=True)
            candidates |= {pair for carried in swept for pair in _pairs(carried)}
        removed, _ = SyncedContent.objects.filter(doomed, integration=integration).delete()
        forget_unused_terms(integration, candidates)
    return len(rows), removed


def _next_batch_number(integration):
    """The number of this batch among the integration's: one more than the last (one statement)."""
    table = connection.ops.quote_name(BatchCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (integration_id, applied) VALUES (%s, 1)
                ON CONFLICT (integration_id) DO UPDATE SET applied = {table}.applied + 1 RETURNING applied""",
            [integration.pk],
        )
        return cursor.fetchone()[0]


def _walk(integration, walk, batch):
    """CONTENT-7. A walk opens with its batch number 0, and ends with its last: then the items no
    batch has named since it opened (the walk's own, or any sent beside it, or another walk's) are
    the ones the site no longer has. Returns their condition, or None (nothing to remove): the walk
    goes on; or its end comes for a walk this backend never saw open, has forgotten, or saw with a
    batch missing (a number skipped: a batch it acknowledged and then lost, or a plugin that skipped
    one), so that what the walk named is unknown. A batch sent again (its answer lost) changes
    nothing. Walks may overlap: each end compares against its own opening."""
    open_walk = OpenWalk.objects.filter(integration=integration, walk_id=walk["id"]).first()
    number, last = walk["batch"], walk["last"]
    if open_walk is None:
        if number == 0 and not last:
            OpenWalk.objects.create(integration=integration, walk_id=walk["id"], opened_in=batch)
            newest = OpenWalk.objects.filter(integration=integration).order_by("-opened_in").values_list("pk", flat=True)
            # a walk abandoned (the plugin deactivated mid-walk) is not kept for ever
            OpenWalk.objects.filter(integration=integration).exclude(pk__in=list(newest[: OpenWalk.KEPT_PER_INTEGRATION])).delete()
        return None
    if number < open_walk.next_batch and not last:
        return None  # sent again
    if number > open_walk.next_batch or last:
        open_walk.delete()  # over, or a batch missing: either way its end can remove nothing more
        return Q(named_in__lt=open_walk.opened_in) if number == open_walk.next_batch else None
    open_walk.next_batch += 1
    open_walk.save(update_fields=["next_batch"])
    return None


def forget_unused_terms(integration, candidates):
    """Deletes those of the candidate terms that no synced item of the integration carries any more:
    a taxonomy's synced count is that of the terms its live items carry (CONTENT-1, READ-2).

    One statement; each candidate is one look-up in the index content_by_term (models.py), whose
    expression the left side of @> repeats."""
    if not candidates:
        return
    q = connection.ops.quote_name
    taxonomies, slugs = zip(*sorted(candidates), strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""DELETE FROM {q(SyncedTerm._meta.db_table)} t
                USING unnest(%s::text[], %s::text[]) AS candidate (taxonomy, slug)
                WHERE t.integration_id = %s AND t.taxonomy = candidate.taxonomy AND t.slug = candidate.slug
                  AND NOT EXISTS (
                      SELECT 1 FROM {q(SyncedContent._meta.db_table)} c
                      WHERE c.integration_id = t.integration_id
                        AND jsonb_set('{{}}'::jsonb, ARRAY[c.integration_id::text], c.terms)
                            @> jsonb_build_object(t.integration_id::text, jsonb_build_object(t.taxonomy, jsonb_build_array(t.slug)))
                  )""",
            [list(taxonomies), list(slugs), integration.pk],
        )


def synced_counts(integration):
    per_type = SyncedContent.objects.filter(integration=integration).values_list("post_type").annotate(n=Count("*"))  # count(*): index-only scan
    per_taxonomy = SyncedTerm.objects.filter(integration=integration).values_list("taxonomy").annotate(n=Count("*"))
    return dict(per_type), dict(per_taxonomy)
