"""The harness's own tests and the reference backend's tests (no Docker).

The backend tests need a real PostgreSQL: DATABASE_URL if set, else a throwaway cluster that
harness.selftest.devdb starts on a unix socket. This runs at import, before pytest-django sets Django up.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "reference" / "backend"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "igny8_backend.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
# A property test sends hundreds of requests with one key in seconds: the throttle (OPS-4) is
# tested on its own, with its rate set by the test (tests/backend/test_throttling.py).
os.environ.setdefault("IGNY8_API_RATE", "1000000/1")
if not os.environ.get("DATABASE_URL"):
    from harness.selftest import devdb

    os.environ["DATABASE_URL"] = devdb.start()

import django  # noqa: E402  (settings must be in the environment first)

django.setup()

pytest_plugins = ["pytester"]  # the harness's pytest plugin is checked on small generated suites


import pytest  # noqa: E402


@pytest.fixture
def refused_file(tmp_path):
    """refused_file(load, text, error, message): a file holding `text`, given to `load`, is refused
    with `error` saying `message` (bad input named, never a traceback)."""

    def check(load, text, error, message):
        path = tmp_path / "input"
        path.write_text(text)
        with pytest.raises(error, match=message):
            load(path)

    return check
