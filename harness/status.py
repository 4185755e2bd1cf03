"""NOT APPLICABLE, carried as data: a test that does not apply to the implementation under test is
skipped with this property set, and the collector reads the property, never the skip's message."""

from __future__ import annotations

from typing import NoReturn

import pytest

PROPERTY = "igny8_not_applicable"


def mark_not_applicable(item: pytest.Item, reason: str) -> None:
    """At collection: the test will be skipped as NOT APPLICABLE, for `reason`."""
    item.user_properties.append((PROPERTY, reason))
    item.add_marker(pytest.mark.skip(reason=f"NOT APPLICABLE: {reason}"))


def not_applicable(node: pytest.Item, reason: str) -> NoReturn:
    """While a test sets up or runs: stop it as NOT APPLICABLE, for `reason`."""
    node.user_properties.append((PROPERTY, reason))
    pytest.skip(f"NOT APPLICABLE: {reason}")
