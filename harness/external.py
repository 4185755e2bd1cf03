"""A backend the harness does not start (`--igny8-backend-url`): the backend side of the suite runs
against it over HTTPS. There is no WordPress in such a run, so plugin-side tests are skipped; what
the backend stores is checked only with `--igny8-backend-dsn`.

The key comes from the environment (IGNY8_BACKEND_KEY) or a file (--igny8-backend-key-file), never
from the command line, where process lists and shell histories would keep it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from .stack.tenants import Tenant


class BackendOptionsError(ValueError):
    pass


@dataclass
class ExternalBackend:
    url: str
    key: str
    ca: Path | None = None
    dsn: str | None = None

    @property
    def name(self) -> str:
        return f"external {self.url}"

    @property
    def backend_url(self) -> str:
        return self.url.rstrip("/")

    @property
    def backend_url_for_plugin(self) -> str:
        return self.backend_url

    @property
    def ca_path(self) -> Path | None:
        return self.ca

    @property
    def api_key(self) -> str:
        return self.key

    @property
    def database_dsn(self) -> str | None:
        return self.dsn

    @property
    def secret_values(self) -> list[str]:
        return [self.key, *([self.dsn] if self.dsn else [])]

    @property
    def backend_label(self) -> str:
        return f"external: {self.url}"

    @property
    def expected_revision(self) -> str | None:
        return None

    @classmethod
    def from_options(cls, url: str, key_file: str | None = None, ca: str | None = None, dsn: str | None = None) -> ExternalBackend:
        if not url.startswith("https://"):
            raise BackendOptionsError(f"--igny8-backend-url must be https:// (SEC-4), not {url!r}")
        key = Path(key_file).read_text().strip() if key_file else os.environ.get("IGNY8_BACKEND_KEY", "")
        if not key:
            raise BackendOptionsError("a --igny8-backend-url run needs the backend's API key in IGNY8_BACKEND_KEY or --igny8-backend-key-file")
        if ca and not Path(ca).is_file():
            raise BackendOptionsError(f"--igny8-backend-ca {ca}: no such file")
        return cls(url, key, Path(ca) if ca else None, dsn)

    def seed_tenant(self, account: str) -> Tenant:
        pytest.skip("needs a second tenant, made by the backend's seed command: only in stacks the harness runs")
