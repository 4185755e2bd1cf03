"""One test stack: a compose project with its own name, labels, secrets, ports and TLS material.

with running_stack(Wanted(wordpress="6.8")) as stack:   # made, up, and removed afterwards
    stack.urls.wordpress, stack.secrets.api_key, stack.postgres_dsn
with running_stack(Wanted(plugin_dir=DIR), attach="igny8-ab12cd") as stack:   # running; DIR put in place
"""

from __future__ import annotations

import json
import re
import secrets as random
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness.base.progress import say, step
from harness.stack import neighbour, placement, tls
from harness.stack.compose import (
    BACKEND_USER,
    PLUGIN_COPY,
    WP_ADMIN_USER,
    Ports,
    StackFile,
    owner,
    services_to_build,
    stack_env,
    stack_files,
    write_env_file,
    write_override_file,
)
from harness.stack.config import COMPOSE_FILE, REFERENCE_BACKEND_IMAGE, STACK_RATES, Rates, StackConfig, find_cell
from harness.stack.engine import ComposeProject, Engine, ensure_engine
from harness.stack.faults import Faults
from harness.stack.images import base_image, build_stamp, wheelhouse
from harness.stack.readiness import Probe, wait_until_ready
from harness.stack.revision import source_revision
from harness.stack.secrets import Secrets, write_private
from harness.stack.tenants import HARNESS_ROLES, Tenant, Tenants, harness_accounts

STATE_ROOT = base_image.CACHE / "stacks"


@dataclass(frozen=True)
class Urls:
    wordpress: str
    backend: str  # from the host
    backend_for_plugin: str = "https://api.igny8.test"
    postgres_port: int = 0


# Compose's rule for a project's name, which a stack's is.
NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise ValueError(f"{name!r} cannot name a stack: use lowercase letters, digits, '-' and '_', starting with a letter or digit")
    return name


