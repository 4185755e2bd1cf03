"""Faults injected into a running stack. Each is a context manager that reverts on exit, even
when the test inside it fails or is interrupted; `leftovers()` finds what a killed run left behind
(`igny8 sweep` clears it). Network faults are iptables rules in WordPress's own network stack, set
from a throwaway container of the proxy's image (it has iptables): WordPress's image needs neither
the tool nor the right. (No netem: the kernel here has no sch_netem; a delay is a paused service.)"""

import shlex
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Literal

from harness.stack.engine import ComposeProject, DockerError

FAULTS_DIR = "/run/igny8-faults"  # read by the api service's nginx (wordpress-stack/api/proxy.conf)
Status = Literal[429, 500, 502, 503]
THROTTLED_FOR = 600  # the Retry-After of an injected 429, in seconds (wordpress-stack/api/proxy.conf)
SITE, PROXY = "wordpress", "api"  # the services between which the network breaks
TOOLS_IMAGE = "igny8/api:bookworm"  # the proxy's image, with iptables (wordpress-stack/api/Dockerfile)
MARK = "igny8-fault"  # the comment on every iptables rule a fault adds, for leftovers() to find


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
        return _reverting(lambda: self.project.pause(service), lambda: self._unpause(service))

    def _unpause(self, service: str) -> None:
        if any(s["service"] == service and s["state"] == "paused" for s in self.project.services()):  # not already (the sweeper)
            self.project.unpause(service)

    @contextmanager
    def slowed(self, service: str, seconds: float) -> Iterator[None]:
        """`service` answers nothing for `seconds` from now, then everything it was asked meanwhile:
        a backend that is slow, not hung."""
        resumed = threading.Event()

        def resume() -> None:
            self.project.unpause(service)
            resumed.set()

        self.project.pause(service)
        timer = threading.Timer(seconds, resume)
        timer.start()
        try:
            yield
        finally:
            timer.cancel()  # when its time has not come yet; one already running is waited for
            timer.join()
            if not resumed.is_set():
                self.project.unpause(service)

    def hung(self, endpoint: str) -> AbstractContextManager[None]:
        """The proxy takes `endpoint`'s requests and answers a byte a second: no client gets its answer."""
        flag = f"{FAULTS_DIR}/hang-{endpoint}"
        return _reverting(lambda: self.project.execute("api", ["touch", flag]), lambda: self.project.execute("api", ["rm", "-f", flag]))

    def restarting(self, service: str, after: float) -> AbstractContextManager[None]:
        """`service` restarts `after` seconds from now, whatever it is doing (a deploy mid-sync); on
        exit, once it has, the stack is ready again."""
        return self._in_background(after, lambda: self.project.restart(service))

    @contextmanager
    def _in_background(self, after: float, action: Callable[[], object]) -> Iterator[None]:
        timer = threading.Timer(after, action)
        timer.start()
        try:
            yield
        finally:
            timer.join()  # the action happens even when the body ended first: its effect is the fault
            self.wait_ready()

    # ---- the network between WordPress and the backend's proxy -----------------------------------

    def _iptables(self, *arguments: str) -> str:
        return self.project.in_network_of(SITE, TOOLS_IMAGE, ["iptables", "-w", *arguments])

    def _our_rules(self) -> list[tuple[str, str]]:
        """(table, "-A ..." line) of each rule a fault added: every table in one container run
        (`iptables-save`), not one per table."""
        saved = self.project.in_network_of(SITE, TOOLS_IMAGE, ["iptables-save"])
        ours, table = [], ""
        for line in saved.splitlines():
            if line.startswith("*"):
                table = line[1:]
            elif line.startswith("-A ") and MARK in line:
                ours.append((table, line))
        return ours

    def _proxy_address(self) -> str:
        return self.project.address(PROXY, self.project.default_network)

    def _rule(self, table: str, *match: str) -> AbstractContextManager[None]:
        rule = ["OUTPUT", *match, "-m", "comment", "--comment", MARK]
        return _reverting(lambda: self._iptables("-t", table, "-A", *rule), lambda: self._drop_rule(table, rule))

    def _drop_rule(self, table: str, rule: list[str]) -> None:
        try:
            self._iptables("-t", table, "-D", *rule)
        except DockerError:
            if any(MARK in line for line in self._iptables("-t", table, "-S").splitlines()):
                raise  # still there: a real failure (gone already: the sweeper was first)

    def partitioned(self) -> AbstractContextManager[None]:
        """WordPress's packets to the backend's proxy are dropped: a request waits until its timeout."""
        return self._rule("filter", "-d", self._proxy_address(), "-j", "DROP")

    def handshake_failing(self) -> AbstractContextManager[None]:
        """WordPress's TLS connections to the proxy land on its plain-HTTP port: the handshake fails."""
        proxy = self._proxy_address()
        return self._rule("nat", "-p", "tcp", "-d", proxy, "--dport", "443", "-j", "DNAT", "--to-destination", f"{proxy}:80")

    def unresolvable(self) -> AbstractContextManager[None]:
        """The backend's names (api.igny8.test, ...) stop resolving on WordPress's network: the proxy
        leaves it, and comes back under the same names."""
        network = self.project.default_network
        names = self.project.aliases(PROXY, network)
        return _reverting(lambda: self.project.disconnect(PROXY, network), lambda: self.project.connect(PROXY, network, names))

    # ---- what a killed run left behind ------------------------------------------------------------

    def leftovers(self) -> list[str]:
        """Faults still in place: a paused service, a fault flag of the proxy, a rule of ours in
        WordPress's network, the proxy off WordPress's network."""
        found = [f"{s['service']} is paused" for s in self.project.services() if s["state"] == "paused"]
        try:
            flags = self.project.execute(PROXY, ["ls", FAULTS_DIR]).split()
            rules = [line for _, line in self._our_rules()]
            attached = bool(self.project.aliases(PROXY, self.project.default_network))
        except DockerError as exc:  # a service that is not running: its own problem, not a fault left over
            return [*found, f"could not look for leftover faults: {str(exc).splitlines()[0]}"]
        return (
            found + [f"fault flag {f}" for f in flags] + [f"iptables rule: {r}" for r in rules] + ([] if attached else ["the proxy is off WordPress's network"])
        )

    def clear(self) -> list[str]:
        """Reverts every leftover fault (`igny8 sweep`); returns what it found."""
        found = self.leftovers()
        for service in (s["service"] for s in self.project.services() if s["state"] == "paused"):
            self.project.unpause(str(service))
        self.project.execute(PROXY, ["sh", "-c", f"rm -f {FAULTS_DIR}/*"])
        for table, line in self._our_rules():
            self._iptables("-t", table, "-D", *shlex.split(line)[1:])
        if not self.project.aliases(PROXY, self.project.default_network):
            self.project.connect(PROXY, self.project.default_network, [PROXY, *self.project.declared_aliases(PROXY)])
        return found

    def answering(self, status: Status, endpoint: str = "all") -> AbstractContextManager[None]:
        """The proxy in front of the backend answers `status` for `endpoint` (update-structure,
        connect, ...; "all": every integration endpoint), as a failing backend or gateway would; 429
        (one endpoint, not "all") as a throttling backend, with Retry-After: THROTTLED_FOR."""
        flag = f"{FAULTS_DIR}/{status}-{endpoint}"
        return _reverting(lambda: self.project.execute("api", ["touch", flag]), lambda: self.project.execute("api", ["rm", "-f", flag]))
