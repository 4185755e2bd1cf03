"""Where a stack's engine is (harness.stack.placement): how its ports are reached and how its
files get into the containers, for each way an engine is named."""

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from harness.stack.placement import of_engine
from harness.stack.sweep import _owner_alive


@pytest.mark.parametrize(
    "environ,reached_at,publish_on,copy_files",
    [
        ({}, "127.0.0.1", "127.0.0.1", False),
        ({"DOCKER_HOST": "unix:///run/igny8-engine2/docker.sock"}, "127.0.0.1", "127.0.0.1", False),
        ({"DOCKER_HOST": "tcp://10.1.2.3:2376"}, "10.1.2.3", "0.0.0.0", True),
        ({"DOCKER_HOST": "ssh://qa@build-7.qa.example:2222"}, "build-7.qa.example", "0.0.0.0", True),
        ({"DOCKER_HOST": "tcp://localhost:2375"}, "localhost", "127.0.0.1", False),
        # An engine in another network namespace, on a socket of this machine: reached at its address.
        ({"DOCKER_HOST": "unix:///run/e2.sock", "IGNY8_ENGINE_ADDRESS": "10.199.0.2"}, "10.199.0.2", "0.0.0.0", True),
        ({"DOCKER_HOST": "unix:///run/e2.sock", "IGNY8_ENGINE_ADDRESS": "10.199.0.2", "IGNY8_ENGINE_FILES": "mount"}, "10.199.0.2", "0.0.0.0", False),
        ({"IGNY8_ENGINE_FILES": "copy"}, "127.0.0.1", "127.0.0.1", True),
    ],
)
def test_each_way_of_naming_an_engine(environ, reached_at, publish_on, copy_files):
    placement = of_engine(environ)
    assert (placement.reached_at, placement.publish_on, placement.copy_files) == (reached_at, publish_on, copy_files)


def test_an_ipv6_engine_is_bracketed_in_urls():
    assert of_engine({"DOCKER_HOST": "tcp://[fd00::7]:2376"}).url_host() == "[fd00::7]"
    assert of_engine({}).url_host() == "127.0.0.1"


@pytest.mark.parametrize(
    "environ,says",
    [
        ({"DOCKER_HOST": "ftp://build-7"}, "expected unix:///path, tcp://host:port or ssh://"),
        ({"DOCKER_HOST": "tcp://"}, "expected unix:///path"),
        ({"IGNY8_ENGINE_FILES": "rsync"}, "expected one of copy, mount"),
    ],
)
def test_what_cannot_name_an_engine_is_refused_with_what_was_meant(environ, says):
    with pytest.raises(ValueError, match=says):
        of_engine(environ)


# ---- a shared engine: a sweep never takes a stack from a live run elsewhere -------------------------


def test_a_sweep_judges_only_the_runs_of_its_own_machine():
    here = socket.gethostname()
    assert _owner_alive(f"{here}:{os.getpid()}") is True
    assert _owner_alive(f"{here}:999999999") is False, "a run of this machine that is gone leaks its stack"
    assert _owner_alive("qa-runner-7:12345") is True, "a run on another machine is spared: only it knows whether it is gone"
    assert _owner_alive(None) is False and _owner_alive("no-pid") is False


def test_a_run_that_exited_but_is_not_reaped_yet_owns_nothing():
    """A killed run's process stays a zombie for as long as no one reaps it (this machine's init
    does not reap orphans): a sweep finding it must still take its stack (a CI run of 36c89a2)."""
    here = socket.gethostname()
    exited = subprocess.Popen(["true"])  # not waited for: a zombie once it exits, until reaped
    try:
        deadline = time.monotonic() + 10
        while Path(f"/proc/{exited.pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _owner_alive(f"{here}:{exited.pid}") is False, "a run that exited, not yet reaped, keeps its stack from the sweep"
    finally:
        exited.wait()
