from django.conf import settings
from django.db import models
from integration.models import SiteIntegration


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

    class Meta:
        db_table = settings.IGNY8_TABLES["content"]
        constraints = [models.UniqueConstraint(fields=["integration", "external_id"], name="content_unique_per_integration")]
        indexes = [models.Index(fields=["integration", "post_type"], name="content_by_type")]


class SyncedTerm(models.Model):
    """A term that arrived on a synced item; READ-2 counts these per taxonomy."""

    integration = models.ForeignKey(SiteIntegration, on_delete=models.CASCADE, related_name="terms")
    taxonomy = models.CharField(max_length=32)
    slug = models.CharField(max_length=200)

    class Meta:
        db_table = settings.IGNY8_TABLES["term"]
        constraints = [models.UniqueConstraint(fields=["integration", "taxonomy", "slug"], name="term_unique_per_integration")]
