"""The reference backend as a stack serves it: gunicorn's master imports this module once
(--preload), and its workers are forked from it ready to answer.

Importing it migrates the stack's database and seeds the account, site and integration the stack
was given. Django is set up before PostgreSQL is waited for, as its container starts alongside: one
Django start in one process, where there were three (a `manage.py` and each worker's own import),
each costing about a second of a 2-core machine's start. The seed's secrets go to a 0600 file,
never to the log.
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "igny8_backend.settings")
django.setup()

from accounts.models import Account  # noqa: E402
from django.core.management import call_command  # noqa: E402  (after django.setup())
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import OperationalError, connection, connections  # noqa: E402
from django.urls import get_resolver  # noqa: E402

POSTGRES_WAIT_SECONDS = 120
SEEDED_TENANTS = Path("/tmp/igny8-seed-tenants.json")  # harness.stack.tenants.SEEDED_AT_START


def wait_for_postgres() -> None:
    deadline = time.monotonic() + POSTGRES_WAIT_SECONDS
    while True:
        try:
            connection.ensure_connection()
            return
        except OperationalError:
            if time.monotonic() > deadline:
                sys.exit(f"igny8: PostgreSQL did not answer within {POSTGRES_WAIT_SECONDS} s")
            time.sleep(0.1)


def seed_harness_tenants() -> None:
    """The accounts IGNY8_SEED_TENANTS names (CONTRACT.md 2.1), each made with fresh secrets if
    missing, as `manage.py igny8_seed` would: here, they cost no Django start of their own."""
    missing = [a for a in os.environ.get("IGNY8_SEED_TENANTS", "").split(",") if a and not Account.objects.filter(name=a).exists()]
    if not missing:
        return
    made = {}
    stack_secrets = {name: os.environ.pop(name, None) for name in ("IGNY8_SEED_API_KEY", "IGNY8_SEED_PASSWORD")}  # fresh ones, not the stack's
    try:
        for account in missing:
            with tempfile.TemporaryDirectory() as folder:
                output = Path(folder) / "seed.json"
                call_command("igny8_seed", account=account, site=f"{account} site", username=account.lower(), output=output)
                made[account] = json.loads(output.read_text())
    finally:
        os.environ.update({name: value for name, value in stack_secrets.items() if value is not None})
    SEEDED_TENANTS.touch(mode=0o600)
    SEEDED_TENANTS.write_text(json.dumps(made))


wait_for_postgres()
call_command("migrate", interactive=False, verbosity=1)
call_command(
    "igny8_seed",
    account=os.environ.get("IGNY8_SEED_ACCOUNT", "QA Account"),
    site=os.environ.get("IGNY8_SEED_SITE", "WordPress site"),
    username=os.environ.get("IGNY8_SEED_USERNAME", "qa"),
    output=Path("/tmp/igny8-seed.json"),
)
seed_harness_tenants()
get_resolver().check()  # imports every view now, not on each worker's first request
connections.close_all()  # a connection must not be shared by the workers forked from here
application = get_wsgi_application()
