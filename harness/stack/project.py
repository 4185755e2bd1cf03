"""One test stack: a compose project with its own name, labels, secrets, ports and TLS material.

stack = Stack.create(StackConfig())   # or Stack.attach("igny8-ab12cd")
stack.up()                            # build if needed, start, wait for health
stack.urls.wordpress, stack.secrets.api_key, stack.postgres_dsn
stack.down()
"""

import hashlib
import json
import os
import secrets as random
import shutil
import socket
import subprocess
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..progress import step
from . import base_image, engine, tls, wheelhouse

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "wordpress-stack" / "compose.yaml"
STATE_ROOT = base_image.CACHE / "stacks"
REFERENCE_PLUGIN = ROOT / "reference" / "igny8-wp-plugin"
REFERENCE_BACKEND_IMAGE = "igny8/backend:reference"
LABEL = "com.igny8.harness"
HTTP_TIMEOUT = 4

# WordPress version -> the Debian suite that packages it (ENVIRONMENT.md).
WORDPRESS_SUITES = {"6.1": "bookworm", "6.8": "trixie"}


@dataclass
class StackConfig:
    wordpress: str = "6.1"
    plugin_dir: str = str(REFERENCE_PLUGIN)
    backend_image: str = REFERENCE_BACKEND_IMAGE
    keep: bool = False

    def __post_init__(self):
        if self.wordpress not in WORDPRESS_SUITES:
            raise ValueError(f"WordPress {self.wordpress!r} is not offered; choose one of {', '.join(WORDPRESS_SUITES)}")
        plugin = Path(self.plugin_dir)
        if not (plugin / "igny8-wp-plugin.php").is_file():
            raise ValueError(f"{plugin} is not a plugin directory: it has no igny8-wp-plugin.php")
        self.plugin_dir = str(plugin.resolve())

    @property
    def suite(self):
        return WORDPRESS_SUITES[self.wordpress]

    @property
    def builds_backend(self):
        return self.backend_image == REFERENCE_BACKEND_IMAGE


@dataclass
class Secrets:
    """Made fresh for every stack; kept only in the stack's 0600 env file."""

    api_key: str = field(default_factory=lambda: "igny8_" + random.token_urlsafe(32))
    wp_admin_password: str = field(default_factory=lambda: random.token_urlsafe(12))
    backend_user_password: str = field(default_factory=lambda: random.token_urlsafe(12))
    test_control_token: str = field(default_factory=lambda: random.token_urlsafe(24))
    wp_db_password: str = field(default_factory=lambda: random.token_urlsafe(16))
    postgres_password: str = field(default_factory=lambda: random.token_urlsafe(16))
    django_secret_key: str = field(default_factory=lambda: random.token_urlsafe(40))
    wp_salt: str = field(default_factory=lambda: random.token_urlsafe(32))

    def all(self):
        return list(asdict(self).values())


@dataclass
class Urls:
    wordpress: str
    backend: str  # from the host
    backend_for_plugin: str = "https://api.igny8.test"
    postgres_port: int = 0


def mask(text, secret_values):
    """Every secret of the stack replaced by a mark: for anything that may be logged or reported."""
    for value in secret_values:
        if value:
            text = text.replace(value, f"{value[:4]}…(masked)")
    return text


