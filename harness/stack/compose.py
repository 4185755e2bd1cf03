"""The compose project of one stack: its services, the 0600 env file that gives compose every
value of wordpress-stack/compose.yaml (names, labels, ports, secrets), and an override file for
what an env file cannot say: the files of this machine the containers read (the plugin under test,
the TLS material, the third-party plugins of --with-plugin), mounted when the engine is on this
machine, or else copied in (harness.stack.placement)."""

from __future__ import annotations

import json
import os
import socket
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import yaml

from harness.stack.config import API_RATE, LOGIN_RATE, PHP_FROM, PLUGIN_HTTP_TIMEOUT, PLUGINS_IN_CONTAINER, StackConfig
from harness.stack.engine import StackFile
from harness.stack.images import base_image
from harness.stack.placement import Placement
from harness.stack.revision import source_revision
from harness.stack.secrets import Secrets, write_private
from harness.stack.tenants import harness_accounts

WP_ADMIN_USER = "admin"
# The plugin under test is copied here (in the stack's state folder) and this folder is mounted: a
# plugin is swapped by copying files, with no container to recreate (and it travels to any engine).
PLUGIN_COPY = "plugin"
BACKEND_USER = "qa"
FILES_OVERRIDE = "compose.files.yaml"  # in the stack's state folder, given to compose after compose.yaml


@dataclass(frozen=True)
class Ports:
    """The host ports a stack publishes, chosen once when it is made: a service that restarts (a
    fault, a swap) comes back on the same port, so clients keep working. They are free here; on an
    engine on another host they are very likely free too, and compose says so when one is not."""

    wordpress: int
    api: int
    postgres: int

    @classmethod
    def free(cls) -> Ports:
        with ExitStack() as held:
            sockets = [held.enter_context(socket.socket()) for _ in range(3)]
            for s in sockets:
                s.bind(("127.0.0.1", 0))  # all three held at once: three different ports
            wordpress, api, postgres = (s.getsockname()[1] for s in sockets)
        return cls(wordpress, api, postgres)


def services_to_build(config: StackConfig) -> list[str]:
    # A backend image given by the user is used as it is, never rebuilt over.
    return ["mariadb", "wordpress", "postgres", "api"] + (["backend"] if config.builds_backend else [])


def owner() -> str:
    """host:pid of the process that makes a stack: `igny8 sweep` removes a stack whose owner is gone."""
    return f"{socket.gethostname()}:{os.getpid()}"


def stack_env(name: str, config: StackConfig, secrets: Secrets, ports: Ports, made_by: str, placement: Placement) -> dict[str, str]:
    """Every value wordpress-stack/compose.yaml reads. The same stack always gets the same values:
    compose recreates a service only when what it runs changed."""
    return {
        "IGNY8_STACK": name,
        "IGNY8_WP_PORT": str(ports.wordpress),
        "IGNY8_API_PORT": str(ports.api),
        "IGNY8_POSTGRES_PORT": str(ports.postgres),
        "IGNY8_KEEP": "1" if config.keep else "0",
        "IGNY8_OWNER": made_by,
        "IGNY8_BASE_IMAGE": base_image.name("bookworm"),
        "IGNY8_WP_BASE_IMAGE": base_image.name(config.suite),
        "IGNY8_WP_SUITE": config.suite,
        "IGNY8_WP_CELL": config.cell.name,
        # Another suite's WordPress is unpacked onto this suite's PHP; "" installs the suite's own.
        "IGNY8_WORDPRESS_SUITE": "" if config.wordpress_suite == config.suite else config.wordpress_suite,
        "IGNY8_PHP_VERSION": config.php,
        "IGNY8_PHP_SUITE": PHP_FROM.get(config.php, ""),  # "": the base suite's own PHP
        "IGNY8_BACKEND_IMAGE": config.backend_image,
        "IGNY8_PUBLISH_ADDRESS": placement.publish_on,
        "IGNY8_REACHED_AT": placement.reached_at,  # a name the backend must answer to (ALLOWED_HOSTS)
        "IGNY8_REVISION": source_revision(),
        "IGNY8_API_KEY": secrets.api_key,
        "IGNY8_SEED_TENANTS": ",".join(harness_accounts(name).values()),
        "IGNY8_WP_ADMIN_USER": WP_ADMIN_USER,
        "IGNY8_WP_ADMIN_PASSWORD": secrets.wp_admin_password,
        "IGNY8_BACKEND_USER": BACKEND_USER,
        "IGNY8_BACKEND_USER_PASSWORD": secrets.backend_user_password,
        "IGNY8_TEST_CONTROL_TOKEN": secrets.test_control_token,
        "IGNY8_WP_DB_PASSWORD": secrets.wp_db_password,
        "IGNY8_POSTGRES_PASSWORD": secrets.postgres_password,
        "IGNY8_DJANGO_SECRET_KEY": secrets.django_secret_key,
        "IGNY8_WP_SALT": secrets.wp_salt,
        "IGNY8_HTTP_TIMEOUT": str(PLUGIN_HTTP_TIMEOUT),
        "IGNY8_API_RATE": str(API_RATE),
        "IGNY8_LOGIN_RATE": str(LOGIN_RATE),
    }


def write_env_file(env: dict[str, str], state_dir: Path) -> Path:
    """The stack's values (stack_env) in a 0600 file, as compose reads them."""
    return write_private(state_dir / "stack.env", "".join(f"{k}={json.dumps(v)}\n" for k, v in env.items()))


def stack_files(config: StackConfig, state_dir: Path) -> list[StackFile]:
    """Every file of this machine the stack's containers read: the copy of the plugin under test
    (swapped by copying files, with no container to recreate), the TLS material, and each
    third-party plugin as wp-content/plugins/<its name>/."""
    return [
        StackFile("wordpress", state_dir / PLUGIN_COPY, f"{PLUGINS_IN_CONTAINER}/igny8-wp-plugin"),
        StackFile("wordpress", state_dir / "tls" / "ca.pem", "/run/igny8-tls/ca.pem"),
        StackFile("api", state_dir / "tls", "/run/igny8-tls"),
        *(StackFile("wordpress", Path(d), f"{PLUGINS_IN_CONTAINER}/{Path(d).name}") for d in config.extra_plugins),
    ]


def files_override(config: StackConfig, state_dir: Path, mounted: bool) -> dict[str, object]:
    """What compose reads after compose.yaml: the stack's files as read-only bind mounts (when
    `mounted`), and the third-party plugins' names, in order, for the test control to activate."""
    mounts: dict[str, list[dict[str, object]]] = {}
    for file in stack_files(config, state_dir) if mounted else []:
        # "$" would be read as a variable by compose: "$$" is a literal one.
        mounts.setdefault(file.service, []).append({"type": "bind", "source": str(file.source).replace("$", "$$"), "target": file.target, "read_only": True})
    services: dict[str, dict[str, object]] = {service: {"volumes": volumes} for service, volumes in mounts.items()}
    if config.extra_plugins:
        services.setdefault("wordpress", {})["environment"] = {"IGNY8_EXTRA_PLUGINS": ",".join(Path(d).name for d in config.extra_plugins)}
    return {"services": services}


def write_override_file(config: StackConfig, state_dir: Path, placement: Placement) -> Path:
    """The override file for this stack (FILES_OVERRIDE), written afresh."""
    path = state_dir / FILES_OVERRIDE
    header = "# Written by the harness (harness/stack/compose.py): this stack's files and third-party plugins.\n"
    path.write_text(header + yaml.safe_dump(files_override(config, state_dir, mounted=not placement.copy_files), sort_keys=False))
    return path
