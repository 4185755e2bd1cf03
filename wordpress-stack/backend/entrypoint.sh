#!/bin/sh
# Serve the reference backend: gunicorn's master loads igny8_stack_app once (it waits for
# PostgreSQL, migrates and seeds), then forks its workers from it.
set -eu
exec gunicorn --preload --pythonpath /usr/local/lib/igny8 --workers "${GUNICORN_WORKERS:-2}" --bind 0.0.0.0:8000 --access-logfile - igny8_stack_app:application
