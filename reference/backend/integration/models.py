from accounts.models import Site
from django.conf import settings
from django.db import models

from . import keys


class SiteIntegration(models.Model):
    class Status(models.TextChoices):
        NOT_CONNECTED = "not_connected", "Not connected"
        CONNECTED = "connected", "Connected"
        DISCONNECTED = "disconnected", "Disconnected"

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="integrations")
    platform = models.CharField(max_length=32, default="wordpress")
    is_active = models.BooleanField(default=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_CONNECTED)
    api_key_prefix = models.CharField(max_length=keys.PREFIX_LEN, unique=True)
    api_key_hash = models.CharField(max_length=64)
    api_key_revoked_at = models.DateTimeField(null=True, blank=True)
    config_json = models.JSONField(default=dict, blank=True)
    structure_synced_at = models.DateTimeField(null=True, blank=True)
    connected_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = settings.IGNY8_TABLES["integration"]

    def __str__(self):
        return f"{self.platform} integration {self.pk} of {self.site}"

    def set_api_key(self, key):
        self.api_key_prefix = keys.key_prefix(key)
        self.api_key_hash = keys.key_hash(key)
        self.api_key_revoked_at = None

    @property
    def structure(self):
        return self.config_json.get("content_types")

    @property
    def badge(self):
        """What the Content Types tab shows (UI-1): a deactivated integration, then a revoked key, outrank the status."""
        if not self.is_active:
            return "Inactive"
        if self.api_key_revoked_at is not None:
            return "Key revoked"
        return self.get_status_display()
