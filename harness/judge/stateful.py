"""A stateful model of one site and its backend, driven against the live stack.

Rules change WordPress (post types, taxonomies, posts, terms), run the daily sync, connect and
disconnect. After every step:
- after a sync, the backend's structure equals WordPress's own view;
- a set checker on synced content, as Jepsen's, once the plugin's WP-Cron work has run: `lost`
  (public content the backend should hold and does not), `unexpected` (on the backend, never in
  WordPress), `stale` (on the backend, no longer public content). Connect and the daily sync walk
  all content (CONTENT-4, CONTENT-6); in between, saves and trashes while connected are sent
  (CONTENT-2, CONTENT-3), and items changed while disconnected wait for the next walk.
With the profile's nemesis (`--profile thorough`), a step may also save a post or run the daily
sync under a fault of harness.judge.fault_catalogue, then heal it and let the plugin recover by its own
retries: the same checks must hold after it.
Every executed step is logged, so a failure can be replayed by `igny8 repro`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from harness.clients.tab import TabReader, same_instant
from harness.clients.wordpress import STRUCTURE_HOOK
from harness.generate import profiles
from harness.generate.strategies import keys, post_type_defs, taxonomy_defs
from harness.judge.checks import CheckContext, check
from harness.judge.expect import differences, expected_structure, served_structure
from harness.judge.fault_catalogue import CATALOGUE

BUILTIN_SYNCED = {"post", "page"}
RECOVERY_ROUNDS = 4  # after a fault heals: the plugin's retries let run, their time made to come


class SyncModel:
    """The steps, as plain methods: the machine's rules call them, and so does a replay."""

    def __init__(self, ctx: CheckContext) -> None:
        assert ctx.wp is not None and ctx.settings is not None and ctx.target is not None, "the stateful model needs a stack with WordPress"
        assert ctx.observer is not None, "the stateful model resets the backend: it needs the backend's observer"
        self.wp, self.settings, self.backend, self.observer, self.target = ctx.wp, ctx.settings, ctx.backend, ctx.observer, ctx.target
        self.pushes_content = self.settings.manifest.claims("content-sync")
        self.post_types: dict[str, dict[str, Any]] = {}
        self.taxonomies: dict[str, dict[str, Any]] = {}
        self.published: dict[int, str] = {}  # id -> post type
        self.drafts: set[int] = set()
        self.ever_created: set[int] = set()
        self.expected_synced: set[int] = set()
        self.limbo: set[int] = set()  # posts of a type whose definition changed since the last walk: either answer is right
        self.connected, self.just_synced = False, False
        self.badge = "Not connected"  # what the tab must show (UI-1)
        self.synced_at: str | None = None  # the backend's last structure time: only a sync while connected moves it
        self.steps: list[dict[str, Any]] = []
        self.wp.reset()
        self.observer.reset(self.backend.integration_id)
        self._know_the_site()
        tenant = ctx.backend.tenant
        self.tab = TabReader(ctx.backend.base_url, tenant.site_id, str(ctx.backend.ca_path) if ctx.backend.ca_path else None, tenant.secrets)
        if tenant.username and tenant.password:
            self.tab.login(tenant.username, tenant.password)
        self.bystander = ctx.bystander
        self.faults = getattr(ctx.target, "faults", None)  # a stack the harness runs; none for --backend-url

    def _log(self, name: str, **args: Any) -> None:
        self.steps.append({"step": name, **args})
        self.just_synced = False  # WordPress changes; the backend catches up at the next sync

    def _synced_type(self, slug: str) -> bool:
        d = self.post_types.get(slug)
        return slug in BUILTIN_SYNCED or bool(d and (d["public"] or d["show_ui"]))

    def _content_type(self, slug: str) -> bool:
        """Whose items the backend holds (CONTENT-5): public types only."""
        d = self.post_types.get(slug)
        return slug in BUILTIN_SYNCED or bool(d["public"] if d else self.site_types.get(slug))

    def _know_the_site(self) -> None:
        """What the site holds before the first step (a --site profile, third-party plugins): its own
        public post types, and its posts, which Connect backfills (CONTENT-4)."""
        state = self.wp.state()
        public_statuses = {slug for slug, e in state["post_statuses"].items() if e["public"]}
        self.site_types: dict[str, bool] = {slug: bool(e["public"]) for slug, e in state["wordpress"]["post_types"].items()}
        for post_id, (post_type, status) in self.wp.all_posts().items():
            self.ever_created.add(post_id)
            if status in public_statuses:
                self.published[post_id] = post_type
            else:
                self.drafts.add(post_id)

    def _walked(self) -> None:
        """Connect or the daily sync walked all content: the backend now holds exactly the public content."""
        if self.pushes_content:
            self.expected_synced = {i for i, t in self.published.items() if self._content_type(t)}
        self.limbo.clear()

    def _type_changed(self, slug: str) -> None:
        if self.connected:
            self.limbo |= {i for i, t in self.published.items() if t == slug}

    def _register(self) -> None:
        refused = self.wp.register(self.post_types, self.taxonomies)["errors"]
        assert not refused, f"WordPress refused: {refused}"

    # ---- steps -------------------------------------------------------------------------------

    def add_post_type(self, slug: str, definition: dict[str, Any]) -> None:
        self._log("add_post_type", slug=slug, definition=definition)
        self.post_types[slug] = definition
        self._type_changed(slug)
        self._register()

    def remove_post_type(self, slug: str) -> None:
        self._log("remove_post_type", slug=slug)
        self.post_types.pop(slug, None)
        self._type_changed(slug)
        for tax in self.taxonomies.values():
            tax["object_types"] = [t for t in tax["object_types"] if t != slug]
        self._register()

    def add_taxonomy(self, slug: str, definition: dict[str, Any]) -> None:
        self._log("add_taxonomy", slug=slug, definition=definition)
        definition = {**definition, "object_types": [t for t in definition["object_types"] if t in self.post_types or t in BUILTIN_SYNCED]}
        self.taxonomies[slug] = definition
        self._register()

    def remove_taxonomy(self, slug: str) -> None:
        self._log("remove_taxonomy", slug=slug)
        self.taxonomies.pop(slug, None)
        self._register()

    def add_post(self, post_type: str, publish: bool) -> int:
        self._log("add_post", post_type=post_type, publish=publish)
        return self._add_post(post_type, publish)

    def _add_post(self, post_type: str, publish: bool) -> int:
        (post_id,) = self.wp.create_posts([{"post_type": post_type, "title": f"{post_type} item", "status": "publish" if publish else "draft"}])
        self.ever_created.add(post_id)
        if publish:
            self.published[post_id] = post_type
            if self.connected and self.pushes_content and self._content_type(post_type):
                self.expected_synced.add(post_id)
        else:
            self.drafts.add(post_id)
        return post_id

    def trash_post(self, post_id: int) -> None:
        self._log("trash_post", post_id=post_id)
        self.published.pop(post_id)
        self.wp.change_posts([post_id], "trash")
        if self.connected:
            self.expected_synced.discard(post_id)

    def under_fault(self, fault: str, post_type: str, then_sync: bool) -> None:
        """The nemesis: a post saved (and, with then_sync, the daily sync run) under `fault`; healed;
        the plugin's retries let run. A structure sync that failed under it is put right by the
        next daily event (FAIL-3), run here after the retries."""
        self._log("under_fault", fault=fault, post_type=post_type, then_sync=then_sync)
        assert self.faults is not None, "the nemesis needs a stack the harness runs"
        with CATALOGUE[fault].make(self.faults, float(self.wp.state()["http_timeout"])):
            self._add_post(post_type, True)
            if then_sync:
                self.wp.run_cron(STRUCTURE_HOOK)
            self.wp.settle()
        for _ in range(RECOVERY_ROUNDS):
            self.wp.settle(time_passes=True)
        if then_sync:
            self._sync()

    def sync(self) -> None:
        self._log("sync")
        self._sync()

    def _sync(self) -> None:
        self.wp.run_cron(STRUCTURE_HOOK)
        self.just_synced = self.connected
        if self.connected:
            self._walked()
        self._check_time_moved(self.connected, "the daily event")

    def connect(self) -> None:
        self._log("connect")
        outcome = self.settings.connect(self.target.backend_url_for_plugin, self.backend.api_key)
        assert outcome.kind == "success", f"connect failed: {outcome}"
        self.connected = self.just_synced = True
        self.badge = "Connected"
        self._walked()
        self._check_time_moved(True, "Connect")

    def disconnect(self) -> None:
        self._log("disconnect")
        outcome = self.settings.disconnect()
        assert outcome.kind == "success", f"disconnect failed: {outcome}"
        self.connected, self.just_synced = False, False
        self.badge = "Disconnected"
        self._check_time_moved(False, "Disconnect")

    def _check_time_moved(self, should: bool, what: str) -> None:
        """A structure sync while connected advances the backend's time; nothing else moves it (STORE-2)."""
        now = self.backend.read_back()["last_structure_fetch"]
        if should:
            assert now and (self.synced_at is None or now > self.synced_at), f"{what} did not advance the last sync time ({self.synced_at} -> {now})"
        else:
            assert now == self.synced_at, f"{what} moved the last sync time ({self.synced_at} -> {now})"
        self.synced_at = now

    # ---- what must hold ------------------------------------------------------------------------

    def check_structure(self) -> None:
        if not self.just_synced:
            return
        served = self.backend.read_back()
        diff = differences(expected_structure(self.wp.state()["wordpress"]), served_structure(served))
        assert not diff, "after a sync the backend differs from WordPress:\n" + "\n".join(diff)

    def check_content(self) -> None:
        if self.connected:
            self.wp.settle()  # what the plugin left for WP-Cron is sent before the backend is read
        on_backend = {int(r["external_id"]) for r in self.observer.synced_items(self.backend.integration_id)}
        lost = sorted(self.expected_synced - on_backend - self.limbo)
        unexpected = sorted(on_backend - self.ever_created)
        stale = sorted((on_backend & self.ever_created) - self.expected_synced - self.limbo)
        assert not (lost or unexpected or stale), f"synced content: lost {lost}, unexpected {unexpected}, stale {stale}"

    def check_tab(self) -> None:
        """The badge follows the integration's state; the shown time is the stored one (UI-1, UI-3)."""
        badge, shown = self.tab.badge_and_last_sync()
        assert badge == self.badge, f"the tab reads {badge!r}, the integration is {self.badge!r}"
        assert same_instant(shown, self.synced_at), f"the tab shows the last sync as {shown!r}, the backend holds {self.synced_at!r}"

    def check_bystander(self) -> None:
        """The other tenant's read-back never moves, whatever this site does (SEC-2)."""
        if self.bystander is None:
            return
        read = self.bystander.client.read_back()
        fields = ("post_types", "taxonomies", "last_structure_fetch", "status")
        assert {k: read[k] for k in fields} == {k: self.bystander.read_back[k] for k in fields}, "the other tenant's read-back changed"

    def check_all(self) -> None:
        self.check_structure()
        self.check_content()
        self.check_tab()
        self.check_bystander()

    def replay(self, steps: list[dict[str, Any]]) -> None:
        for step in steps:
            step = dict(step)
            getattr(self, step.pop("step"))(**step)
            self.check_all()


