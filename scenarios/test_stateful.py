"""A stateful test against the live stack: random interleavings of WordPress changes, syncs,
connects and disconnects, with the backend checked after every step (harness.judge.stateful)."""

import pytest
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from harness.generate import profiles
from harness.judge.checks import CheckContext
from harness.judge.properties import write_repro
from harness.judge.stateful import machine_for


@pytest.mark.requirement("CRON-2", "STORE-1", "STORE-2", "CONTENT-2", "CONN-2", "CONN-7", "UI-1", "READ-2", case="negative")
def test_the_backend_follows_wordpress_through_any_sequence_of_changes(
    igny8_wp,
    igny8_plugin_page,
    igny8_backend,
    igny8_stored,
    igny8_bystander,
    igny8_backend_target,
    igny8_report_dir,
    igny8_repro_context,
    request,
    igny8_evidence,
):
    failures = []

    def on_failure(steps):
        failures.append(list(steps))

    profile = profiles.current()
    machine = machine_for(CheckContext(igny8_backend, igny8_stored, igny8_wp, igny8_plugin_page, igny8_backend_target, igny8_bystander), on_failure)
    try:
        run_state_machine_as_test(machine, settings=settings(max_examples=profile.stateful_examples, stateful_step_count=profile.stateful_steps))
    except AssertionError:
        if failures:
            path = write_repro(igny8_report_dir / "repro" if igny8_report_dir else None, "stateful", "stateful", failures[-1], igny8_repro_context)
            igny8_evidence.json("steps of the shrunk failing run", failures[-1])
            if path:
                request.node.user_properties.append(("igny8_repro_file", str(path)))
        raise
