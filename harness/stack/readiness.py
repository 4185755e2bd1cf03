"""When a stack is ready, told by the harness itself from the host rather than by Docker health
checks. A HEALTHCHECK polls for the container's whole life: five of them at one-second intervals
cost a third of a core while the suite runs, and Docker 20.10 (Debian 12's) has no start interval.
Here the host polls every 0.1 s until each service answers the way a test will use it, then stops;
a container that exits meanwhile ends the wait at once, with its logs."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import requests

from harness.stack.engine import ComposeProject

POLL_SECONDS = 0.1
# After a service first answers, what a first test would hit is requested once more, so that PHP's
# opcache and Django's lazy imports are warm before the first test, not during it.
WARM_UP_PATHS = {"wordpress": ("/wp-login.php", "/wp-admin/", "/wp-json/"), "backend": ("/api/v1/health/", "/accounts/login/")}


class NotReady(RuntimeError):
    pass


@dataclass(frozen=True)
class Probe:
    """`service` is ready when GET `base` + `path` answers 200 (over TLS checked with `ca`, if given)."""

    service: str
    base: str
    path: str
    ca: Path | None = None

    @property
    def verify(self) -> str | bool:
        return str(self.ca) if self.ca else True

    def answer(self, session: requests.Session) -> str:
        """The status it answered ("200" when ready), or the kind of error instead."""
        try:
            return str(session.get(self.base + self.path, timeout=2, verify=self.verify, allow_redirects=False).status_code)
        except requests.RequestException as exc:
            return type(exc).__name__

    def warm(self, session: requests.Session) -> None:
        for path in WARM_UP_PATHS.get(self.service, ()):
            try:
                session.get(self.base + path, timeout=30, verify=self.verify)
            except requests.RequestException:
                pass  # warming is a courtesy: the probe already proved the service answers


def wait_until_ready(project: ComposeProject, probes: list[Probe], timeout: float = 300) -> None:
    """Returns when every probe answers 200; raises NotReady with the logs of the service that
    exited or never answered. The probes wait side by side: WordPress's first answer (PHP compiling
    WordPress) must not hold up seeing the backend's."""
    start = time.monotonic()
    last: dict[str, str] = {p.service: "nothing yet" for p in probes}
    given_up = threading.Event()

    def wait_for(probe: Probe) -> None:
        with requests.Session() as session:
            session.trust_env = False  # a proxy in the environment must not stand between the host and its stack
            while not given_up.is_set():
                last[probe.service] = probe.answer(session)
                if last[probe.service] == "200":
                    probe.warm(session)
                    return
                time.sleep(POLL_SECONDS)

    with ThreadPoolExecutor(len(probes)) as pool:
        waiting = {pool.submit(wait_for, p): p for p in probes}
        try:
            while waiting:
                done, _ = wait(waiting, timeout=1)  # asking Docker is costlier than asking the service: once a second
                for future in done:
                    future.result()
                    del waiting[future]
                if not waiting:
                    break
                if time.monotonic() - start > timeout:
                    answers = ", ".join(f"{p.service} {p.path} last answered {last[p.service]}" for p in sorted(waiting.values(), key=lambda p: p.service))
                    _explain(project, f"did not answer within {timeout:.0f} s ({answers})", sorted(p.service for p in waiting.values()))
                _fail_on_exited(project)
        finally:
            given_up.set()


def _fail_on_exited(project: ComposeProject) -> None:
    exited = [s["service"] or "?" for s in project.services() if s["state"] not in ("running", "created", "restarting")]
    if exited:
        _explain(project, "exited", exited)


def _explain(project: ComposeProject, what: str, services: list[str]) -> None:
    # The backend is reached through the proxy: its logs tell a proxy fault from a backend one.
    shown = sorted({*services, "api"} if "backend" in services else set(services))
    logs = project.logs(shown, tail="40")  # masked by the project
    raise NotReady(f"{project.name}: {', '.join(services)} {what}. Their last log lines:\n{logs}")
