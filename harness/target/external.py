"""A backend the harness does not start (`--igny8-backend-url`): the backend side of the suite runs
against it over HTTPS. There is no WordPress in such a run, so plugin-side tests do not apply; what
the backend stores is checked only with its observer (`--igny8-backend-observer` and `--igny8-backend-dsn`).

The key comes from the environment (IGNY8_BACKEND_KEY) or a file (--igny8-backend-key-file), never
from the command line, where process lists and shell histories would keep it. Its integration is the
harness's tenant for the run: the only one it reads, resets and writes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import requests

from harness.stack.tenants import IntegrationChange, Tenant, TenantsUnavailable


class BackendOptionsError(ValueError):
    pass


class NoTenants:
    """A backend the harness does not start offers no seed command."""

    def create(self, account: str, another_integration: bool = False) -> Tenant:
        raise TenantsUnavailable("needs another tenant, made by the backend's seed command: only on a stack the harness runs")

    def change(self, integration_id: int, change: IntegrationChange) -> dict[str, object]:
        raise TenantsUnavailable(f"needs to {change} an integration with the backend's own command: only on a stack the harness runs")


@dataclass
class ExternalBackend:
    backend_url: str
    key: str = field(repr=False)
    ca_path: Path | None = None
    database_dsn: str | None = field(default=None, repr=False)
    expected_revision: str | None = None
    tenants: NoTenants = field(default_factory=NoTenants)
    rates: None = None  # its deployment's own: the harness neither sets nor knows them

    @property
    def name(self) -> str:
        return f"external {self.backend_url}"

    @property
    def backend_url_for_plugin(self) -> str:
        return self.backend_url

    @property
    def secret_values(self) -> list[str]:
        return [self.key, *([self.database_dsn] if self.database_dsn else [])]

    @property
    def backend_label(self) -> str:
        return f"external: {self.backend_url}"

    def backend_logs(self) -> str | None:
        return None  # its deployment's: out of the harness's reach

    def harness_tenant(self, role: str) -> tuple[Tenant, bool]:
        """For the run, the given key's integration (connect/ names it, and marks it connected); no other."""
        if role != "run":
            raise TenantsUnavailable(f"needs a {role} tenant, made by the backend's seed command: only on a stack the harness runs")
        answer = requests.post(
            f"{self.backend_url}/api/v1/integration/integrations/connect/",
            json={},
            headers={"Authorization": f"Bearer {self.key}"},
            verify=str(self.ca_path) if self.ca_path else True,
            timeout=30,
        )
        if answer.status_code != 200:
            raise BackendOptionsError(f"{self.backend_url} refused the key from IGNY8_BACKEND_KEY: connect/ answered {answer.status_code} {answer.text[:200]}")
        body = answer.json()
        return Tenant(int(body["integration_id"]), int(body["site_id"]), self.key), False

    @classmethod
    def from_options(cls, url: str, key_file: str | None = None, ca: str | None = None, dsn: str | None = None) -> ExternalBackend:
        if not url.startswith("https://"):
            raise BackendOptionsError(f"--igny8-backend-url must be https:// (SEC-4), not {url!r}")
        key = Path(key_file).read_text().strip() if key_file else os.environ.get("IGNY8_BACKEND_KEY", "")
        if not key:
            raise BackendOptionsError("a --igny8-backend-url run needs the backend's API key in IGNY8_BACKEND_KEY or --igny8-backend-key-file")
        if ca and not Path(ca).is_file():
            raise BackendOptionsError(f"--igny8-backend-ca {ca}: no such file")
        return cls(url.rstrip("/"), key, Path(ca) if ca else None, dsn)
