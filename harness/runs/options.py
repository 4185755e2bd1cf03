"""The run options, declared once. The command line (`igny8 run`, `up`, ...), pytest's
`--igny8-*` options, the runner that starts pytest, and the repro command a failure prints are all
made from this table: adding an option is adding one row here.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from harness.generate.profiles import DEFAULT_PROFILE, PROFILES
from harness.runs.shards import shard_option
from harness.stack.config import DEFAULT_WORDPRESS, MATRICES, PHP, WORDPRESS

PYTEST_PREFIX = "igny8_"


@dataclass(frozen=True)
class Option:
    name: str  # python name; --name on the command line, --igny8-name in pytest
    help: str
    default: Any = None
    flag: bool = False  # a switch: present or not
    repeatable: bool = False  # given once per value (--with-plugin A --with-plugin B): a tuple of values, None when not given
    choices: Callable[[], Sequence[str]] | None = None
    metavar: str | None = None
    type: Callable[[str], Any] | None = None  # argparse's: parses the command line's text
    commands: tuple[str, ...] = ("run",)  # the igny8 subcommands that offer it
    to_pytest: bool = True  # reaches the conformance run as --igny8-<name>
    in_repro: bool = True  # a non-default value is repeated in the repro command a failure prints
    secret: bool = False  # repeated as '…' (a DSN holds a password)

    def __post_init__(self) -> None:
        if self.flag:
            object.__setattr__(self, "default", False)  # a switch is off unless given

    @property
    def cli_flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def pytest_flag(self) -> str:
        return "--" + (PYTEST_PREFIX + self.name).replace("_", "-")

    @property
    def dest(self) -> str:
        return PYTEST_PREFIX + self.name

    def argparse_kwargs(self) -> dict[str, Any]:
        if self.flag:
            return {"action": "store_true", "help": self.help}
        kwargs: dict[str, Any] = {"default": self.default, "help": self.help, "metavar": self.metavar}
        if self.repeatable:
            kwargs["action"] = "append"
        if self.type:
            kwargs["type"] = self.type
        if self.choices:
            kwargs["choices"] = sorted(self.choices())
            kwargs.pop("metavar")
        return kwargs


STACK_COMMANDS = ("run", "up")

OPTIONS: tuple[Option, ...] = (
    # wp, plugin, backend_image: None is the default for a new stack (harness/stack/config.py); on an
    # attached stack (--stack), only what is given is put in place.
    Option("wp", f"WordPress version (default {DEFAULT_WORDPRESS})", choices=lambda: list(WORDPRESS), commands=(*STACK_COMMANDS, "selftest", "repro")),
    Option(
        "php", "PHP version (default: the one Debian packages with that WordPress)", choices=lambda: list(PHP), commands=(*STACK_COMMANDS, "selftest", "repro")
    ),
    Option(
        "matrix",
        "run the suite once per cell of this set (harness/stack/config.py MATRICES), then merge",
        metavar="SET",
        commands=("run",),
        to_pytest=False,
        choices=lambda: list(MATRICES),
    ),
    Option("plugin", "the plugin directory to test (default: the reference plugin)", metavar="DIR", commands=(*STACK_COMMANDS, "repro")),
    Option("backend_image", "a backend image to run instead of the reference one", metavar="IMAGE", commands=STACK_COMMANDS),
    Option(
        "with_plugin",
        "a third-party plugin directory, or corpus:PATH for a release of fixtures/plugins/corpus.json, mounted read-only beside"
        " the plugin under test, activated once as an administrator would; every reset returns to that (repeatable)",
        metavar="DIR",
        repeatable=True,
        commands=(*STACK_COMMANDS, "repro"),
    ),
    Option(
        "site",
        "a site profile (fixtures/sites/*.yaml) built on the stack before the first test; every reset returns to it",
        metavar="FILE",
        commands=STACK_COMMANDS,
    ),
    Option("stack", "attach to this running stack instead of making one", metavar="NAME", commands=("run", "repro"), in_repro=False),
    Option("keep", "leave the stack running afterwards", flag=True, commands=("run", "repro"), in_repro=False),
    Option("manifest", "capability manifest (default: igny8-conformance.json in the plugin directory)", metavar="FILE"),
    Option("baseline", "known failures (YAML): the run fails only on failures not listed", metavar="FILE"),
    Option("profile", f"property-based effort (default {DEFAULT_PROFILE})", DEFAULT_PROFILE, choices=lambda: list(PROFILES)),
    Option("requirements", "only tests that check one of these comma-separated requirement IDs", metavar="IDS", in_repro=False),
    Option("negative_first", "run the negative cases first (harness.spec.cases): the self-test's quickest way to a failure", flag=True, in_repro=False),
    Option("backend_url", "check a backend the harness does not start (its key: IGNY8_BACKEND_KEY); no WordPress", metavar="URL"),
    Option("backend_key_file", "with --backend-url: a file holding its API key", metavar="FILE"),
    Option("backend_ca", "with --backend-url: the CA its certificate chains to (default: the system's)", metavar="FILE"),
    Option("backend_dsn", "with --backend-url: its PostgreSQL, to check what it stores", metavar="DSN", secret=True),
    Option("backend_observer", "the backend's observer file (spec/CONTRACT.md 2.2; default: the reference's, for the reference image)", metavar="FILE"),
    Option("reruns", "re-run a failing test up to N times on a fresh reset; one that then passes is FLAKY", 2, metavar="N", type=int),
    Option("no_rerun", "never re-run a failing test", flag=True),
    Option("allow_incomplete", "exit 0 even when checks could not be made (no observer, no seed command)", flag=True),
    Option("allure_html", "also build the Allure 3 HTML report, allure-report/ (needs Node); allure-results/ is always written", flag=True, in_repro=False),
    Option("no_allure_html", "no Allure 3 HTML report: the default now (see --allure-html); kept for existing command lines", flag=True, in_repro=False),
    Option(
        "evidence",
        "what each test keeps: 'failures' (a passing test one line per HTTP exchange; a failing, flaky or erroring one everything it saw) or 'all'",
        "failures",
        choices=lambda: ["failures", "all"],
        in_repro=False,
    ),
    # A repro names one test: the shard that ran it is no part of running it again.
    Option("shard", "run part I of N of the suite: split by module, balanced by earlier runs' durations", metavar="I/N", type=shard_option, in_repro=False),
    Option("report_dir", "write results.json, evidence and every report here", metavar="DIR", commands=(), in_repro=False),
)
BY_NAME = {option.name: option for option in OPTIONS}


class RunOptions(Mapping[str, Any]):
    """The value of every option, by name; unset ones hold their default."""

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        values = dict(values or {})
        unknown = sorted(set(values) - set(BY_NAME))
        if unknown:
            raise KeyError(f"unknown run options {unknown}; see harness/runs/options.py")
        self._values = {o.name: _normal(o, values.get(o.name, o.default)) for o in OPTIONS}

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def replace(self, **changes: Any) -> RunOptions:
        return RunOptions({**self._values, **changes})

    def changed(self) -> dict[str, Any]:
        """The options whose value differs from the default."""
        return {name: value for name, value in self._values.items() if value not in (BY_NAME[name].default, None, False)}

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> RunOptions:
        return cls({o.name: getattr(args, o.name) for o in OPTIONS if hasattr(args, o.name)})

    @classmethod
    def from_pytest(cls, config: pytest.Config) -> RunOptions:
        return cls({o.name: config.getoption(o.dest) for o in OPTIONS if o.to_pytest})


def _normal(option: Option, value: Any) -> Any:
    """A repeatable option's values as a tuple (argparse and pytest give a list), None when there are none."""
    if not option.repeatable or value is None:
        return value
    values = (value,) if isinstance(value, str) else tuple(value)
    return values or None


