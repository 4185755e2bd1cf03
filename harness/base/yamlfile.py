"""YAML read with libyaml's parser when PyYAML has it: ten times the pure-Python one, which took
0.08 s of every pytest start for spec/requirements.yaml alone. Safe either way (no tags run code)."""

from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    return yaml.load(text, Loader=_LOADER)  # noqa: S506  (a safe loader, C or Python)


def read(path: Path) -> Any:
    return load(path.read_text())
