"""Faults injected into a running stack. Each is a context manager that reverts on exit, even
when the test inside it fails or is interrupted."""

from collections.abc import Iterator
from contextlib import contextmanager

from .engine import ComposeProject


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