def _values(option: Option, value: Any) -> tuple[Any, ...]:
    """The values an option repeats on a command line: one, or each of a repeatable option's."""
    return tuple(value) if option.repeatable else (value,)


def add_to_parser(parser: argparse.ArgumentParser, command: str) -> None:
    for option in OPTIONS:
        if command in option.commands:
            parser.add_argument(option.cli_flag, dest=option.name, **option.argparse_kwargs())


def add_to_pytest(group: Any) -> None:  # pytest's OptionGroup
    for option in OPTIONS:
        if option.to_pytest:
            group.addoption(option.pytest_flag, dest=option.dest, **option.argparse_kwargs())


def pytest_args(options: RunOptions) -> list[str]:
    """What the runner passes to pytest for these values (defaults are pytest's defaults too)."""
    args = []
    for name, value in options.changed().items():
        option = BY_NAME[name]
        if option.to_pytest:
            args += [option.pytest_flag] if option.flag else [f"{option.pytest_flag}={v}" for v in _values(option, value)]
    return args


def command_line(command: str, options: RunOptions, positional: Iterable[str] = ()) -> str:
    """`./igny8 <command> ...` that repeats these values (secrets as '…'), for a person to paste."""
    parts = ["./igny8", command]
    for name, value in options.changed().items():
        option = BY_NAME[name]
        if not option.in_repro or command not in option.commands:
            continue
        if option.flag:
            parts.append(option.cli_flag)
            continue
        for v in _values(option, value):
            parts += [option.cli_flag, "'…'" if option.secret else shlex.quote(str(v))]
    return " ".join([*parts, *(shlex.quote(p) for p in positional)])
