"""Tenants on a stack's backend: an account, a site, a user and a WordPress integration each,
made by the backend's seed command (its image contract in the README)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .engine import ComposeProject


@dataclass(frozen=True)
class Tenant:
    integration_id: int
    site_id: int
    api_key: str
    username: str
    password: str

    @property
    def secrets(self) -> list[str]:
        return [self.api_key, self.password]


class Tenants:
    def __init__(self, project: ComposeProject) -> None:
        self.project = project

    def create(self, account: str) -> Tenant:
        out = self.project.execute(
            "backend",
            ["python", "manage.py", "igny8_seed", "--account", account, "--site", f"{account} site", "--username", account.lower()],
            env={"IGNY8_SEED_API_KEY": "", "IGNY8_SEED_PASSWORD": ""},  # fresh secrets, not the stack's own
        )
        made = json.loads(out.strip().splitlines()[-1])
        return Tenant(int(made["integration_id"]), int(made["site_id"]), made["api_key"], made["username"], made["password"])
