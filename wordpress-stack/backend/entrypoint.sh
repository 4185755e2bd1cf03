#!/bin/sh
# Migrate, seed the account/site/integration the stack was given, then serve.
# The seed's secrets go to a 0600 file, never to the log.
set -eu
python manage.py migrate --noinput
python manage.py igny8_seed --account "${IGNY8_SEED_ACCOUNT:-QA Account}" --site "${IGNY8_SEED_SITE:-WordPress site}" \
  --username "${IGNY8_SEED_USERNAME:-qa}" --output /tmp/igny8-seed.json
exec gunicorn --workers "${GUNICORN_WORKERS:-2}" --bind 0.0.0.0:8000 --access-logfile - igny8_backend.wsgi
