"""The integration's lifecycle as a model (issue #36): every admin action, from every state the model
reaches, against the live stack, with what must hold checked after each step.

Two tenants of the same backend, A and B (both made for the test), so that "Connect with
another integration's key" is a step like any other. The actions: Connect with A's or B's key (from
any state: connected to either, disconnected, refused, deactivated), Test connection, Sync now,
Disconnect, the daily event, deactivate, reactivate, uninstall (then activate afresh), and on the
backend's side: a key revoked, an integration deactivated and activated again.

After every step:
- exactly one daily event while the plugin is active and holds a connection the backend has not
  refused; none otherwise (CRON-1, CRON-3, CRON-4, CONN-8);
- a structure reaches only the integration last connected, and only from a step that syncs (SEC-9,
  CONN-2, CRON-2);
- nothing is sent while the plugin holds no connection (CONN-7, CONN-10);
- each tenant's badge says what the backend holds of its integration (UI-1).
Every step taken is recorded as (state before, action, state after): the transitions covered."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule

from harness.clients.backend import BackendClient
from harness.clients.settings_page import SettingsPage
from harness.clients.tab import TabReader
from harness.clients.wordpress import STRUCTURE_HOOK, WordPressClient
from harness.target.target import BackendTarget

Charge = Callable[..., AbstractContextManager[None]]  # igny8_requirement
BADGE = {"connected": "Connected", "not_connected": "Not connected", "disconnected": "Disconnected"}


@dataclass
class Tenant:
    name: str
    client: BackendClient
    tab: TabReader
    revoked: bool = False
    inactive: bool = False

    @property
    def usable(self) -> bool:
        return not (self.revoked or self.inactive)


@dataclass
class World:
    """What the model believes; the machine compares the stack with it after every step."""

    active: bool = True
    holds: str | None = None  # the tenant whose connection the plugin holds
    refused: bool = False  # the backend refused its sync: the plugin stopped until a Connect (CONN-8)
    transitions: list[tuple[str, str, str]] = field(default_factory=list)

    def state(self) -> str:
        if not self.active:
            return f"deactivated, holding {self.holds}" if self.holds else "deactivated"
        if self.holds is None:
            return "not connected"
        return f"connected to {self.holds}, refused" if self.refused else f"connected to {self.holds}"


class Lifecycle:
    """The steps as plain methods (the machine's rules call them)."""

    def __init__(
        self, wp: WordPressClient, page: SettingsPage, target: BackendTarget, tenants: dict[str, Tenant], change: Callable[[int, str], object], charge: Charge
    ) -> None:
        self.wp, self.page, self.target, self.tenants, self.change, self.charge = wp, page, target, tenants, change, charge
        self.world = World()
        self.fetched = {name: t.client.read_back()["last_structure_fetch"] for name, t in tenants.items()}

    # ---- the actions ---------------------------------------------------------------------------

    def state(self) -> str:
        """The model's state, with what the backend holds of each integration where it is not ordinary."""
        odd = [f"{n} {'revoked' if t.revoked else 'inactive'}" for n, t in self.tenants.items() if not t.usable]
        return self.world.state() + (f" ({', '.join(odd)})" if odd else "")

    def step(self, action: str, do: Callable[[], bool]) -> None:
        """Runs an action; `do` returns whether it may have synced the held integration. Then every invariant."""
        before = self.state()
        may_sync = do()
        self.world.transitions.append((before, action, self.state()))
        self.check(action, may_sync)

    def connect(self, name: str) -> bool:
        tenant = self.tenants[name]
        outcome = self.page.connect(self.target.backend_url_for_plugin, tenant.client.api_key)
        with self.charge("CONN-1", "CONN-6"):
            expected = "success" if tenant.usable else "error"
            assert outcome.kind == expected, (
                f"Connect with {name}'s key ({'usable' if tenant.usable else 'refused'}) from '{self.world.state()}' said {outcome}"
            )
        if tenant.usable:
            self.world.holds, self.world.refused = name, False
        return True

    def disconnect(self) -> bool:
        if self.page.has("disconnect"):
            self.page.disconnect()
        self.world.holds, self.world.refused = None, False
        return False

    def test_connection(self) -> bool:
        if self.page.has("test_connection"):
            self.page.test_connection()
            self._may_meet_refusal()
        return False

    def sync_now(self) -> bool:
        if self.page.has("sync_now"):
            self.page.sync_now()
            self._meets_refusal()
        return True

    def daily_event(self) -> bool:
        self.wp.run_cron(STRUCTURE_HOOK)
        self._meets_refusal()
        return True

    def _may_meet_refusal(self) -> None:
        """Test connection is not a sync: a refusal it meets MAY stop the plugin (PROTOCOL.md 2, "Test
        connection"). The model follows the plugin's choice, read from its cron: either is right."""
        if self.world.active and self.world.holds and not self.tenants[self.world.holds].usable and not self.world.refused:
            self.world.refused = not any(e["hook"] == STRUCTURE_HOOK for e in self.wp.cron_events())

    def _meets_refusal(self) -> None:
        """A sync the backend refuses (401: revoked or inactive) stops the plugin (CONN-8)."""
        if self.world.active and self.world.holds and not self.tenants[self.world.holds].usable:
            self.world.refused = True

    def deactivate(self) -> bool:
        self.wp.set_plugin_active(False)
        self.world.active = False
        return False

    def reactivate(self) -> bool:
        self.wp.set_plugin_active(True)
        self.world.active = True
        return True  # a reactivated connected plugin resumes (CONTENT-6 reconciles; CRON-1 reschedules)

    def uninstall(self) -> bool:
        if self.world.active:
            self.wp.set_plugin_active(False)
        self.wp.uninstall_plugin()
        self.wp.set_plugin_active(True)  # its files stay: activated afresh, as a person reinstalls it
        self.world.active, self.world.holds, self.world.refused = True, None, False
        return False

    def revoke_key(self, name: str) -> bool:
        self.change(self.tenants[name].client.integration_id, "revoke-key")
        self.tenants[name].revoked = True
        return False

    def deactivate_integration(self, name: str) -> bool:
        self.change(self.tenants[name].client.integration_id, "deactivate")
        self.tenants[name].inactive = True
        return False

    def activate_integration(self, name: str) -> bool:
        self.change(self.tenants[name].client.integration_id, "activate")
        self.tenants[name].inactive = False
        return False

    # ---- what must hold after every step ---------------------------------------------------------

    def check(self, action: str, may_sync: bool) -> None:
        world, where = self.world, f"after {action} (now '{self.world.state()}')"
        live = world.active and world.holds is not None and not world.refused
        events = [e for e in self.wp.cron_events() if e["hook"] == STRUCTURE_HOOK]
        with self.charge("CRON-1", "CRON-3", "CRON-4", "CONN-8"):
            assert len(events) == (1 if live else 0), f"{where}: {len(events)} daily events, where {'one' if live else 'none'} must be"
        for name, tenant in self.tenants.items():
            if not tenant.usable:
                continue  # its key opens nothing (SEC-1): what it holds shows in its badge below
            now = tenant.client.read_back()["last_structure_fetch"]
            moved = now != self.fetched[name]
            self.fetched[name] = now
            with self.charge("SEC-9", "CONN-2", "CONN-7"):
                if moved:
                    assert may_sync and world.holds == name, (
                        f"{where}: a structure reached {name}'s integration, while the plugin holds {world.holds or 'no connection'}"
                    )
        for name, tenant in self.tenants.items():
            with self.charge("UI-1"):
                badge, _ = tenant.tab.badge_and_last_sync()
                # Revoked and inactive at once: UI-1 names both badges and neither's priority, so either is right.
                allowed = {"Key revoked", "Inactive"} if tenant.revoked and tenant.inactive else {self._badge(tenant)}
                assert badge in allowed, f"{where}: {name}'s tab reads {badge!r}, its integration is {' or '.join(sorted(allowed))}"

    def _badge(self, tenant: Tenant) -> str:
        if tenant.revoked:
            return "Key revoked"
        if tenant.inactive:
            return "Inactive"
        return BADGE[str(tenant.client.read_back()["status"])]  # its own key reads what the backend holds


# Every admin action: (whether it can be taken now, the step). The settings page's actions need the
# plugin active; a key is revoked once (both tenants are the test's own).
ACTIONS: dict[str, tuple[Callable[[Lifecycle], bool], Callable[[Lifecycle], bool]]] = {
    "Connect with A's key": (lambda m: m.world.active, lambda m: m.connect("A")),
    "Connect with B's key": (lambda m: m.world.active, lambda m: m.connect("B")),
    "Test connection": (lambda m: m.world.active, lambda m: m.test_connection()),
    "Sync now": (lambda m: m.world.active, lambda m: m.sync_now()),
    "Disconnect": (lambda m: m.world.active, lambda m: m.disconnect()),
    "the daily event": (lambda m: True, lambda m: m.daily_event()),
    "deactivate the plugin": (lambda m: m.world.active, lambda m: m.deactivate()),
    "reactivate the plugin": (lambda m: not m.world.active, lambda m: m.reactivate()),
    "uninstall, then activate afresh": (lambda m: True, lambda m: m.uninstall()),
    "A's key revoked on the backend": (lambda m: not m.tenants["A"].revoked, lambda m: m.revoke_key("A")),
    "B's key revoked on the backend": (lambda m: not m.tenants["B"].revoked, lambda m: m.revoke_key("B")),
    "A's integration deactivated": (lambda m: not m.tenants["A"].inactive, lambda m: m.deactivate_integration("A")),
    "A's integration activated": (lambda m: m.tenants["A"].inactive, lambda m: m.activate_integration("A")),
    "B's integration deactivated": (lambda m: not m.tenants["B"].inactive, lambda m: m.deactivate_integration("B")),
    "B's integration activated": (lambda m: m.tenants["B"].inactive, lambda m: m.activate_integration("B")),
}


def cover(model: Lifecycle, steps: int) -> set[tuple[str, str]]:
    """A walk that takes, from each state it is in, an action not yet taken from that state (the first
    in ACTIONS' order), else the possible action taken least often: every (state, action) pair it can
    reach, in about as many steps as there are pairs. Returns the pairs taken."""
    taken: dict[tuple[str, str], int] = {}
    for _ in range(steps):
        state = model.state()
        possible = [name for name, (can, _) in ACTIONS.items() if can(model)]
        action = min(possible, key=lambda name: taken.get((state, name), 0))
        taken[(state, action)] = taken.get((state, action), 0) + 1
        take = ACTIONS[action][1]
        model.step(action, lambda take=take: take(model))  # type: ignore[misc]
    return set(taken)


def machine_for(model: Callable[[], Lifecycle]) -> type[RuleBasedStateMachine]:
    """A Hypothesis state machine over a fresh Lifecycle: every rule has no precondition but what
    makes the action possible at all, so every action is tried from every state reached."""

    class LifecycleMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.model = model()

        @precondition(lambda self: self.model.world.active)  # the settings page is the active plugin's
        @rule(name=st.sampled_from(["A", "B"]))
        def connect(self, name: str) -> None:
            self.model.step(f"Connect with {name}'s key", lambda: self.model.connect(name))

        @precondition(lambda self: self.model.world.active)
        @rule()
        def disconnect(self) -> None:
            self.model.step("Disconnect", self.model.disconnect)

        @precondition(lambda self: self.model.world.active)
        @rule()
        def test_connection(self) -> None:
            self.model.step("Test connection", self.model.test_connection)

        @precondition(lambda self: self.model.world.active)
        @rule()
        def sync_now(self) -> None:
            self.model.step("Sync now", self.model.sync_now)

        @rule()
        def daily_event(self) -> None:
            self.model.step("the daily event", self.model.daily_event)

        @precondition(lambda self: self.model.world.active)
        @rule()
        def deactivate(self) -> None:
            self.model.step("deactivate the plugin", self.model.deactivate)

        @precondition(lambda self: not self.model.world.active)
        @rule()
        def reactivate(self) -> None:
            self.model.step("reactivate the plugin", self.model.reactivate)

        @rule()
        def uninstall(self) -> None:
            self.model.step("uninstall, then activate afresh", self.model.uninstall)

        @precondition(lambda self: not all(t.revoked for t in self.model.tenants.values()))
        @rule(name=st.sampled_from(["A", "B"]))
        def revoke_key(self, name: str) -> None:
            if not self.model.tenants[name].revoked:
                self.model.step(f"{name}'s key revoked on the backend", lambda: self.model.revoke_key(name))

        @rule(name=st.sampled_from(["A", "B"]))
        def deactivate_integration(self, name: str) -> None:
            self.model.step(f"{name}'s integration deactivated", lambda: self.model.deactivate_integration(name))

        @rule(name=st.sampled_from(["A", "B"]))
        def activate_integration(self, name: str) -> None:
            self.model.step(f"{name}'s integration activated", lambda: self.model.activate_integration(name))

    return LifecycleMachine
