"""Finds stacks by label and removes the leaked ones: containers, networks, volumes, state.

A stack is leaked when the run that made it is gone (its owner host:pid no longer runs) and it
was not kept on purpose (`igny8 up`, `--keep`). `sweep --all` removes every harness stack.
"""

import os
import shutil
import socket

from ..progress import say
from . import engine
from .project import LABEL, STATE_ROOT

PROJECT = "com.docker.compose.project"


def _owner_alive(owner):
    host, _, pid = (owner or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def stacks():
    """{project: {"kept": bool, "owner_alive": bool}} for every container the harness labelled."""
    found = {}
    for container in engine.sdk().containers.list(all=True, filters={"label": LABEL}):
        name = container.labels.get(PROJECT)
        if name:
            found[name] = {
                "kept": container.labels.get("com.igny8.keep") == "1",
                "owner_alive": _owner_alive(container.labels.get("com.igny8.owner")),
            }
    return found


def sweep(include_kept=False):
    """Removes leaked stacks (every one with include_kept); returns their names."""
    removed = []
    for name, info in sorted(stacks().items()):
        if not include_kept and (info["kept"] or info["owner_alive"]):
            say(f"sparing {name} ({'kept on purpose' if info['kept'] else 'its run is still going'}; `igny8 sweep --all` removes it)")
            continue
        engine.client(name).compose.down(volumes=True, remove_orphans=True, quiet=True)
        shutil.rmtree(STATE_ROOT / name, ignore_errors=True)
        removed.append(name)
    alive = set(stacks())
    for volume in engine.sdk().volumes.list(filters={"label": LABEL}):
        if volume.attrs["Labels"].get(PROJECT) not in alive:
            volume.remove(force=True)
    return removed
