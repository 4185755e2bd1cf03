"""The sync under faults, Jepsen's way (harness.judge.fault_catalogue, harness.judge.agreement). Every fault runs
through the same shape:

1. an agreed state: WordPress and the backend hold the same content and structure;
2. the fault, while WordPress changes: posts saved, trashed and deleted, a post type registered,
   the daily sync run, WP-Cron left to send; each action timed: WordPress waits at most the
   plugin's timeout on the backend;
3. healing;
4. the plugin recovers by its own means: its queue's retries (WP-Cron, their time made to come),
   then its daily event;
5. the set checker: nothing lost, nothing unexpected, nothing stale, within RECOVERY seconds.

Each outcome is a row of the report's fault table, with the fault's timeline as evidence."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from harness.clients.wordpress import STRUCTURE_HOOK
from harness.judge import agreement
from harness.judge.fault_catalogue import CATALOGUE, Fault
from harness.stack.faults import TOOLS_IMAGE

RECOVERY = 120  # seconds from healing to agreement, WP-Cron's waits made to pass
RETRY_ROUNDS = 4  # the queue's retries let run (each a settle with its time come) before the daily event
BEFORE = 4  # posts the agreed state starts with
BURST = 12  # posts saved while the fault is in place (and more than a batch, with a restart mid-sync)


class Timeline:
    """What happened when, seconds from the start: the fault's evidence."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()
        self.events: list[dict[str, Any]] = []

    def mark(self, what: str) -> None:
        self.events.append({"at": round(time.monotonic() - self.t0, 2), "what": what})

    def timed(self, what: str, action: Callable[[], Any]) -> tuple[Any, float]:
        started = time.monotonic()
        result = action()
        seconds = time.monotonic() - started
        self.mark(f"{what} ({seconds:.2f} s)")
        return result, seconds


def changes(wp, timeline: Timeline, kept: list[int], send: bool = True) -> dict[str, float]:
    """WordPress goes on: saves, a trash, a permanent delete, a new post type, the daily sync, then
    (with `send`) WP-Cron sends what was queued; each timed."""
    blocked = {}
    ids, blocked["saves"] = timeline.timed(
        f"{BURST} posts saved", lambda: wp.create_posts([{"post_type": "post", "title": f"during {n}"} for n in range(BURST)])
    )
    _, blocked["trash"] = timeline.timed("2 posts trashed", lambda: wp.change_posts([kept[0], ids[0]], "trash"))
    _, blocked["delete"] = timeline.timed("1 post deleted", lambda: wp.change_posts([kept[1]], "delete"))
    _, blocked["register"] = timeline.timed(
        "a post type registered", lambda: wp.register(post_types={"igny8_fault_book": {"label": "Fault books", "public": True}})
    )
    _, blocked["daily sync"] = timeline.timed("the daily sync run", lambda: wp.run_cron(STRUCTURE_HOOK))
    if send:
        _, blocked["WP-Cron"] = timeline.timed("WP-Cron let run", wp.settle)
    return blocked


def recover(wp, backend, observer, content: bool, timeline: Timeline) -> tuple[agreement.Agreement, float]:
    """The plugin's own recovery: its retries first (that is where a lost item shows), then the daily event."""
    healed = time.monotonic()
    for round_ in range(RETRY_ROUNDS if content else 0):
        wp.settle(time_passes=True)
        if not (found := agreement.compare(wp, backend, observer)).lost and not found.unexpected:
            timeline.mark(f"content agreed after {round_ + 1} round(s) of retries")
            break
    else:
        timeline.mark("content not agreed by retries alone" if content else "no content sync claimed")
        if content:
            return agreement.compare(wp, backend, observer), time.monotonic() - healed
    wp.make_due(STRUCTURE_HOOK)
    wp.settle()
    wp.wp_cron()
    found = agreement.compare(wp, backend, observer, content)
    timeline.mark(f"after the daily event: {found}")
    return found, time.monotonic() - healed