class Stack:
    WP_ADMIN_USER = WP_ADMIN_USER
    BACKEND_USER = BACKEND_USER

    def __init__(self, name: str, config: StackConfig, secrets: Secrets, ports: Ports, made_by: str) -> None:
        self.name, self.config, self.secrets, self.ports, self.made_by = name, config, secrets, ports, made_by
        self.state_dir = STATE_ROOT / name
        self._project: ComposeProject | None = None
        self.placement = placement.of_engine()  # where its engine is: how its ports are reached, how its files get there
        host = self.placement.url_host()
        self.urls = Urls(wordpress=f"http://{host}:{ports.wordpress}", backend=f"https://{host}:{ports.api}", postgres_port=ports.postgres)

    # ---- making and finding stacks ------------------------------------------------------------

    @classmethod
    def create(cls, config: StackConfig | None = None, name: str | None = None) -> Stack:
        """A new stack's state (not started yet); ValueError, before anything is written, for a name
        compose cannot take as a project's."""
        stack = cls(check_name(name) if name else f"igny8-{random.token_hex(3)}", config or StackConfig(), Secrets(), Ports.free(), owner())
        stack._save()
        return stack

    @classmethod
    def attach(cls, name: str) -> Stack:
        state = STATE_ROOT / name / "stack.json"
        if not state.exists():
            known = ", ".join(cls.known()) or "none"
            raise LookupError(f"No stack named {name!r} here (known stacks: {known}).")
        saved = json.loads(state.read_text())
        return cls(name, StackConfig(**saved["config"]), Secrets.load(STATE_ROOT / name / "secrets.json"), Ports(**saved["ports"]), saved["made_by"])

    @classmethod
    def known(cls) -> list[str]:
        return sorted(p.parent.name for p in STATE_ROOT.glob("*/stack.json")) if STATE_ROOT.exists() else []

    def _save(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        record = {
            "name": self.name,
            "config": asdict(self.config),
            "ports": asdict(self.ports),
            "made_by": self.made_by,
            "created": datetime.now(UTC).isoformat(),
        }
        (self.state_dir / "stack.json").write_text(json.dumps(record, indent=2))
        self.secrets.save(self.state_dir / "secrets.json")
        self._project = None  # the env file follows the config

    # ---- compose --------------------------------------------------------------------------------

    @property
    def project(self) -> ComposeProject:
        if self._project is None:
            env_file = write_env_file(self.env, self.state_dir)
            override = write_override_file(self.config, self.state_dir, self.placement)  # the files the containers read
            self._project = Engine(self.secrets.all()).project(self.name, COMPOSE_FILE, env_file, COMPOSE_FILE.parent, [override])
        return self._project

    @property
    def env(self) -> dict[str, str]:
        """Every value the compose file reads for this stack (secrets among them)."""
        return stack_env(self.name, self.config, self.secrets, self.ports, self.made_by, self.placement)

    @property
    def faults(self) -> Faults:
        return Faults(self.project, self.wait_ready)

    @property
    def tenants(self) -> Tenants:
        return Tenants(self.project)

    def plain_http_requests(self) -> int:
        """How many requests the proxy has had on its plain-HTTP port (wordpress-stack/api/nginx.conf's mark)."""
        return sum("igny8-plain-http " in line for line in self.project.logs(["api"]).splitlines())

    def elsewhere_requests(self) -> list[str]:
        """The requests the other backend URL has had (ELSEWHERE_NAME, SEC-12), each as "METHOD URI
        key=yes|no": whether it carried an Authorization header (wordpress-stack/api/nginx.conf's mark)."""
        lines = self.project.logs(["api"]).splitlines()
        return [line.split("igny8-elsewhere ", 1)[1].strip() for line in lines if "igny8-elsewhere " in line]

    def from_inside(self, method: str, url: str, headers: dict[str, str], body: str = "") -> neighbour.Answer:
        """A request from a neighbour of the backend on the stack's network (harness.stack.neighbour)."""
        return neighbour.request(self.project, method, url, headers, body)

    def up(self) -> Stack:
        """Builds what is missing, starts every service and waits until WordPress and the backend answer."""
        ensure_engine()
        with base_image.BUILDING:
            # Side by side: on a new machine each base is a debootstrap (~40 s, mostly download and
            # unpacking), and the wheelhouse a download.
            with ThreadPoolExecutor(3) as pool:
                made: list[Future[object]] = [pool.submit(base_image.ensure, suite) for suite in sorted({"bookworm", self.config.suite})]
                if self.config.builds_backend:
                    made.append(pool.submit(wheelhouse.ensure))
                for each in made:
                    each.result()
            build_stamp.build(self.project, COMPOSE_FILE, self.env, services_to_build(self.config))
        tls.ensure(self.state_dir / "tls", also_named=[self.placement.reached_at])
        self._copy_plugin()
        with step(f"starting {self.name} and waiting until WordPress and the backend answer"):
            self.project.up(files=self._files_to_copy())
            self.wait_ready()
        return self

    def wait_ready(self) -> None:
        """Returns when WordPress (and so MariaDB) and the backend through its proxy (and so
        PostgreSQL: health answers 200 only with its database) answer from the host."""
        wait_until_ready(
            self.project,
            [Probe("wordpress", self.urls.wordpress, "/wp-login.php"), Probe("backend", self.urls.backend, "/api/v1/health/", self.ca_path)],
        )

    def replace(
        self, plugin_dir: str | None = None, backend_image: str | None = None, plugin_file: str | None = None, extra_plugins: tuple[str, ...] | None = None
    ) -> None:
        """Swaps the plugin (its files, in place), the backend image (its container) or the
        third-party plugins (the WordPress container, with their mounts) of a running stack."""
        if plugin_dir:
            self.config.plugin_dir = str(Path(plugin_dir).resolve())
            self.config.plugin_file = plugin_file or self.config.plugin_file
            self._copy_plugin()
        image_changed = bool(backend_image) and backend_image != self.config.backend_image
        if backend_image:
            self.config.backend_image = backend_image
        extras_changed = extra_plugins is not None and tuple(extra_plugins) != self.config.extra_plugins
        if extra_plugins is not None:
            self.config.extra_plugins = tuple(extra_plugins)
        self._save()
        if image_changed or extras_changed:
            changed = [service for service, change in (("backend", image_changed), ("wordpress", extras_changed)) if change]
            self.project.up(files=self._files_to_copy(), replacing=changed)  # the backend another image, WordPress other plugins
            self.wait_ready()

    def _files_to_copy(self) -> list[StackFile]:
        """The stack's files, when they travel into the containers rather than being mounted (harness.stack.placement)."""
        return stack_files(self.config, self.state_dir) if self.placement.copy_files else []

    def _copy_plugin(self) -> None:
        """The plugin under test, copied into the folder the WordPress container mounts (compose.PLUGIN_COPY),
        and on another host's engine into the running container's plugin folder as well."""
        copy = self.state_dir / PLUGIN_COPY
        copy.mkdir(parents=True, exist_ok=True)
        for old in copy.iterdir():  # the folder itself stays: it is what the container mounts
            shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
        shutil.copytree(self.config.plugin_dir, copy, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".git", "node_modules"))
        if self.placement.copy_files and any(s["service"] == "wordpress" for s in self.project.services()):
            (plugin,) = [f for f in self._files_to_copy() if f.source == copy]
            self.project.copy_in(plugin, replace=True)

    def down(self) -> None:
        with step(f"removing {self.name} (containers, network, volumes)"):
            self.project.down()
        shutil.rmtree(self.state_dir, ignore_errors=True)

    def status(self) -> list[dict[str, str | None]]:
        return self.project.services()

    def logs(self, *services: str, tail: str | None = None, since: float | None = None) -> str:
        return self.project.logs(services, tail=tail, since=since)

    def proxied(self, method: str, target: str, since: float) -> int:
        """How many `method target` requests (a path and its query) the backend's proxy has logged since
        `since` (seconds since the epoch): each it answered, and each whose client left first (499)."""
        return sum(f'"{method} {target} HTTP/' in line for line in self.logs("api", since=since).splitlines())

    def harness_tenant(self, role: str) -> tuple[Tenant, bool]:
        """The tenant the harness keeps on this stack for `role` ("run": the one tests reset and use;
        "bystander": another that must never change), made the first time; and whether it is new to
        its caller (made, and not handed out before). Kept in the stack's 0600 state, so that runs
        attached to the stack reuse them."""
        path = self.state_dir / "tenants.json"
        kept = json.loads(path.read_text()) if path.exists() else {}
        if role not in kept:
            # The reference backend made them at start (IGNY8_SEED_TENANTS). Otherwise each is a
            # `manage.py` in the backend, about 1.3 s of Django start: the roles a run will ask for
            # are made at once, side by side, when the first is asked for.
            accounts = harness_accounts(self.name)
            seeded = self.tenants.seeded_at_start()
            made = {r: seeded[accounts[r]] for r in {role, *HARNESS_ROLES} - kept.keys() if accounts[r] in seeded}
            missing = sorted({role, *HARNESS_ROLES} - kept.keys() - made.keys())
            if missing:
                with ThreadPoolExecutor(len(missing)) as pool:
                    made |= dict(zip(missing, pool.map(lambda r: self.tenants.create(accounts[r]), missing), strict=True))
            kept |= {r: {**asdict(tenant), "handed_out": False} for r, tenant in made.items()}
        entry = dict(kept[role])
        new = entry.pop("handed_out", True) is False
        if new:
            kept[role]["handed_out"] = True
            write_private(path, json.dumps(kept))
        tenant = Tenant(**entry)
        self.project.also_mask(tenant.secrets)  # made by an earlier run on this stack, perhaps
        return tenant, new

    # ---- where things are -----------------------------------------------------------------------

    @property
    def ca_path(self) -> Path:
        return self.state_dir / "tls" / "ca.pem"

    @property
    def postgres_dsn(self) -> str:
        return f"postgresql://postgres:{self.secrets.postgres_password}@{self.placement.url_host()}:{self.urls.postgres_port}/igny8"

    # ---- as a BackendTarget (harness.target) ---------------------------------------------------

    @property
    def backend_url(self) -> str:
        return self.urls.backend

    @property
    def backend_url_for_plugin(self) -> str:
        return self.urls.backend_for_plugin

    @property
    def database_dsn(self) -> str | None:
        return self.postgres_dsn

    @property
    def secret_values(self) -> list[str]:
        return self.secrets.all()

    @property
    def backend_label(self) -> str:
        return self.config.backend_image

    @property
    def rates(self) -> Rates:
        """What the stack gives its backend (IGNY8_API_RATE, IGNY8_LOGIN_RATE; CONTRACT.md 2.1)."""
        return STACK_RATES

    @property
    def expected_revision(self) -> str | None:
        """The revision the backend must answer: known only for the reference built from this checkout."""
        return source_revision() if self.config.backend_image == REFERENCE_BACKEND_IMAGE else None

    def backend_logs(self) -> str | None:
        """The backend's container's output (its own server's lines; TLS ends at the proxy in front)."""
        return self.logs("backend")

    def describe(self, show_secrets: bool = False) -> str:
        """What a person needs to use the stack by hand."""
        shown: Callable[[str], str] = (lambda v: v) if show_secrets else (lambda v: f"{v[:4]}…")
        u = self.urls
        return "\n".join(
            [
                f"stack        {self.name}  (WordPress {self.config.wordpress} on PHP {self.config.php}, {self.config.suite}; plugin {self.config.plugin_dir})",
                *(f"also active  {d}" for d in self.config.extra_plugins),
                f"wp-admin     {u.wordpress}/wp-admin/   user {self.WP_ADMIN_USER}  password {shown(self.secrets.wp_admin_password)}",
                f"backend      {u.backend}/  (CA: {self.ca_path}); the plugin reaches it as {u.backend_for_plugin}",
                f"content tab  {u.backend}/sites/1/content-types/   user {self.BACKEND_USER}  password {shown(self.secrets.backend_user_password)}",
                f"API key      {shown(self.secrets.api_key)}",
                f"postgres     {self.placement.url_host()}:{u.postgres_port}  user postgres  password {shown(self.secrets.postgres_password)}",
                "" if show_secrets else "(secrets masked: `igny8 status --show-secrets` prints them)",
            ]
        ).rstrip()


