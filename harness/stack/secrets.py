"""A stack's secrets: made fresh for every stack, kept only in its 0600 state files, masked everywhere else."""

from __future__ import annotations

import json
import secrets as random
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Secrets:
    api_key: str = field(default_factory=lambda: "igny8_" + random.token_urlsafe(32))
    wp_admin_password: str = field(default_factory=lambda: random.token_urlsafe(12))
    backend_user_password: str = field(default_factory=lambda: random.token_urlsafe(12))
    test_control_token: str = field(default_factory=lambda: random.token_urlsafe(24))
    wp_db_password: str = field(default_factory=lambda: random.token_urlsafe(16))
    postgres_password: str = field(default_factory=lambda: random.token_urlsafe(16))
    django_secret_key: str = field(default_factory=lambda: random.token_urlsafe(40))
    wp_salt: str = field(default_factory=lambda: random.token_urlsafe(32))

    def all(self) -> list[str]:
        return list(asdict(self).values())

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)))
        path.chmod(0o600)

    @classmethod
    def load(cls, path: Path) -> Secrets:
        return cls(**json.loads(path.read_text()))


def write_private(path: Path, text: str) -> Path:
    """A file only its owner reads: created 0600 before anything secret is written to it."""
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text)
    return path
