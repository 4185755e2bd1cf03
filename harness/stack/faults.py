"""Faults injected into a running stack. Each is a context manager that reverts on exit, even
when the test inside it fails or is interrupted."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from .engine import ComposeProject

FAULTS_DIR = "/run/igny8-faults"  # read by the api service's nginx (wordpress-stack/api/proxy.conf)
Status = Literal[500, 502, 503]


class Faults:
    def __init__(self, project: ComposeProject) -> None:
        self.project = project

    @contextmanager
    def stopped(self, service: str) -> Iterator[None]:
        """`service` is gone: its name does not resolve, nothing listens (a backend that is down)."""
        self.project.stop(service)
        try:
            yield
        finally:
            self.project.start(service)

    @contextmanager
    def paused(self, service: str) -> Iterator[None]:
        """`service` accepts connections but never answers: a hung backend."""
        self.project.pause(service)
        try:
            yield
        finally:
            self.project.unpause(service)

    @contextmanager
    def answering(self, status: Status, endpoint: str = "all") -> Iterator[None]:
        """The proxy in front of the backend answers `status` for `endpoint` (update-structure,
        connect, ...; "all": every integration endpoint), as a failing backend or gateway would."""
        flag = f"{FAULTS_DIR}/{status}-{endpoint}"
        self.project.execute("api", ["touch", flag])
        try:
            yield
        finally:
            self.project.execute("api", ["rm", "-f", flag])
