"""Where a stack's engine is, as the harness sees it: where the stack's ports are published and
reached, and how the files its containers read (the plugin under test, the TLS material) get there.

The engine is the one DOCKER_HOST or DOCKER_CONTEXT names (harness.stack.engine). On this machine,
ports are published on 127.0.0.1 and the files are bind-mounted. On another host, compose would
resolve a bind mount's path here and mount that path there, where it does not exist (Docker makes
an empty folder instead), and ports on the other host's 127.0.0.1 cannot be reached from here. So
for a remote engine, ports are published on all its addresses and reached at its host name, and
the files are copied into the containers (`docker cp`) between their creation and their start.

    IGNY8_ENGINE_ADDRESS   where the engine's published ports are reached, when DOCKER_HOST does
                           not say it (a unix socket to an engine in another network namespace)
    IGNY8_ENGINE_FILES     "copy" or "mount": overrides the choice above
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

LOCAL_NAMES = {"127.0.0.1", "localhost", "::1"}
FILE_MODES = ("copy", "mount")


@dataclass(frozen=True)
class Placement:
    reached_at: str  # the host the harness reaches the stack's published ports at
    publish_on: str  # the engine's address the ports are published on
    copy_files: bool  # True: files travel into the containers (docker cp); False: bind mounts

    def url_host(self) -> str:
        """reached_at as a URL's host: an IPv6 address in brackets."""
        try:
            return f"[{self.reached_at}]" if ipaddress.ip_address(self.reached_at).version == 6 else self.reached_at
        except ValueError:
            return self.reached_at


def engine_host(docker_host: str) -> str:
    """The host of a DOCKER_HOST value: tcp://h:2376 and ssh://user@h:22 give h; a unix socket or
    nothing gives 127.0.0.1 (the engine runs on this machine)."""
    if not docker_host or docker_host.startswith(("unix://", "npipe://", "fd://")):
        return "127.0.0.1"
    found = urlsplit(docker_host)
    if found.scheme not in ("tcp", "ssh", "http", "https") or not found.hostname:
        raise ValueError(f"DOCKER_HOST={docker_host!r}: expected unix:///path, tcp://host:port or ssh://[user@]host")
    return found.hostname


def of_engine(environ: Mapping[str, str] = os.environ) -> Placement:
    """The placement for the engine the environment names."""
    from harness.stack.engine import context_host  # asks Docker only when a context is named

    docker_host = environ.get("DOCKER_HOST") or (context_host(environ["DOCKER_CONTEXT"]) if environ.get("DOCKER_CONTEXT") else "")
    reached_at = environ.get("IGNY8_ENGINE_ADDRESS") or engine_host(docker_host)
    local = reached_at in LOCAL_NAMES
    files = environ.get("IGNY8_ENGINE_FILES", "")
    if files and files not in FILE_MODES:
        raise ValueError(f"IGNY8_ENGINE_FILES={files!r}: expected one of {', '.join(FILE_MODES)}")
    copy_files = files == "copy" if files else not local
    # The other host's address the harness reaches may not be one of its interfaces (NAT): publish
    # on all of them. Test stacks then listen on that host's network: use an engine on a network you trust.
    publish_on = "127.0.0.1" if local else "0.0.0.0"  # noqa: S104
    return Placement(reached_at=reached_at, publish_on=publish_on, copy_files=copy_files)
