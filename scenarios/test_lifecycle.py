"""Every admin action from every state (harness.judge.lifecycle): random sequences of Connect (with
the run's key or another integration's), Test connection, Sync now, Disconnect, the daily event,
deactivate, reactivate, uninstall, and a key revoked or an integration deactivated on the backend's
side, with what must hold checked after every step. The transitions covered are in the evidence."""

import pytest
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from harness.clients.tab import TabReader
from harness.generate import profiles
from harness.judge import lifecycle


def reader(client):
    tenant = client.tenant
    tab = TabReader(client.base_url, tenant.site_id, str(client.ca_path) if client.ca_path else None, tenant.secrets)
    return tab.login(tenant.username, tenant.password)


@pytest.mark.requirement("CONN-1", "CONN-2", "CONN-6", "CONN-7", "CONN-8", "CRON-1", "CRON-3", "CRON-4", "SEC-9", "UI-1", case="negative")
def test_every_admin_action_from_every_state(
    igny8_fresh_site,
    igny8_wp,
    igny8_plugin_page,
    igny8_backend_target,
    igny8_stored,
    igny8_new_tenant,
    igny8_change_integration,
    igny8_requirement,
    igny8_evidence,
):
    # Two tenants of the test's own: the run's tenant's tab login may be throttled by the tests before
    # (SEC-13), and its key must stay valid for the tests after.
    first, other = igny8_new_tenant("igny8 lifecycle A"), igny8_new_tenant("igny8 lifecycle B")
    covered: set[tuple[str, str, str]] = set()

    def model() -> lifecycle.Lifecycle:
        """Each example starts where the first did: a fresh site, both integrations as just made."""
        igny8_wp.reset()
        for client in (first, other):
            igny8_stored.reset(client.integration_id)
        tenants = {"A": lifecycle.Tenant("A", first, reader(first)), "B": lifecycle.Tenant("B", other, reader(other))}
        made = lifecycle.Lifecycle(igny8_wp, igny8_plugin_page, igny8_backend_target, tenants, igny8_change_integration, igny8_requirement)
        models.append(made)
        return made

    models: list[lifecycle.Lifecycle] = []
    profile = profiles.current()
    try:
        run_state_machine_as_test(
            lifecycle.machine_for(model), settings=settings(max_examples=profile.stateful_examples, stateful_step_count=profile.stateful_steps, deadline=None)
        )
    finally:
        for made in models:
            covered.update(made.world.transitions)
        igny8_evidence.summary("transitions covered (state before, action, state after)", sorted(covered))


@pytest.mark.requirement("CONN-1", "CONN-2", "CONN-6", "CONN-7", "CONN-8", "CRON-1", "CRON-3", "CRON-4", "SEC-9", "UI-1", case="negative")
def test_every_admin_action_is_taken_from_every_state_the_walk_reaches(
    igny8_fresh_site,
    igny8_wp,
    igny8_plugin_page,
    igny8_backend_target,
    igny8_stored,
    igny8_new_tenant,
    igny8_change_integration,
    igny8_requirement,
    igny8_evidence,
):
    """Not random: a walk that takes from each state an action not yet taken from it (lifecycle.cover),
    for three times the profile's stateful steps. The pairs it took are in the evidence."""
    first, other = igny8_new_tenant("igny8 lifecycle walk A"), igny8_new_tenant("igny8 lifecycle walk B")
    tenants = {"A": lifecycle.Tenant("A", first, reader(first)), "B": lifecycle.Tenant("B", other, reader(other))}
    model = lifecycle.Lifecycle(igny8_wp, igny8_plugin_page, igny8_backend_target, tenants, igny8_change_integration, igny8_requirement)
    taken: set[tuple[str, str]] = set()
    try:
        taken = lifecycle.cover(model, 3 * profiles.current().stateful_steps)
    finally:
        states = sorted({state for state, _ in taken})
        igny8_evidence.summary(
            "(state, action) pairs taken",
            {"states": states, "pairs": len(taken), "taken": sorted(taken), "transitions": sorted(set(model.world.transitions))},
        )
