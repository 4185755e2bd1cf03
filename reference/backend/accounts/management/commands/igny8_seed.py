"""Creates (or reuses) an account, a site, a user and a WordPress integration, and hands out a key.
With --another-integration it makes a new integration, with a key of its own, beside the site's
others (SEC-9: a key reaches its own integration only).

The key and password come from IGNY8_SEED_API_KEY / IGNY8_SEED_PASSWORD when set, so a stack
knows them without reading logs; otherwise fresh ones are made. The full secrets go only to
--output (mode 0600) or, without it, to stdout as JSON; nothing secret is logged.
"""

import json
import os
import secrets
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from integration import keys
from integration.models import SiteIntegration

from accounts.models import Account, Site


class Command(BaseCommand):
    help = "Create an account, site, user and integration; print their ids and an API key as JSON."
    # The system checks (0.25 s) are the server's to run at start: a harness runs this command dozens of times a run.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--account", default="QA Account")
        parser.add_argument("--site", default="WordPress site")
        parser.add_argument("--site-url", default="")
        parser.add_argument("--username", default="qa")
        parser.add_argument("--output", type=Path, help="write the JSON (with secrets) here instead of stdout")
        parser.add_argument("--another-integration", action="store_true", help="make a new WordPress integration on the site instead of reusing its first one")

    def handle(self, *args, **opts):
        api_key = os.environ.get("IGNY8_SEED_API_KEY") or keys.new_key()
        password = os.environ.get("IGNY8_SEED_PASSWORD") or secrets.token_urlsafe(12)
        if not keys.looks_like_key(api_key):
            raise CommandError(f"IGNY8_SEED_API_KEY must look like {keys.PREFIX}<at least 16 characters>.")
        if opts["another_integration"] and SiteIntegration.objects.filter(api_key_prefix=keys.key_prefix(api_key)).exists():
            raise CommandError("IGNY8_SEED_API_KEY already opens an integration; unset it to give another integration a key of its own.")
        with transaction.atomic():
            account, _ = Account.objects.get_or_create(name=opts["account"])
            site, _ = Site.objects.get_or_create(account=account, name=opts["site"], defaults={"url": opts["site_url"]})
            user, _ = get_user_model().objects.get_or_create(username=opts["username"])
            user.set_password(password)
            user.save()
            account.users.add(user)
            existing = None if opts["another_integration"] else SiteIntegration.objects.filter(site=site, platform="wordpress").first()
            integration = existing or SiteIntegration(site=site)
            integration.set_api_key(api_key)
            integration.is_active = True
            integration.save()
        result = {
            "account_id": account.pk,
            "site_id": site.pk,
            "integration_id": integration.pk,
            "username": user.username,
            "password": password,
            "api_key": api_key,
            "content_types_path": f"/sites/{site.pk}/content-types/",
        }
        if opts["output"]:
            opts["output"].write_text(json.dumps(result, indent=2))
            opts["output"].chmod(0o600)
            masked = {**result, "password": "***", "api_key": keys.mask(api_key)}
            self.stdout.write(json.dumps(masked))
        else:
            sys.stdout.write(json.dumps(result) + "\n")
