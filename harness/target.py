"""What the backend side of the suite talks to: a stack the harness runs, or a backend it does
not start (harness.external). Both meet this protocol; nothing else about them is assumed."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from .stack.tenants import Tenant


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
    def api_key(self) -> str:
        """The key of the integration the suite tests with."""

    @property
    def database_dsn(self) -> str | None:
        """The backend's database, to check what it stores (None: not reachable)."""

    @property
    def secret_values(self) -> list[str]:
        """Everything to mask in logs, evidence and reports."""

    @property
    def backend_label(self) -> str:
        """What backend this is, for the report."""

    @property
    def expected_revision(self) -> str | None:
        """The revision the health endpoint must answer, when the harness knows it."""

    def seed_tenant(self, account: str) -> Tenant:
        """Another account, site and integration on the same backend."""
