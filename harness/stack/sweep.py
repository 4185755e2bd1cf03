"""Finds stacks by label and removes the leaked ones: containers, networks, volumes, state.

A stack is leaked when the run that made it is gone (its owner host:pid no longer runs) and it
was not kept on purpose (`igny8 up`, `--keep`). A stack made from another machine on a shared
engine is spared: only that machine can tell whether its run is gone. `sweep --all` removes every harness stack. A kept
stack whose run is gone keeps running, but a fault its run left in place (a paused service, an
iptables rule, the proxy off WordPress's network) is reverted (harness.stack.faults).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

from harness.base.progress import say
from harness.stack.config import LABEL
from harness.stack.engine import DockerError, Engine
from harness.stack.stack import STATE_ROOT, Stack


@dataclass(frozen=True)
class StackInfo:
    kept: bool
    owner_alive: bool


def _owner_alive(owner: str | None) -> bool:
    host, _, pid = (owner or "").rpartition(":")
    if not host or not pid.isdigit():
        return False
    if host != socket.gethostname():
        # A run on another machine sharing this engine (harness.stack.placement): whether it still
        # runs cannot be told from here, and a sweep must never take a stack from a live run.
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(int(pid))


def _zombie(pid: int) -> bool:
    """Whether `pid` has exited but is not reaped yet: a killed run's process is, for as long as no one
    reaps it (an init that does not reap orphans, as in some containers), and it owns nothing."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # not Linux, or gone since: os.kill said enough
    return stat.rpartition(")")[2].split()[0] == "Z"  # the state follows the command's name, which may hold ")"


def stacks(engine: Engine | None = None) -> dict[str, StackInfo]:
    """Every stack the harness labelled, by compose project name."""
    found = {}
    for container in (engine or Engine()).labelled_containers(LABEL):
        if container.project:
            found[container.project] = StackInfo(
                kept=container.labels.get("com.igny8.keep") == "1",
                owner_alive=_owner_alive(container.labels.get("com.igny8.owner")),
            )
    return found


def sweep(include_kept: bool = False, quiet: bool = False) -> list[str]:
    """Removes leaked stacks (every one with include_kept); returns their names. `quiet` says nothing
    of the stacks it spares."""
    engine = Engine()
    removed = []
    for name, info in sorted(stacks(engine).items()):
        if not include_kept and (info.kept or info.owner_alive):
            if not quiet:
                why = "kept on purpose" if info.kept else "its run is still going, or runs on another machine"
                say(f"sparing {name} ({why}; `igny8 sweep --all` removes it)")
            if not info.owner_alive:
                _clear_faults(name)
            continue
        engine.project(name).down()
        shutil.rmtree(STATE_ROOT / name, ignore_errors=True)
        removed.append(name)
    alive = set(stacks(engine))
    removed += _forget_states_without_containers(engine, alive, include_kept)
    for volume, labels in engine.labelled_volumes(LABEL):
        if labels.get("com.docker.compose.project") not in alive:
            engine.remove_volume(volume)
    return removed


def remove_leaked() -> list[str]:
    """Before a run or `up` makes a stack: the stacks an earlier run left when it was killed (its
    owning process is gone, and it was not kept) are removed, and named. A stack another live
    process owns is never touched."""
    removed = sweep(quiet=True)
    for name in removed:
        say(f"found a leaked stack, {name} (the run that made it is gone): removed")
    return removed


def _clear_faults(name: str) -> None:
    try:
        cleared = Stack.attach(name).faults.clear()
    except (LookupError, DockerError) as exc:
        say(f"could not look for faults left in {name}: {str(exc).splitlines()[0]}")
        return
    for fault in cleared:
        say(f"reverted a fault left in {name}: {fault}")


def _forget_states_without_containers(engine: Engine, alive: set[str], include_kept: bool) -> list[str]:
    """A run interrupted while removing its stack can leave its state folder (and its network)
    with no container left: removed too, unless kept or its run still goes."""
    forgotten = []
    for record in sorted(STATE_ROOT.glob("*/stack.json")) if STATE_ROOT.exists() else []:
        name = record.parent.name
        saved = json.loads(record.read_text())
        if name in alive or (not include_kept and (saved["config"].get("keep") or _owner_alive(saved.get("made_by")))):
            continue
        engine.project(name).down()
        shutil.rmtree(record.parent, ignore_errors=True)
        forgotten.append(name)
    return forgotten
