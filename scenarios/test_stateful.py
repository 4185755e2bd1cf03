"""A stateful test against the live stack: random interleavings of WordPress changes, syncs,
connects and disconnects, with the backend checked after every step (harness.stateful)."""

import pytest
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from harness import profiles
from harness.properties import write_repro
from harness.stateful import machine_for


@pytest.mark.requirement("CRON-2", "STORE-1", "CONTENT-2", "CONN-2", "CONN-7")
def test_the_backend_follows_wordpress_through_any_sequence_of_changes(
    igny8_wp, igny8_backend, igny8_stack, igny8_report_dir, igny8_stack_info, request, igny8_evidence
):
    failures = []

    def on_failure(steps):
        failures.append(list(steps))

    profile = profiles.current()
    machine = machine_for(igny8_wp, igny8_backend, igny8_stack, on_failure)
    try:
        run_state_machine_as_test(machine, settings=settings(max_examples=profile.stateful_examples, stateful_step_count=profile.stateful_steps))
    except AssertionError:
        if failures:
            context = {"test": request.node.nodeid, "seed": request.config.getoption("hypothesis_seed", None), "system": igny8_stack_info}
            path = write_repro(igny8_report_dir / "repro" if igny8_report_dir else None, "stateful", "stateful", failures[-1], context)
            igny8_evidence.json("steps of the shrunk failing run", failures[-1])
            if path:
                request.node.user_properties.append(("igny8_repro_file", str(path)))
        raise