@dataclass(frozen=True)
class Wanted:
    """The builds a run names; None: the default for a new stack, whatever it runs for an attached one."""

    wordpress: str | None = None
    plugin_dir: str | None = None
    plugin_file: str | None = None
    backend_image: str | None = None
    php: str | None = None
    extra_plugins: tuple[str, ...] | None = None  # third-party plugin directories (--with-plugin)

    def config(self, keep: bool = False) -> StackConfig:
        extra = tuple(self.extra_plugins or ())
        return StackConfig(self.wordpress or "", self.php or "", self.plugin_dir or "", self.backend_image or "", self.plugin_file or "", keep, extra)


@contextmanager
def running_stack(
    wanted: Wanted = Wanted(),
    *,
    attach: str | None = None,
    keep: bool = False,
    shown: Callable[[], AbstractContextManager[object]] = nullcontext,
    name: str | None = None,
) -> Iterator[Stack]:
    """The one way to have a stack for a block of work. An attached one runs what `wanted` names
    (swapped in place) and is left running; a new one is built, started and, unless kept, removed
    afterwards, whatever happens inside. `shown` wraps the slow steps (pytest uses it to show
    progress while it captures output)."""
    if attach:
        stack = Stack.attach(attach)
        if not any(s["state"] == "running" for s in stack.status()):  # kept, but stopped or never started
            with shown():
                stack.up()
        _put_in_place(stack, wanted, shown)
        yield stack
        return
    stack = Stack.create(wanted.config(keep), name)
    try:
        with shown():
            stack.up()
        yield stack
    except BaseException:
        with shown():
            _finish(stack, keep, quietly=True)  # the failure that got us here is the one to report
        raise
    with shown():
        _finish(stack, keep)