@pytest.mark.requirement("FAIL-2", "FAIL-3")
@pytest.mark.parametrize("fault", [pytest.param(f, id=slug, marks=pytest.mark.requirement(f.requirement)) for slug, f in CATALOGUE.items()])
def test_after_the_fault_heals_wordpress_and_the_backend_agree_again(
    fault: Fault, connected_site, igny8_wp, igny8_backend, igny8_stored, igny8_stack, igny8_plugin_manifest, igny8_evidence, request
):
    content = "content-sync" in igny8_plugin_manifest.capabilities
    timeout = float(igny8_wp.state()["http_timeout"])
    kept = igny8_wp.create_posts([{"post_type": "post", "title": f"before {n}"} for n in range(BEFORE)])
    _, healthy_sync = Timeline().timed("the daily sync, healthy", lambda: igny8_wp.run_cron(STRUCTURE_HOOK))
    igny8_wp.settle()
    start = agreement.compare(igny8_wp, igny8_backend, igny8_stored, content)
    assert start.agreed, f"no agreed state to start from: {start}"

    timeline = Timeline()
    timeline.mark(f"injecting: {fault.what}")
    if fault.strikes_mid_sync:  # the changes are queued first, and the fault strikes as WP-Cron sends them
        blocked = changes(igny8_wp, timeline, kept, send=False)
        timeline.mark("the changes wait in the queue")
    with fault.make(igny8_stack.faults, timeout):
        timeline.mark("injected")
        if fault.strikes_mid_sync:
            _, blocked["WP-Cron"] = timeline.timed("WP-Cron sends the queue as the fault strikes", igny8_wp.settle)
        else:
            blocked = changes(igny8_wp, timeline, kept)
        timeline.mark("healing")
    timeline.mark("healed")
    found, recovery = recover(igny8_wp, igny8_backend, igny8_stored, content, timeline)
    leftovers = igny8_stack.faults.leftovers()

    row = {
        "fault": fault.name,
        "requirement": fault.requirement,
        **found.summary(),
        "recovery_seconds": round(recovery, 1),
        "longest_wait": round(max(blocked.values()), 2),
    }
    request.node.user_properties.append(("igny8_fault", row))
    igny8_evidence.json(f"{fault.name}: timeline", timeline.events)
    igny8_evidence.json(f"{fault.name}: outcome", {**row, "seconds each action took": {k: round(v, 2) for k, v in blocked.items()}, "disagreement": str(found)})
    assert not leftovers, f"the fault outlived its test: {leftovers}"
    assert found.agreed, f"after {fault.name} healed and the plugin recovered: {found}"
    assert recovery < RECOVERY, f"agreement took {recovery:.0f} s after healing (at most {RECOVERY})"
    # WordPress's own actions never wait on the network; the daily sync waits at most one timeout.
    waited = {k: v for k, v in blocked.items() if k not in ("daily sync", "WP-Cron") and v > 2}
    assert not waited, f"under {fault.name}, WordPress's own actions waited on the backend: {waited}"
    assert blocked["daily sync"] < timeout + 1 + healthy_sync, (
        f"under {fault.name}, the daily sync held WordPress {blocked['daily sync']:.1f} s (timeout {timeout:.0f} s)"
    )


@pytest.mark.requirement("FAIL-2")
@pytest.mark.parametrize("fault", [pytest.param(f, id=slug) for slug, f in CATALOGUE.items()])
def test_a_fault_is_reverted_when_its_test_breaks_off(fault: Fault, igny8_stack, igny8_wp):
    """What every FAIL-* check relies on: a fault ends with its test, however the test ends."""
    with pytest.raises(KeyboardInterrupt), fault.make(igny8_stack.faults, float(igny8_wp.state()["http_timeout"])):
        raise KeyboardInterrupt  # Ctrl-C in the middle of the fault
    assert igny8_stack.faults.leftovers() == [], f"{fault.name} outlived a test interrupted in its middle"


@pytest.mark.requirement("FAIL-2")
def test_the_sweeper_reverts_what_a_killed_run_left(igny8_stack, igny8_backend):
    """A run killed outright (SIGKILL) reverts nothing: `igny8 sweep` finds and reverts what it left."""
    faults = igny8_stack.faults
    entered = [faults.answering(503, "all"), faults.partitioned(), faults.unresolvable(), faults.paused("backend")]
    for fault in entered:
        fault.__enter__()  # and never left, as by a run that was killed (kept referenced: a collected one would revert)
    left = faults.leftovers()
    assert len(left) == 4, f"the leftovers found: {left}"
    assert sorted(faults.clear()) == sorted(left)
    assert faults.leftovers() == []
    assert igny8_backend.health().status_code == 200, "the stack does not answer after the sweeper reverted the faults"
    del entered


@pytest.mark.requirement("FAIL-2")
def test_a_container_run_from_a_stack_image_is_not_taken_for_the_stacks_service(igny8_stack):
    """The images compose builds carry its project and service labels, and so does every container
    run from one, as the faults' throwaway iptables containers are: such a container, even with this
    stack's labels, is not the stack's proxy (a fault's flag once went into one of another lane's)."""
    project = igny8_stack.project
    own = project.container("api")
    labels = {"com.docker.compose.project": project.name, "com.docker.compose.service": "api"}
    stray = project.client.run(TOOLS_IMAGE, ["sleep", "30"], labels=labels, detach=True, remove=True)
    try:
        assert [s["container"] for s in project.services() if s["service"] == "api"] == [own]
        assert project.execute("api", ["hostname"]).strip() != stray.id[:12], "a command for the proxy ran in the stray container"
    finally:
        stray.kill()
