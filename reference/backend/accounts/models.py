from django.conf import settings
from django.db import models


class Account(models.Model):
    """A customer of IGNY8; its users see its sites' tabs (SEC-7)."""

    name = models.CharField(max_length=200, unique=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="igny8_accounts", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class Site(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=200)
    url = models.URLField(max_length=2048, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="site_name_unique_per_account")]

    def __str__(self):
        return self.name
