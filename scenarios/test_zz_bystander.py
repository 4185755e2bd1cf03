"""After everything else, the other tenant is exactly as it was: the suite (and the backend) touched
only the tenant the run made (spec/CONTRACT.md 2.3). This module runs last (`igny8_last`)."""

import pytest

from harness.judge.observed import observed


@pytest.mark.igny8_last
@pytest.mark.requirement("SEC-2", "STORE-1", case="negative")
def test_the_other_tenant_is_byte_for_byte_untouched(igny8_bystander, igny8_stored, igny8_evidence):
    now = igny8_stored.snapshot(igny8_bystander.integration_id)
    igny8_evidence.text("the bystander's rows now", now)
    assert now == igny8_bystander.stored, "the other tenant's stored rows changed during the run"
    assert observed(igny8_bystander.client, None)["read_back"][0] == 200
    read = igny8_bystander.client.read_back()
    assert {k: read[k] for k in ("post_types", "taxonomies", "last_structure_fetch", "status")} == {
        k: igny8_bystander.read_back[k] for k in ("post_types", "taxonomies", "last_structure_fetch", "status")
    }, "the other tenant's read-back changed during the run"
