"""Changes one integration's state, for operators and for the conformance harness (spec/CONTRACT.md
2.1): revoke its key, deactivate it, or activate it again. Prints the new state as JSON."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from integration.models import SiteIntegration


class Command(BaseCommand):
    help = "Revoke an integration's key, or deactivate or activate the integration; prints its state as JSON."
    # The system checks (0.25 s) are the server's to run at start: a harness runs this command dozens of times a run.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("integration_id", type=int)
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--revoke-key", action="store_true", help="the key stops working (401 revoked_api_key)")
        action.add_argument("--deactivate", action="store_true", help="the integration is inactive (its key stops working; the tab says Inactive)")
        action.add_argument("--activate", action="store_true", help="the integration is active again")

    def handle(self, *args, **opts):
        integration = SiteIntegration.objects.filter(pk=opts["integration_id"]).first()
        if integration is None:
            raise CommandError(f"no integration {opts['integration_id']}")
        if opts["revoke_key"]:
            integration.api_key_revoked_at = timezone.now()
        integration.is_active = bool(opts["activate"]) or (integration.is_active and not opts["deactivate"])
        integration.save(update_fields=["api_key_revoked_at", "is_active"])
        state = {
            "integration_id": integration.pk,
            "status": integration.status,
            "is_active": integration.is_active,
            "key_revoked": integration.api_key_revoked_at is not None,
        }
        sys.stdout.write(json.dumps(state) + "\n")
