"""A failing test keeps what its stack's services logged while it ran: WordPress's web server and PHP,
the proxy in front of the backend, the backend, the databases, each line with its time. A failure
that depends on the moment (a login POST that got no answer in a -n 2 run, with nothing else to
read) is then read there, not guessed at. Only for a stack the harness runs: an --igny8-backend-url
backend's logs are its deployment's."""

from __future__ import annotations

import pytest

from harness.stack.stack import Stack
from harness.suite.evidence import Evidence

TITLE = "what the stack's services logged while the test ran"
MARGIN_SECONDS = 2.0  # before the test's start: a request its setup sent may be answered in its body


def stack_of(item: pytest.Item) -> Stack | None:
    """The stack the test used, if any (a function fixture's value is in funcargs, a wider one's too)."""
    funcargs = getattr(item, "funcargs", {})
    for name in ("igny8_stack", "igny8_backend_target"):
        if isinstance(funcargs.get(name), Stack):
            return funcargs[name]
    return None


def keep(item: pytest.Item, started: float) -> None:
    """The logs of the failing test's span, as an item of its evidence (the report links the file):
    of the evidence it keeps, or, for a test that keeps none, of evidence of their own."""
    stack = stack_of(item)
    if stack is None:
        return
    try:
        text = stack.logs(since=started - MARGIN_SECONDS) or "(nothing)"
    except Exception as exc:  # noqa: BLE001 (a report is written whatever Docker answers)
        text = f"the logs could not be read: {exc}"
    evidence = getattr(item, "funcargs", {}).get("igny8_evidence")
    if isinstance(evidence, Evidence):
        evidence.text(TITLE, text)  # its fixture hands its items on at teardown
        return
    alone = Evidence(None, stack.secret_values)
    alone.text(TITLE, text)
    item.user_properties.append(("igny8_evidence", alone.items))  # the teardown's report carries it to the collector
