"""IGNY8 sync backend, written from spec/ alone: Flask + psycopg 3 + jsonschema, served by gunicorn."""

__version__ = "1.0.0"
