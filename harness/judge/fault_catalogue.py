"""The faults the sync must survive (issue: "Faults"), each named once, with the requirement it
serves and how it is made on a stack (harness.stack.faults). scenarios/test_faults.py runs each
through the same shape, and the stateful model's nemesis (harness.judge.stateful) picks among them.
Adding a fault is an entry here."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from harness.stack.faults import Faults


@dataclass(frozen=True)
class Fault:
    name: str
    requirement: str  # the requirement whose promise the fault puts to the test
    what: str  # one line, for the report's fault table
    make: Callable[[Faults, float], AbstractContextManager[None]]  # (the stack's faults, the plugin's timeout in s)
    strikes_mid_sync: bool = False  # it happens at a moment (a restart): it strikes as WP-Cron sends WordPress's changes

    @property
    def slug(self) -> str:
        return self.name.lower().replace(" ", "-").replace("/", "-")


CATALOGUE: dict[str, Fault] = {
    f.slug: f
    for f in (
        Fault("backend 5xx", "FAIL-3", "every integration endpoint answers 503", lambda f, t: f.answering(503, "all")),
        Fault("slow within the timeout", "FAIL-2", "the backend answers only after half the plugin's timeout", lambda f, t: f.slowed("backend", t / 2)),
        Fault("slow past the timeout", "FAIL-2", "the backend answers only after twice the plugin's timeout", lambda f, t: f.slowed("backend", 2 * t)),
        Fault("backend restart mid-sync", "CONTENT-3", "the backend restarts while content is being sent", lambda f, t: f.restarting("backend", 0), True),
        Fault("PostgreSQL restart", "CONTENT-3", "PostgreSQL restarts during a content batch", lambda f, t: f.restarting("postgres", 0), True),
        Fault("partition", "FAIL-2", "WordPress's packets to the backend are dropped", lambda f, t: f.partitioned()),
        Fault("DNS failure", "FAIL-1", "the backend's name stops resolving on WordPress's network", lambda f, t: f.unresolvable()),
        Fault("TLS handshake failure", "FAIL-1", "the TLS handshake with the backend fails", lambda f, t: f.handshake_failing()),
        Fault("429 with Retry-After", "CONTENT-3", "content is throttled: 429, Retry-After 600 s", lambda f, t: f.answering(429, "sync-content")),
    )
}
