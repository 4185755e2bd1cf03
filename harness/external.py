"""A backend the harness does not start (`--igny8-backend-url`): the backend side of the suite runs
against it over HTTPS. There is no WordPress in such a run, so plugin-side tests are skipped; what
the backend stores is checked only with `--igny8-backend-dsn`.

The key comes from the environment (IGNY8_BACKEND_KEY) or a file (--igny8-backend-key-file), never
from the command line, where process lists and shell histories would keep it.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .stack.project import Urls


class BackendOptionsError(ValueError):
    pass


@dataclass
class ExternalSecrets:
    api_key: str

    def all(self):
        return [self.api_key]


@dataclass
class ExternalConfig:
    backend_image: str
    plugin_dir: str = ""
    wordpress: str = ""
    keep: bool = True


@dataclass
class ExternalBackend:
    url: str
    secrets: ExternalSecrets
    ca_path: str | None = None
    postgres_dsn: str | None = None
    config: ExternalConfig = field(init=False)

    def __post_init__(self):
        self.name = f"external {self.url}"
        self.config = ExternalConfig(backend_image=f"external: {self.url}")
        self.urls = Urls(wordpress="", backend=self.url.rstrip("/"), backend_for_plugin=self.url.rstrip("/"))

    @classmethod
    def from_options(cls, url, key_file=None, ca=None, dsn=None):
        if not url.startswith("https://"):
            raise BackendOptionsError(f"--igny8-backend-url must be https:// (SEC-4), not {url!r}")
        key = Path(key_file).read_text().strip() if key_file else os.environ.get("IGNY8_BACKEND_KEY", "")
        if not key:
            raise BackendOptionsError("a --igny8-backend-url run needs the backend's API key in IGNY8_BACKEND_KEY or --igny8-backend-key-file")
        if ca and not Path(ca).is_file():
            raise BackendOptionsError(f"--igny8-backend-ca {ca}: no such file")
        return cls(url, ExternalSecrets(key), ca, dsn)

    def seed_tenant(self, account):
        pytest.skip("needs a second tenant, made by the backend's seed command: only in stacks the harness runs")
