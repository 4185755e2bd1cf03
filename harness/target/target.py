"""What the backend side of the suite talks to: a stack the harness runs, or a backend it does
not start (harness.target.external). Both meet this protocol; nothing else about them is assumed."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from harness.stack.config import Rates
from harness.stack.tenants import IntegrationChange, Tenant


class TenantSource(Protocol):
    def create(self, account: str, another_integration: bool = False) -> Tenant:
        """A new account, site, user and integration; with `another_integration`, a further integration
        of that account's site (raises TenantsUnavailable where impossible)."""

    def change(self, integration_id: int, change: IntegrationChange) -> dict[str, object]:
        """Revoke an integration's key, or deactivate or activate it (raises TenantsUnavailable where impossible)."""


class BackendTarget(Protocol):
    @property
    def name(self) -> str:
        """Which stack or URL this is, for the report."""

    @property
    def backend_url(self) -> str:
        """The backend's base URL as the harness reaches it."""

    @property
    def backend_url_for_plugin(self) -> str:
        """The backend's base URL as the plugin reaches it."""

    @property
    def ca_path(self) -> Path | None:
        """The CA the backend's certificate chains to (None: the system's)."""

    @property
    def database_dsn(self) -> str | None:
        """The backend's database, for its observer (None: not reachable)."""

    @property
    def secret_values(self) -> list[str]:
        """Everything to mask in logs, evidence and reports."""

    @property
    def backend_label(self) -> str:
        """What backend this is, for the report."""

    @property
    def expected_revision(self) -> str | None:
        """The revision the health endpoint must answer, when the harness knows it."""

    @property
    def rates(self) -> Rates | None:
        """The rates the backend throttles at (OPS-4, SEC-13), when the harness set them; None: unknown."""

    def backend_logs(self) -> str | None:
        """What the backend has logged, where the harness can read it (None: it cannot)."""

    @property
    def tenants(self) -> TenantSource:
        """Where other tenants come from."""

    def harness_tenant(self, role: str) -> tuple[Tenant, bool]:
        """The tenant the harness uses for `role` ("run", "bystander"), made for it where the backend
        allows (raises TenantsUnavailable where not), and whether it was just made."""
