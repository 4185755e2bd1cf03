from django.db import models


class Hits(models.Model):
    """How many requests one key made in one window of time (counters.py). In PostgreSQL, not in a
    cache: every gunicorn worker counts in the same row, so the rate holds however many there are."""

    scope = models.CharField(max_length=16)  # "api" (a key's requests), "login" (an account's failed logins, whatever the spelling)
    key = models.CharField(max_length=150)
    window = models.BigIntegerField()  # the window's start, in seconds since the epoch
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key", "window"], name="hits_one_row_per_window")]
