"""NOT APPLICABLE, carried as data: a test that does not apply is skipped with this property set,
and the collector reads the property, never the skip's message.

Three kinds: the implementation does not claim the feature (legitimately out of scope); the run
lacks what the check needs (an observer, the seed command): then the check is also *incomplete*,
the verdict is INCOMPLETE and the run fails unless --allow-incomplete is given; or the site the run
tests has nothing for the test to check (no third-party plugin on the stack): then the test says
nothing of its requirements, which their other tests judge (harness.runs.results.requirement_rows)."""

from __future__ import annotations

from typing import NoReturn

import pytest

PROPERTY = "igny8_not_applicable"


def mark_not_applicable(item: pytest.Item, reason: str, incomplete: bool = False) -> None:
    """At collection: the test will be skipped as NOT APPLICABLE, for `reason`."""
    item.user_properties.append((PROPERTY, {"reason": reason, "incomplete": incomplete}))
    item.add_marker(pytest.mark.skip(reason=f"NOT APPLICABLE: {reason}"))


def not_applicable(node: pytest.Item, reason: str, incomplete: bool = False, site_lacks: bool = False) -> NoReturn:
    """While a test sets up or runs: stop it as NOT APPLICABLE, for `reason`."""
    node.user_properties.append((PROPERTY, {"reason": reason, "incomplete": incomplete, **({"site_lacks": True} if site_lacks else {})}))
    pytest.skip(f"NOT APPLICABLE: {reason}")


def site_lacks(node: pytest.Item, reason: str) -> NoReturn:
    """While a test sets up: the run's site does not have what this test is about (a third-party
    plugin, say): NOT APPLICABLE, and not counted for its requirements. Not incomplete: the run
    could make every check its site calls for."""
    not_applicable(node, reason, site_lacks=True)


def incomplete(node: pytest.Item, reason: str) -> NoReturn:
    """The run cannot make this check (no observer, no seed command...): NOT APPLICABLE and incomplete."""
    not_applicable(node, reason, incomplete=True)
