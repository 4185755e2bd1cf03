"""Checks by name: what a property test runs on each example, and what `igny8 repro` runs again on
a recorded one. A check is registered once, with the decorator, where it is written:

    @check("api-valid", needs="backend")
    def check_valid_payload(ctx: CheckContext, payload: dict) -> None: ...

and found by name everywhere else through harness.judge.by_name, which imports the modules that
register (this registry never imports them back). Each raises AssertionError saying what broke.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from harness.clients.backend import BackendClient
    from harness.clients.settings_page import SettingsPage
    from harness.clients.wordpress import WordPressClient
    from harness.judge.bystander import Bystander
    from harness.target.observer import Observer
    from harness.target.target import BackendTarget

# What must hold before a check runs: a site connected through wp-admin, an integration connected
# through the API, or nothing (the check makes its own start, as the stateful model does).
Needs = Literal["wordpress", "backend", "nothing"]


@dataclass
class CheckContext:
    backend: BackendClient  # with the key of the tenant under test
    observer: Observer | None = None
    wp: WordPressClient | None = None
    settings: SettingsPage | None = None
    target: BackendTarget | None = None
    bystander: Bystander | None = None  # another tenant, whose state must never move


@dataclass(frozen=True)
class Check:
    name: str
    needs: Needs
    run: Callable[[CheckContext, Any], None]


CHECKS: dict[str, Check] = {}


def check(name: str, needs: Needs) -> Callable[[Callable[[CheckContext, Any], None]], Callable[[CheckContext, Any], None]]:
    def register(function: Callable[[CheckContext, Any], None]) -> Callable[[CheckContext, Any], None]:
        if name in CHECKS:
            raise ValueError(f"check {name!r} is registered twice")
        CHECKS[name] = Check(name, needs, function)
        return function

    return register
