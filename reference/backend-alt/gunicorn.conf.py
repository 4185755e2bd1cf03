"""gunicorn settings: plain HTTP on 8000 behind the stack's TLS proxy."""

import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("IGNY8_THREADS", "4"))
timeout = 60
graceful_timeout = 5
keepalive = 5
# The proxy's X-Forwarded-Proto is read by the app itself (SEC-10); gunicorn must not refuse it.
forwarded_allow_ips = "*"
errorlog = "-"
accesslog = "-"
# The path only: a key a client put in the query string is never written to a log (SEC-3).
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
wsgi_app = "igny8alt.wsgi:app"


def on_starting(server):
    """Before listening: wait for PostgreSQL, create the schema, seed (CONTRACT.md 2.1)."""
    import logging

    from igny8alt.commands import bootstrap

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    bootstrap()