def _put_in_place(stack: Stack, wanted: Wanted, shown: Callable[[], AbstractContextManager[object]]) -> None:
    """An attached stack runs the builds a run names, or the run is refused: a run never tests
    another build than the one it names."""
    if wanted.wordpress or wanted.php:
        # A PHP alone keeps the stack's WordPress; a WordPress alone means its own PHP.
        cell = find_cell(wanted.wordpress or stack.config.wordpress, wanted.php)
        if cell != stack.config.cell:
            raise ValueError(f"{stack.name} runs {stack.config.cell.name}, not {cell.name}: a WordPress or PHP version needs a stack of its own")
    plugin_dir = str(Path(wanted.plugin_dir).resolve()) if wanted.plugin_dir else stack.config.plugin_dir
    plugin_file = wanted.plugin_file or stack.config.plugin_file
    backend_image = wanted.backend_image or stack.config.backend_image
    extra = stack.config.extra_plugins
    if wanted.extra_plugins:  # resolved (corpus:PATH too), and the corpus release the stack's cell runs
        extra = StackConfig(stack.config.wordpress, stack.config.php, extra_plugins=tuple(wanted.extra_plugins)).extra_plugins
    running = (stack.config.plugin_dir, stack.config.plugin_file, stack.config.backend_image, stack.config.extra_plugins)
    if (plugin_dir, plugin_file, backend_image, extra) != running:
        # Refuses a directory that is not a plugin, before anything changes.
        StackConfig(stack.config.wordpress, stack.config.php, plugin_dir, backend_image, plugin_file, extra_plugins=extra)
        also = f" with {', '.join(Path(d).name for d in extra)}" if extra else ""
        with shown(), step(f"putting plugin {plugin_dir}{also} and backend {backend_image} in place on {stack.name}"):
            stack.replace(plugin_dir, backend_image, plugin_file, extra)


def _finish(stack: Stack, keep: bool, quietly: bool = False) -> None:
    if keep:
        say(f"left running: {stack.name} (`igny8 status {stack.name}`, `igny8 down {stack.name}`)")
        return
    try:
        stack.down()
    except Exception as exc:
        if not quietly:
            raise
        say(f"could not remove {stack.name} ({exc}); `igny8 sweep` will")
