"""gunicorn's entry: ``igny8alt.wsgi:app``."""

from .app import create_app

app = create_app()
