#!/usr/bin/env python
"""A run whose stacks live on a second Docker engine (issue #14): another dockerd, on its own socket,
data root and exec root, in a network namespace of its own, and the harness told of it only by
DOCKER_HOST, as it would be told of any other engine.

    .venv/bin/python benchmarks/second_engine.py [-- ARGS FOR `igny8 run`]   # as root

Why a namespace: two engines in one network namespace fight over it. Each rewrites the same
iptables chains, and one started with another bridge (or none) deletes the first's docker0, which
is what happened when this was first tried. In its own namespace the second engine has its own
interfaces and iptables. A veth pair joins it to the host; the host NATs it out, so its image
builds reach Debian's mirrors as the first engine's do. The run itself (pytest, Chromium) is
started inside the namespace: published ports are on that namespace's loopback, as they are on
the first engine's. The data root is kept, so the second run on a machine finds its images built.

Prints the run's exit status, its time and the containers left on the second engine (goal: 0);
exits non-zero when the run is not green or something is left. Everything it set up is taken down.
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

NAMESPACE = "igny8-engine2"
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


def containers_on_second_engine() -> int:
    listed = sh("docker", f"--host=unix://{SOCKET}", "ps", "-aq", "--filter", f"label={LABEL}")
    return len(listed.stdout.split())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_args", nargs="*", help="after --: arguments for `igny8 run` (default: the whole suite)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("a second dockerd and a network namespace need root")
    with namespace(), second_engine():
        env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_CONTEXT", "PYTHONDONTWRITEBYTECODE")}
        env |= {"DOCKER_HOST": f"unix://{SOCKET}", "IGNY8_AUTO_SETUP": "0"}
        start = time.perf_counter()
        status = subprocess.call(in_namespace(sys.executable, "-m", "harness.cli", "run", *args.run_args), cwd=ROOT, env=env)
        seconds = time.perf_counter() - start
        left = containers_on_second_engine()
    print(f"\n{'what':52} {'measured':>9} {'goal':>6}")
    print(f"{'run on the second engine: exit status':52} {status:>9} {0:>6}  {'meets' if status == 0 else 'MISSES'}")
    print(f"{'its time, images built or found, suite, teardown (s)':52} {seconds:>9.0f}")
    print(f"{'containers left on the second engine':52} {left:>9} {0:>6}  {'meets' if left == 0 else 'MISSES'}")
    return 0 if status == 0 and left == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
