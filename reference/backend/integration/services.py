"""Storing and reading the structure: the seed's update_site_structure, made atomic and ordered."""

from datetime import timedelta

from content.services import synced_counts
from django.db import transaction
from django.utils import timezone
from igny8_backend.errors import ApiError

from .models import SiteIntegration
from .structure import parse_generated_at, validate_structure

# CONC-3: how far ahead of the backend's clock a generated_at may be. A structure dated later would
# make every sync after it stale (CONC-1) until that date; a clock this close is the host's drift.
MAX_AHEAD = timedelta(minutes=5)
AHEAD_TEXT = f"{MAX_AHEAD.seconds // 60} minutes"


def refuse_from_the_future(generated_at, payload):
    now = timezone.now()
    if generated_at - now > MAX_AHEAD:
        raise ApiError(
            400,
            "generated_at_in_future",
            f"generated_at {payload['generated_at']} is more than {AHEAD_TEXT} ahead of the backend's clock ({now.isoformat()}): is the site's clock right?",
            [{"path": "$.generated_at", "message": f"more than {AHEAD_TEXT} ahead of the backend's clock"}],
        )


# CONN-9: the site an integration is connected from, bound at Connect and released by Disconnect.
BOUND_SITE = "bound_site_url"


def _same_site(a, b):
    return a.rstrip("/").lower() == b.rstrip("/").lower()


def refuse_another_site(integration, site_url):
    """CONN-9: a key pasted into a second site, or a copy of the site (staging) still holding it, is refused."""
    bound = integration.config_json.get(BOUND_SITE)
    if bound and site_url and not _same_site(bound, site_url):
        raise ApiError(
            409,
            "site_mismatch",
            f"This integration is connected from {bound}, not {site_url}: disconnect it there (or in IGNY8) before connecting another site.",
            [{"path": "$.site_url", "message": "another site than the one this integration is connected from"}],
        )


def store_structure(integration_id, payload):
    """STORE-1..3, CONC-1, CONC-3: validate, refuse a time ahead of the clock, then replace the stored
    structure under a row lock."""
    generated_at = validate_structure(payload)
    refuse_from_the_future(generated_at, payload)
    with transaction.atomic():
        integration = SiteIntegration.objects.select_for_update().get(pk=integration_id)
        if integration.status != SiteIntegration.Status.CONNECTED:
            raise ApiError(409, "not_connected", "Connect the integration before sending its structure.")
        refuse_another_site(integration, payload["site_url"])
        stored = integration.structure
        if stored and parse_generated_at(stored["generated_at"]) > generated_at:
            raise ApiError(
                409,
                "stale_structure",
                f"generated_at {payload['generated_at']} is older than the stored {stored['generated_at']}.",
                [{"path": "$.generated_at", "message": "older than the stored structure"}],
            )
        now = timezone.now()
        integration.config_json = {**integration.config_json, "content_types": payload, "last_structure_fetch": now.isoformat()}
        integration.structure_synced_at = now
        integration.save(update_fields=["config_json", "structure_synced_at"])
    return integration


def read_back(integration):
    """READ-1..3: the stored structure with the synced counts beside each entry."""
    structure = integration.structure or {}
    type_counts, term_counts = synced_counts(integration)
    return {
        "integration_id": integration.pk,
        "site_id": integration.site_id,
        "status": integration.status,
        "is_active": integration.is_active,
        "last_structure_fetch": integration.config_json.get("last_structure_fetch"),
        "generated_at": structure.get("generated_at"),
        "site_url": structure.get("site_url"),
        "wp_version": structure.get("wp_version"),
        "plugin_version": structure.get("plugin_version"),
        "post_types": {slug: {**entry, "synced_count": type_counts.get(slug, 0)} for slug, entry in structure.get("post_types", {}).items()},
        "taxonomies": {slug: {**entry, "synced_count": term_counts.get(slug, 0)} for slug, entry in structure.get("taxonomies", {}).items()},
    }
