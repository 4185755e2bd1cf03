#!/usr/bin/env python
"""A run whose stacks live on a second Docker engine (issue #14): another dockerd, on its own socket,
data root and exec root, in a network namespace of its own, which stands for an engine on another
host. The harness is told of it as of any other engine: DOCKER_HOST, and IGNY8_ENGINE_ADDRESS for
where its published ports are reached (harness/stack/placement.py).

    .venv/bin/python benchmarks/second_engine.py [--harness-in-namespace | --one-worker-each] [--smoke] [-- ARGS FOR `igny8 run`]   # as root

By default the run stays on this machine's network, as it would with an engine on another host:
the stack's ports are published on the namespace's address and reached there (10.199.0.2), and the
plugin and the TLS files are copied into the containers, not mounted. With
--harness-in-namespace the run joins the engine's namespace instead (ports on its 127.0.0.1,
files mounted), as on a machine with one engine. With --one-worker-each, one run has two
pytest-xdist workers, one with its stack on this machine's engine and one on the second (named by
a Docker context), as a team spreads one session over the engines it has.

Why a namespace: two engines in one network namespace fight over it. Each rewrites the same
iptables chains, and one started with another bridge (or none) deletes the first's docker0. In its
own namespace the second engine has its own interfaces and iptables. A veth pair joins it to the
host; the host NATs it out, so its image builds reach Debian's mirrors as the first engine's do.
The data root is kept, so the second run on a machine finds its images built.

Prints the run's exit status, its time and the containers left on the second engine, each beside
its goal; a goal missed is a figure to read, not a failure of the script, which exits non-zero only
when it breaks. Everything it set up is taken down. --smoke says it is skipped, and why: a second
engine in a namespace of its own (root, iptables, its own data root and images) is more than
`./igny8 test` may set up on a CI runner.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.stack.config import LABEL, ROOT

NAMESPACE = CONTEXT = "igny8-engine2"
SOCKET = "/run/igny8-engine2/docker.sock"
HOST_SIDE, ENGINE_SIDE = "igny8e2h", "igny8e2n"
HOST_ADDRESS, ENGINE_ADDRESS, SUBNET = "10.199.0.1", "10.199.0.2", "10.199.0.0/24"
DATA_ROOT = Path("/var/lib/igny8-engine2")  # kept between runs: its images are the warm cache
# Rules the host needs so the namespace reaches the network; each is removed as it was added.
NAT_RULES = [  # table, chain, rule
    ["nat", "POSTROUTING", "-s", SUBNET, "!", "-o", HOST_SIDE, "-j", "MASQUERADE"],
    ["filter", "FORWARD", "-i", HOST_SIDE, "-j", "ACCEPT"],
    ["filter", "FORWARD", "-o", HOST_SIDE, "-j", "ACCEPT"],
]


def sh(*command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, check=check, capture_output=True, text=True)


def in_namespace(*command: str) -> list[str]:
    # nsenter enters the network namespace only; `ip netns exec` also remounts /sys, which hides
    # the cgroup hierarchy dockerd needs ("Devices cgroup isn't mounted").
    return ["nsenter", f"--net=/run/netns/{NAMESPACE}", "--", *command]


def iptables(action: str, rule: list[str]) -> None:
    table, chain, *spec = rule
    sh("iptables", "-t", table, action, chain, *spec)


@contextmanager
def namespace() -> Iterator[None]:
    sh("ip", "netns", "del", NAMESPACE, check=False)  # a leftover of a run killed before its cleanup
    sh("ip", "link", "del", HOST_SIDE, check=False)
    sh("ip", "netns", "add", NAMESPACE)
    added: list[list[str]] = []
    try:
        sh("ip", "link", "add", HOST_SIDE, "type", "veth", "peer", "name", ENGINE_SIDE)
        sh("ip", "link", "set", ENGINE_SIDE, "netns", NAMESPACE)
        sh("ip", "addr", "add", f"{HOST_ADDRESS}/24", "dev", HOST_SIDE)
        sh("ip", "link", "set", HOST_SIDE, "up")
        sh(*in_namespace("ip", "addr", "add", f"{ENGINE_ADDRESS}/24", "dev", ENGINE_SIDE))
        sh(*in_namespace("ip", "link", "set", ENGINE_SIDE, "up"))
        sh(*in_namespace("ip", "link", "set", "lo", "up"))
        sh(*in_namespace("ip", "route", "add", "default", "via", HOST_ADDRESS))
        sh("sysctl", "-qw", "net.ipv4.ip_forward=1")
        for rule in NAT_RULES:
            iptables("-I", rule)
            added.append(rule)
        yield
    finally:
        for rule in reversed(added):
            iptables("-D", rule)
        sh("ip", "link", "del", HOST_SIDE, check=False)
        sh("ip", "netns", "del", NAMESPACE, check=False)


@contextmanager
def second_engine() -> Iterator[None]:
    run_dir = Path(SOCKET).parent
    run_dir.mkdir(parents=True, exist_ok=True)
    DATA_ROOT.mkdir(parents=True, exist_ok=True)
    log = (run_dir / "dockerd.log").open("ab")
    daemon = subprocess.Popen(
        in_namespace(
            "dockerd",
            f"--host=unix://{SOCKET}",
            f"--data-root={DATA_ROOT}",
            f"--exec-root={run_dir}/exec",
            f"--pidfile={run_dir}/dockerd.pid",
            # Off the first engine's subnets, so a route on the host never names both.
            "--default-address-pool=base=10.198.0.0/16,size=24",
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        for _ in range(120):
            if sh("docker", f"--host=unix://{SOCKET}", "info", check=False).returncode == 0:
                break
            if daemon.poll() is not None:
                sys.exit(f"the second dockerd stopped at start; see {run_dir}/dockerd.log")
            time.sleep(0.5)
        else:
            sys.exit(f"the second dockerd did not answer within 60 s; see {run_dir}/dockerd.log")
        yield
    finally:
        daemon.send_signal(signal.SIGTERM)  # it stops its containerd and shims itself
        try:
            daemon.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait()


def containers_on(host: str | None) -> int:
    """Harness containers on the engine at `host` (None: the machine's own)."""
    listed = sh("docker", *([f"--host={host}"] if host else []), "ps", "-aq", "--filter", f"label={LABEL}")
    return len(listed.stdout.split())


@contextmanager
def docker_context() -> Iterator[None]:
    """A Docker context for the second engine, in the user's Docker config, as a team would make one."""
    sh("docker", "context", "rm", "-f", CONTEXT, check=False)
    sh("docker", "context", "create", CONTEXT, "--docker", f"host=unix://{SOCKET}")
    try:
        yield
    finally:
        sh("docker", "context", "rm", "-f", CONTEXT, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--harness-in-namespace", action="store_true", help="run the harness in the engine's namespace (its 127.0.0.1, mounts)")
    how.add_argument("--one-worker-each", action="store_true", help="two xdist workers: one on this machine's engine, one on the second")
    parser.add_argument("run_args", nargs="*", help="after --: arguments for `igny8 run` (default: the whole suite)")
    parser.add_argument("--smoke", action="store_true", help="say it is skipped, and why (it needs what a CI runner cannot give)")
    args = parser.parse_args()
    if args.smoke:
        print("skipped: it needs a second dockerd (root) in a network namespace of its own, NATed by the host's iptables: more than a CI runner gives")
        return 0
    if os.geteuid() != 0:
        print("skipped: a second dockerd and a network namespace need root")
        return 0
    second = f"unix://{SOCKET}"
    stacks_seen: dict[str, int] = {"this machine's engine": 0, "the second engine": 0}
    with namespace(), second_engine(), docker_context():
        env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "DOCKER_CONTEXT", "PYTHONDONTWRITEBYTECODE", "IGNY8_ENGINE_FILES")}
        env["IGNY8_AUTO_SETUP"] = "0"
        run = [sys.executable, "-m", "harness.cli", "run", *args.run_args]
        if args.harness_in_namespace:
            run, env["DOCKER_HOST"] = in_namespace(*run), second
        elif args.one_worker_each:
            # xdist's own way to give each worker its environment (execnet's "env:" key). A value
            # may not hold "//", so the second engine is named by a context, not by its unix:// URL.
            elsewhere = f"popen//env:DOCKER_CONTEXT={CONTEXT}//env:IGNY8_ENGINE_ADDRESS={ENGINE_ADDRESS}"
            run += ["--tx", "popen", "--tx", elsewhere, "--dist", "loadscope"]
        else:
            env |= {"DOCKER_HOST": second, "IGNY8_ENGINE_ADDRESS": ENGINE_ADDRESS}  # reached as another host's engine is: files copied in
        start = time.perf_counter()
        with subprocess.Popen(run, cwd=ROOT, env=env) as child:
            while child.poll() is None:  # which engines held stacks meanwhile
                for (where, seen), host in zip(list(stacks_seen.items()), (None, second), strict=True):
                    stacks_seen[where] = max(seen, containers_on(host))
                time.sleep(2)
        status, seconds = child.returncode, time.perf_counter() - start
        left = {where: containers_on(host) for where, host in zip(stacks_seen, (None, second), strict=True)}
    rows: list[tuple[str, object, object]] = [
        ("the run: exit status", status, 0),
        ("its time, images built or found, suite, teardown (s)", round(seconds), None),
    ]
    if args.one_worker_each:
        rows += [(f"containers seen at once on {where}", seen, "> 0") for where, seen in stacks_seen.items()]
    else:
        rows.append(("containers seen at once on the second engine", stacks_seen["the second engine"], "> 0"))
    rows += [(f"containers left on {where}", n, 0) for where, n in left.items()]
    print(f"\n{'what':56} {'measured':>9} {'goal':>6}")
    for what, measured, goal in rows:
        meets = None if goal is None else (measured > 0 if goal == "> 0" else measured == goal)  # type: ignore[operator]
        print(f"{what:56} {measured!s:>9} {'' if goal is None else goal!s:>6}  {'' if meets is None else 'meets' if meets else 'MISSES'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
