"""After everything else, the other tenant is exactly as it was: the suite (and the backend) touched
only the tenant the run made (spec/CONTRACT.md 2.3). This module runs last (`igny8_last`). Under
pytest-xdist each worker's stack has a bystander of its own: every other worker checks its own at its
session's end (harness.suite.worker_checks), reported as this test with the worker's name."""

import pytest

from harness.judge import bystander


@pytest.mark.igny8_last
@pytest.mark.requirement("SEC-2", "STORE-1", case="negative")
def test_the_other_tenant_is_byte_for_byte_untouched(igny8_bystander, igny8_stored, igny8_evidence):
    igny8_evidence.text("the bystander's rows now", igny8_stored.snapshot(igny8_bystander.integration_id))
    changed = bystander.changes(igny8_bystander, igny8_stored)
    assert not changed, "; ".join(changed)
