"""CONTENT-1: upsert pushed items; READ-2: count them."""

from django.db import connection, transaction
from django.db.models import Count
from integration.models import SiteIntegration

from .models import SyncedContent, SyncedTerm

UPDATED_FIELDS = ["post_type", "title", "status", "url", "modified_gmt", "terms", "synced_at"]


def _pairs(terms):
    """{taxonomy: [slug, ...]} as a set of (taxonomy, slug)."""
    return {(taxonomy, slug) for taxonomy, slugs in terms.items() for slug in slugs}


def apply_batch(integration, items, deleted):
    latest = {item["external_id"]: item for item in items}  # one row may appear once per statement
    gone = {d["external_id"] for d in deleted}
    rows = [SyncedContent(integration=integration, **{"url": "", "terms": {}, **item}) for item in latest.values()]
    terms = {pair for external_id, item in latest.items() if external_id not in gone for pair in _pairs(item.get("terms", {}))}
    with transaction.atomic():
        # One batch of an integration at a time: a term this batch finds unused may be another's new one.
        list(SiteIntegration.objects.select_for_update().filter(pk=integration.pk).values_list("pk"))
        before = SyncedContent.objects.filter(integration=integration, external_id__in=[*latest, *gone]).values_list("terms", flat=True)
        candidates = {pair for carried in before for pair in _pairs(carried)} - terms  # terms the batch may take away
        SyncedContent.objects.bulk_create(rows, update_conflicts=True, unique_fields=["integration", "external_id"], update_fields=UPDATED_FIELDS)
        SyncedTerm.objects.bulk_create([SyncedTerm(integration=integration, taxonomy=t, slug=s) for t, s in sorted(terms)], ignore_conflicts=True)
        removed, _ = SyncedContent.objects.filter(integration=integration, external_id__in=[d["external_id"] for d in deleted]).delete()
        forget_unused_terms(integration, candidates)
    return len(rows), removed


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
