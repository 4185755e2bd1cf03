"""Faults injected into a running stack. Each is a context manager that reverts on exit, even
when the test inside it fails or is interrupted."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Literal

from .engine import ComposeProject

FAULTS_DIR = "/run/igny8-faults"  # read by the api service's nginx (wordpress-stack/api/proxy.conf)
Status = Literal[500, 502, 503]


@contextmanager
def _reverting(inject: Callable[[], object], revert: Callable[[], object]) -> Iterator[None]:
    inject()
    try:
        yield
    finally:
        revert()


class Faults:
    def __init__(self, project: ComposeProject, wait_ready: Callable[[], None]) -> None:
        self.project, self.wait_ready = project, wait_ready

    def _start(self, service: str) -> None:
        self.project.start(service)
        self.wait_ready()

    def stopped(self, service: str) -> AbstractContextManager[None]:
        """`service` is gone: its name does not resolve, nothing listens (a backend that is down)."""
        return _reverting(lambda: self.project.stop(service), lambda: self._start(service))

    def paused(self, service: str) -> AbstractContextManager[None]:
        """`service` accepts connections but never answers: a hung backend."""
        return _reverting(lambda: self.project.pause(service), lambda: self.project.unpause(service))

    def answering(self, status: Status, endpoint: str = "all") -> AbstractContextManager[None]:
        """The proxy in front of the backend answers `status` for `endpoint` (update-structure,
        connect, ...; "all": every integration endpoint), as a failing backend or gateway would."""
        flag = f"{FAULTS_DIR}/{status}-{endpoint}"
        return _reverting(lambda: self.project.execute("api", ["touch", flag]), lambda: self.project.execute("api", ["rm", "-f", flag]))
