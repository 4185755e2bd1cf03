#!/bin/sh
# Wait for PostgreSQL, migrate, seed the account/site/integration the stack was given, then serve.
# The three run in one Python process: each Django start costs about a second, and a stack or a
# swapped backend is ready that much sooner. The seed's secrets go to a 0600 file, never to the log.
set -eu
python - <<'PY'
import os, sys, time
from pathlib import Path

import django
import psycopg

for _ in range(1200):
    try:
        psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=1).close()
        break
    except psycopg.OperationalError:
        time.sleep(0.1)
else:
    sys.exit("igny8: PostgreSQL did not answer within 120 s")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "igny8_backend.settings")
django.setup()
from django.core.management import call_command

call_command("migrate", interactive=False, verbosity=1)
call_command(
    "igny8_seed",
    account=os.environ.get("IGNY8_SEED_ACCOUNT", "QA Account"),
    site=os.environ.get("IGNY8_SEED_SITE", "WordPress site"),
    username=os.environ.get("IGNY8_SEED_USERNAME", "qa"),
    output=Path("/tmp/igny8-seed.json"),
)
PY
exec gunicorn --workers "${GUNICORN_WORKERS:-2}" --bind 0.0.0.0:8000 --access-logfile - igny8_backend.wsgi
