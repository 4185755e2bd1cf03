"""The kind of case a test is, for the requirements it names: `positive` shows the requirement
holding in the ordinary state; `negative` shows a violation being noticed, in a bad input or
another state (a refused key, another tenant, a backend that is down, markup in a label...).

    @pytest.mark.requirement("SEC-1", case="negative")

A marker without `case` is positive. Every MUST requirement has at least one of each
(tests/test_traceability.py), and the report's matrix counts both per requirement."""

from __future__ import annotations

from collections.abc import Mapping

POSITIVE, NEGATIVE = "positive", "negative"
KINDS = (POSITIVE, NEGATIVE)


def case_of(kwargs: Mapping[str, object]) -> str:
    case = str(kwargs.get("case", POSITIVE))
    if case not in KINDS:
        raise ValueError(f"case={case!r}: a case is {' or '.join(KINDS)}")
    return case
