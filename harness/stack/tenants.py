"""Tenants on a backend: an account, a site, a user and a WordPress integration each. On a stack
they are made, and their integration's state changed, by the backend's own commands (its image
contract, spec/CONTRACT.md 2.1); a backend the harness does not start offers neither."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from harness.stack.engine import ComposeProject, DockerError

IntegrationChange = Literal["revoke-key", "deactivate", "activate"]

HARNESS_ROLES = ("run", "bystander")  # the tenants a run uses (harness.suite.fixtures)
# Where a backend that made the IGNY8_SEED_TENANTS accounts at start says what it made (spec/CONTRACT.md 2.1).
SEEDED_AT_START = "/tmp/igny8-seed-tenants.json"


def harness_accounts(stack_name: str) -> dict[str, str]:
    """The account of each harness tenant on a stack, by role: the same for the stack's whole life."""
    return {role: f"igny8 {role} {stack_name}" for role in HARNESS_ROLES}


class TenantsUnavailable(RuntimeError):
    """This backend offers no way to make tenants or change their state."""


@dataclass(frozen=True)
class Tenant:
    integration_id: int
    site_id: int
    api_key: str
    username: str | None = None  # the tab's login; unknown for a backend the harness does not start
    password: str | None = None

    @property
    def secrets(self) -> list[str]:
        return [s for s in (self.api_key, self.password) if s]


class Tenants:
    def __init__(self, project: ComposeProject) -> None:
        self.project = project

    def _manage(self, *command: str, env: dict[str, str] | None = None) -> dict[str, object]:
        try:
            out = self.project.execute("backend", ["python", "manage.py", *command], env=env)
        except DockerError as exc:
            raise TenantsUnavailable(f"the backend's `manage.py {command[0]}` failed (spec/CONTRACT.md 2.1): {exc}") from exc
        result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
        return result

    def seeded_at_start(self) -> dict[str, Tenant]:
        """The tenants the backend made at start (IGNY8_SEED_TENANTS), by account; none from a
        backend that makes none, or whose container was made again since (the file is its own)."""
        try:
            made = json.loads(self.project.execute("backend", ["cat", SEEDED_AT_START]))
        except (DockerError, ValueError):
            return {}
        return {account: self._known(_tenant(each)) for account, each in made.items()}

    def _known(self, tenant: Tenant) -> Tenant:
        """The tenant, its secrets masked from now on in the stack's logs and errors."""
        self.project.also_mask(tenant.secrets)
        return tenant

    def create(self, account: str, another_integration: bool = False) -> Tenant:
        """`account`'s site and its integration, made if missing; with `another_integration`, a further
        integration of that same site, with its own key (SEC-9)."""
        made = self._manage(
            "igny8_seed", "--account", account, "--site", f"{account} site", "--username", account.lower(),
            *(["--another-integration"] if another_integration else []),
            env={"IGNY8_SEED_API_KEY": "", "IGNY8_SEED_PASSWORD": ""},  # fresh secrets, not the stack's own
        )  # fmt: skip
        return self._known(_tenant(made))

    def change(self, integration_id: int, change: IntegrationChange) -> dict[str, object]:
        return self._manage("igny8_integration", str(integration_id), f"--{change}")


def _tenant(made: dict[str, object]) -> Tenant:
    """From the seed command's JSON."""
    return Tenant(
        int(str(made["integration_id"])),
        int(str(made["site_id"])),
        str(made["api_key"]),
        str(made["username"]),
        str(made["password"]) if made["password"] else None,
    )
