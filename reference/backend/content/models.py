from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Cast
from integration.models import SiteIntegration

# jsonb_set('{}', ARRAY[integration_id::text], terms): {"<integration_id>": {taxonomy: [slug, ...]}}
TERMS_OF_INTEGRATION = models.Func(
    Cast(models.Value("{}"), models.JSONField()),
    models.Func(Cast("integration_id", models.TextField()), function="ARRAY", template="%(function)s[%(expressions)s]"),
    "terms",
    function="jsonb_set",
)


class SyncedContent(models.Model):
    """An item the plugin pushed (CONTENT-1), keyed by its WordPress post ID."""

    integration = models.ForeignKey(SiteIntegration, on_delete=models.CASCADE, related_name="contents")
    external_id = models.BigIntegerField()
    post_type = models.CharField(max_length=20)
    title = models.TextField(blank=True)
    status = models.CharField(max_length=20)
    url = models.URLField(max_length=2048, blank=True)
    modified_gmt = models.DateTimeField(null=True, blank=True)
    terms = models.JSONField(default=dict, blank=True)  # {taxonomy: [slug, ...]}
    synced_at = models.DateTimeField(auto_now=True)
    named_in = models.BigIntegerField(db_default=0)  # CONTENT-7: the integration's batch (BatchCount) that last named it

    class Meta:
        db_table = settings.IGNY8_TABLES["content"]
        constraints = [models.UniqueConstraint(fields=["integration", "external_id"], name="content_unique_per_integration")]
        indexes = [
            models.Index(fields=["integration", "post_type"], name="content_by_type"),
            # CONTENT-1: "does an item of this integration still carry this term?" (services.forget_unused_terms).
            # The terms are indexed under the integration's id, {"<integration_id>": terms}: one index entry
            # per integration and term, so the look-up never wades through other tenants' items. Without
            # fastupdate: a pending list would be read through on every look-up.
            GinIndex(OpClass(TERMS_OF_INTEGRATION, name="jsonb_path_ops"), name="content_by_term", fastupdate=False),
        ]


class SyncedTerm(models.Model):
    """A term that arrived on a synced item; READ-2 counts these per taxonomy."""

    integration = models.ForeignKey(SiteIntegration, on_delete=models.CASCADE, related_name="terms")
    taxonomy = models.CharField(max_length=32)
    slug = models.CharField(max_length=200)

    class Meta:
        db_table = settings.IGNY8_TABLES["term"]
        constraints = [models.UniqueConstraint(fields=["integration", "taxonomy", "slug"], name="term_unique_per_integration")]


class BatchCount(models.Model):
    """CONTENT-7: the sync-content batches an integration has had applied, counted under its lock, so
    that "named after the walk opened" compares two numbers, never two readings of a clock."""

    integration = models.OneToOneField(SiteIntegration, on_delete=models.CASCADE, primary_key=True, related_name="+")
    applied = models.BigIntegerField(default=0)


class OpenWalk(models.Model):
    """CONTENT-7: a reconciliation walk the plugin has begun and not yet ended: the batch that opened
    it, and the walk's own number of the batch it expects next."""

    KEPT_PER_INTEGRATION = 8  # walks open at once; an older one is forgotten, and its end then removes nothing

    integration = models.ForeignKey(SiteIntegration, on_delete=models.CASCADE, related_name="+")
    walk_id = models.CharField(max_length=64)
    opened_in = models.BigIntegerField()
    next_batch = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["integration", "walk_id"], name="walk_unique_per_integration")]