class Stack:
    WP_ADMIN_USER = "admin"
    BACKEND_USER = "qa"

    def __init__(self, name, config, secrets):
        self.name, self.config, self.secrets = name, config, secrets
        self.state_dir = STATE_ROOT / name
        self._urls = None

    # ---- making and finding stacks -------------------------------------------------------

    @classmethod
    def create(cls, config=None, name=None):
        stack = cls(name or f"igny8-{random.token_hex(3)}", config or StackConfig(), Secrets())
        stack._save()
        return stack

    @classmethod
    def attach(cls, name):
        state = STATE_ROOT / name / "stack.json"
        if not state.exists():
            known = ", ".join(cls.known()) or "none"
            raise LookupError(f"No stack named {name!r} here (known stacks: {known}).")
        saved = json.loads(state.read_text())
        return cls(name, StackConfig(**saved["config"]), Secrets(**json.loads((STATE_ROOT / name / "secrets.json").read_text())))

    @classmethod
    def known(cls):
        return sorted(p.parent.name for p in STATE_ROOT.glob("*/stack.json")) if STATE_ROOT.exists() else []

    def _save(self):
        self.state_dir.mkdir(parents=True, exist_ok=True)
        (self.state_dir / "stack.json").write_text(
            json.dumps({"name": self.name, "config": asdict(self.config), "created": datetime.now(UTC).isoformat()}, indent=2)
        )
        secrets_file = self.state_dir / "secrets.json"
        secrets_file.write_text(json.dumps(asdict(self.secrets)))
        secrets_file.chmod(0o600)

    # ---- compose ----------------------------------------------------------------------------

    def _env_file(self):
        c, s = self.config, self.secrets
        env = {
            "IGNY8_STACK": self.name,
            "IGNY8_KEEP": "1" if c.keep else "0",
            "IGNY8_OWNER": f"{socket.gethostname()}:{os.getpid()}",
            "IGNY8_BASE_IMAGE": base_image.name("bookworm"),
            "IGNY8_WP_BASE_IMAGE": base_image.name(c.suite),
            "IGNY8_WP_SUITE": c.suite,
            "IGNY8_PLUGIN_DIR": c.plugin_dir,
            "IGNY8_BACKEND_IMAGE": c.backend_image,
            "IGNY8_TLS_DIR": str(self.state_dir / "tls"),
            "IGNY8_REVISION": source_revision(),
            "IGNY8_API_KEY": s.api_key,
            "IGNY8_WP_ADMIN_USER": self.WP_ADMIN_USER,
            "IGNY8_WP_ADMIN_PASSWORD": s.wp_admin_password,
            "IGNY8_BACKEND_USER": self.BACKEND_USER,
            "IGNY8_BACKEND_USER_PASSWORD": s.backend_user_password,
            "IGNY8_TEST_CONTROL_TOKEN": s.test_control_token,
            "IGNY8_WP_DB_PASSWORD": s.wp_db_password,
            "IGNY8_POSTGRES_PASSWORD": s.postgres_password,
            "IGNY8_DJANGO_SECRET_KEY": s.django_secret_key,
            "IGNY8_WP_SALT": s.wp_salt,
            # The plugin's request timeout (FAIL-2); shorter than its default 10 s so that the
            # hung-backend scenario costs seconds, not tens of them.
            "IGNY8_HTTP_TIMEOUT": str(HTTP_TIMEOUT),
        }
        path = self.state_dir / "stack.env"
        path.write_text("".join(f"{k}={json.dumps(v)}\n" for k, v in env.items()))
        path.chmod(0o600)
        return path

    @property
    def docker(self):
        return engine.client(self.name, str(COMPOSE_FILE), str(self._env_file()), str(COMPOSE_FILE.parent))

    def up(self):
        """Builds what is missing, starts every service and waits until all are healthy."""
        engine.ensure_engine()
        base_image.ensure("bookworm")
        base_image.ensure(self.config.suite)
        if self.config.builds_backend:
            wheelhouse.ensure()
        tls.ensure(self.state_dir / "tls")
        # A backend image given by the user is used as it is, never rebuilt over.
        services = ["mariadb", "wordpress", "postgres", "api"] + (["backend"] if self.config.builds_backend else [])
        with step(f"building images for {self.name} (cached layers make this quick)"):
            self._compose("build", *services)
        with step(f"starting {self.name} and waiting for every service to be healthy"):
            self._compose("up", "--detach", "--wait", "--wait-timeout", "300", "--no-build")
        self._urls = None
        return self

    def replace(self, plugin_dir=None, backend_image=None):
        """Swaps the plugin or the backend image of a running stack: only what changed is recreated."""
        if plugin_dir:
            self.config.plugin_dir = str(Path(plugin_dir).resolve())
        if backend_image:
            self.config.backend_image = backend_image
        self._save()
        self._compose("up", "--detach", "--wait", "--wait-timeout", "300", "--no-build")
        self._urls = None

    def _compose(self, *args):
        """Runs `docker compose` for this project, its output kept for the error message."""
        cmd = self.docker.client_config.docker_compose_cmd + list(args)
        result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
        if result.returncode:
            output = mask(result.stdout + result.stderr, self.secrets.all())
            raise RuntimeError(f"docker compose {' '.join(args)} failed for {self.name}:\n{output[-4000:]}")
        return result.stdout

    def down(self):
        with step(f"removing {self.name} (containers, network, volumes)"):
            self.docker.compose.down(volumes=True, remove_orphans=True, quiet=True)
        shutil.rmtree(self.state_dir, ignore_errors=True)

    def status(self):
        return [
            {
                "service": c.config.labels.get("com.docker.compose.service"),
                "state": c.state.status,
                "health": c.state.health.status if c.state.health else None,
            }
            for c in self.docker.compose.ps()
        ]

    def seed_tenant(self, account):
        """Another account, site and integration, made by the backend's seed command (its image contract)."""
        out = self.docker.compose.execute(
            "backend",
            ["python", "manage.py", "igny8_seed", "--account", account, "--site", f"{account} site", "--username", account.lower()],
            tty=False,
            envs={"IGNY8_SEED_API_KEY": "", "IGNY8_SEED_PASSWORD": ""},  # fresh secrets, not the stack's own
        )
        return json.loads(out.strip().splitlines()[-1])

    @contextmanager
    def paused(self, service):
        """A context in which `service` accepts connections but never answers: a hung backend."""
        self.docker.compose.pause([service])
        try:
            yield
        finally:
            self.docker.compose.unpause([service])

    def logs(self, *services, tail=None):
        return mask(self.docker.compose.logs(list(services), tail=tail), self.secrets.all())

    # ---- where things are -------------------------------------------------------------------

    @property
    def urls(self):
        if self._urls is None:
            compose = self.docker.compose
            wp = compose.port("wordpress", 80)[1]
            api = compose.port("api", 443)[1]
            pg = compose.port("postgres", 5432)[1]
            if not (wp and api and pg):
                raise RuntimeError(f"{self.name} is not running (no published ports); `igny8 up --name {self.name}` starts it")
            self._urls = Urls(wordpress=f"http://127.0.0.1:{wp}", backend=f"https://127.0.0.1:{api}", postgres_port=pg)
        return self._urls

    @property
    def ca_path(self):
        return self.state_dir / "tls" / "ca.pem"

    @property
    def postgres_dsn(self):
        return f"postgresql://postgres:{self.secrets.postgres_password}@127.0.0.1:{self.urls.postgres_port}/igny8"

    def describe(self, show_secrets=False):
        """What a person needs to use the stack by hand."""
        shown = (lambda v: v) if show_secrets else (lambda v: f"{v[:4]}…")
        u = self.urls
        return "\n".join(
            [
                f"stack        {self.name}  (WordPress {self.config.wordpress} on {self.config.suite}; plugin {self.config.plugin_dir})",
                f"wp-admin     {u.wordpress}/wp-admin/   user {self.WP_ADMIN_USER}  password {shown(self.secrets.wp_admin_password)}",
                f"backend      {u.backend}/  (CA: {self.ca_path}); the plugin reaches it as {u.backend_for_plugin}",
                f"content tab  {u.backend}/sites/1/content-types/   user {self.BACKEND_USER}  password {shown(self.secrets.backend_user_password)}",
                f"API key      {shown(self.secrets.api_key)}",
                f"postgres     127.0.0.1:{u.postgres_port}  user postgres  password {shown(self.secrets.postgres_password)}",
                "" if show_secrets else "(secrets masked: `igny8 status --show-secrets` prints them)",
            ]
        ).rstrip()


def source_revision(tree=ROOT / "reference" / "backend"):
    """A hash of the reference backend's source: baked into its image, answered by its health
    endpoint, so a test can tell that the backend runs the code of this checkout (OPS-1)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in tree.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(tree)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]
