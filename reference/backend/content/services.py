"""CONTENT-1: upsert pushed items; READ-2: count them."""

from django.db import transaction
from django.db.models import Count

from .models import SyncedContent, SyncedTerm

UPDATED_FIELDS = ["post_type", "title", "status", "url", "modified_gmt", "terms", "synced_at"]


def apply_batch(integration, items, deleted):
    latest = {item["external_id"]: item for item in items}  # one row may appear once per statement
    rows = [SyncedContent(integration=integration, **{"url": "", "terms": {}, **item}) for item in latest.values()]
    terms = {(tax, slug) for item in items for tax, slugs in item.get("terms", {}).items() for slug in slugs}
    with transaction.atomic():
        SyncedContent.objects.bulk_create(rows, update_conflicts=True, unique_fields=["integration", "external_id"], update_fields=UPDATED_FIELDS)
        SyncedTerm.objects.bulk_create([SyncedTerm(integration=integration, taxonomy=t, slug=s) for t, s in sorted(terms)], ignore_conflicts=True)
        removed, _ = SyncedContent.objects.filter(integration=integration, external_id__in=[d["external_id"] for d in deleted]).delete()
    return len(rows), removed


def synced_counts(integration):
    per_type = SyncedContent.objects.filter(integration=integration).values_list("post_type").annotate(n=Count("*"))  # count(*): index-only scan
    per_taxonomy = SyncedTerm.objects.filter(integration=integration).values_list("taxonomy").annotate(n=Count("*"))
    return dict(per_type), dict(per_taxonomy)