@check("stateful", needs="nothing")
def replay_steps(ctx: CheckContext, steps: list[dict[str, Any]]) -> None:
    """A recorded run of the state machine, step by step, checked after each (`igny8 repro`)."""
    SyncModel(ctx).replay(steps)


def machine_for(ctx: CheckContext, on_failure: Callable[[list[dict[str, Any]]], None]) -> type[RuleBasedStateMachine]:
    """The Hypothesis state machine class, bound to one live stack."""

    class SyncMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.model = SyncModel(ctx)
            self.model.connect()

        def teardown(self) -> None:
            self.model.connected = False

        @rule(slug=keys(20), definition=post_type_defs())
        def add_post_type(self, slug: str, definition: dict[str, Any]) -> None:
            self.model.add_post_type(slug, definition)

        @precondition(lambda self: self.model.post_types)
        @rule(data=st.data())
        def remove_post_type(self, data: st.DataObject) -> None:
            self.model.remove_post_type(data.draw(st.sampled_from(sorted(self.model.post_types))))

        @rule(slug=keys(32), data=st.data())
        def add_taxonomy(self, slug: str, data: st.DataObject) -> None:
            if slug in self.model.post_types:
                return
            attachable = sorted(set(self.model.post_types) | BUILTIN_SYNCED)
            self.model.add_taxonomy(slug, data.draw(taxonomy_defs(attachable)))

        @precondition(lambda self: self.model.taxonomies)
        @rule(data=st.data())
        def remove_taxonomy(self, data: st.DataObject) -> None:
            self.model.remove_taxonomy(data.draw(st.sampled_from(sorted(self.model.taxonomies))))

        @rule(data=st.data(), publish=st.booleans())
        def add_post(self, data: st.DataObject, publish: bool) -> None:
            self.model.add_post(data.draw(st.sampled_from(sorted(set(self.model.post_types) | BUILTIN_SYNCED))), publish)

        @precondition(lambda self: self.model.published)
        @rule(data=st.data())
        def trash_post(self, data: st.DataObject) -> None:
            self.model.trash_post(data.draw(st.sampled_from(sorted(self.model.published))))

        @rule()
        def sync(self) -> None:
            self.model.sync()

        @precondition(lambda self: profiles.current().nemesis and self.model.connected and self.model.faults is not None)
        @rule(fault=st.sampled_from(sorted(CATALOGUE)), data=st.data(), then_sync=st.booleans())
        def under_fault(self, fault: str, data: st.DataObject, then_sync: bool) -> None:
            self.model.under_fault(fault, data.draw(st.sampled_from(sorted(set(self.model.post_types) | BUILTIN_SYNCED))), then_sync)

        @precondition(lambda self: not self.model.connected)
        @rule()
        def connect(self) -> None:
            self.model.connect()

        @precondition(lambda self: self.model.connected)
        @rule()
        def disconnect(self) -> None:
            self.model.disconnect()

        @invariant()
        def backend_agrees_with_wordpress(self) -> None:
            try:
                self.model.check_all()
            except AssertionError:
                on_failure(self.model.steps)
                raise

    return SyncMachine
