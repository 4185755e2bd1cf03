"""Every check, found by name (`by_name.get("api-valid")`): importing the modules that register
checks fills the registry (harness.judge.checks), which never imports them back."""

from __future__ import annotations

from harness.judge import properties, stateful  # noqa: F401  (importing them registers their checks)
from harness.judge.checks import CHECKS, Check


def get(name: str) -> Check:
    if name not in CHECKS:
        raise LookupError(f"no check named {name!r}; there are: {', '.join(sorted(CHECKS))}")
    return CHECKS[name]


def names() -> list[str]:
    return sorted(CHECKS)
