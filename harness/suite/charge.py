"""A failure is charged to the requirement whose statement broke. A test that checks several
requirements wraps each one's assertions:

    def test_a_refusal_stops_the_plugin(igny8_requirement, ...):
        with igny8_requirement("FAIL-1"):
            assert any(code in line for line in logged), "no [IGNY8] line names the refusal"
        with igny8_requirement("CONN-8"):
            assert events == [], "the plugin keeps retrying"

A failure inside a block is charged to its requirements only (the innermost block's); one outside
every block, or in setup, to all the test names. The other requirements of a failed test are not
charged: they are judged by their other tests (harness.runs.results.requirement_rows). A failure in
a block whose requirements all need a capability the implementation does not claim is no failure:
the test goes on, and the requirement is NOT APPLICABLE (an unclaimed requirement is never charged)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager

import pytest

from harness.spec import spec
from harness.suite.items import requirement_ids

ATTRIBUTE = "igny8_requirements"  # set on the exception that leaves a block
PROPERTY = "igny8_charged"  # in the test report's user properties: results.json, junit.xml


@contextmanager
def charged_to(item: pytest.Item, ids: Collection[str], unclaimed: Collection[str]) -> Iterator[None]:
    named = requirement_ids(item)
    stray = sorted(set(ids) - set(named))
    if not ids or stray:
        raise pytest.UsageError(f"{item.nodeid}: igny8_requirement({', '.join(ids)}): a block is charged to requirements the test names ({', '.join(named)})")
    applicable = sorted(rid for rid in ids if spec.requirements()[rid].capability not in unclaimed)  # no capability: always
    try:
        yield
    except Exception as exc:  # an assertion, or any error while checking: the statement was not shown to hold
        if not applicable:
            return  # the feature is not claimed: what its block found says nothing of the implementation
        if getattr(exc, ATTRIBUTE, None) is None:
            setattr(exc, ATTRIBUTE, applicable)
        raise


def charged(exc: BaseException | None) -> list[str]:
    """The requirements a test's failure is charged to; [] for all it names."""
    return list(getattr(exc, ATTRIBUTE, None) or [])
