"""What a stack is made of: the WordPress versions on offer, the implementations under test, and
the paths and names every other part of the harness refers to. Each is written here once."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from harness.base.paths import ROOT
from harness.base.progress import say
from harness.stack import corpus
from harness.stack.corpus import plugin_main_file

COMPOSE_FILE = ROOT / "wordpress-stack" / "compose.yaml"
REFERENCE_PLUGIN = ROOT / "reference" / "igny8-wp-plugin"
REFERENCE_BACKEND_IMAGE = "igny8/backend:reference"
PLUGIN_MAIN_FILE = "igny8-wp-plugin.php"  # the handbook's name for this plugin (README, spec/)
PLUGINS_IN_CONTAINER = "/var/lib/wordpress/wp-content/plugins"
PLUGIN_FOLDER = "igny8-wp-plugin"  # the plugin under test's folder there (wordpress-stack/compose.yaml, the test control)
LABEL = "com.igny8.harness"  # on every container, network and volume the harness makes


@dataclass(frozen=True)
class WordPressRelease:
    suite: str  # the Debian suite whose `wordpress` package it is
    php_min: str  # the PHP range this WordPress supports (make.wordpress.org's compatibility table)
    php_max: str


@dataclass(frozen=True)
class Cell:
    """One column of the matrix: a WordPress on a PHP (MariaDB follows the PHP's Debian suite)."""

    wordpress: str
    php: str
    allowed_to_fail: bool = False  # its failures are reported; `igny8 gate` ignores them

    @property
    def name(self) -> str:
        return f"wp{self.wordpress}-php{self.php}"

    def record(self) -> dict[str, object]:
        """How a run names its cell in results.json (run.system.cell), for the merge and the gate."""
        return {"name": self.name, "wordpress": self.wordpress, "php": self.php, "allowed_to_fail": self.allowed_to_fail}


# The versions on offer, from Debian's mirrors (README "The matrix"). Adding a version is a line here.
WORDPRESS = {
    "5.7": WordPressRelease("bullseye", "5.6", "8.0"),
    "6.1": WordPressRelease("bookworm", "5.6", "8.2"),
    "6.8": WordPressRelease("trixie", "7.2", "8.4"),
    "7.1": WordPressRelease("sid", "7.4", "8.5"),
}
PHP = {"7.4": "bullseye", "8.2": "bookworm", "8.4": "trixie", "8.5": "sid"}  # PHP version -> the suite it and MariaDB come from
# A PHP its suite does not have yet: installed from this suite onto it (the next PHP, from experimental).
PHP_FROM = {"8.5": "experimental"}
# A WordPress's PHP when --php is not given: the PHP minor its own suite ships (7.1: sid's 8.4, built
# from trixie, whose PHP is the same minor). Where the PHP's suite is not the WordPress's, that
# WordPress is unpacked onto the PHP's suite (wordpress-stack/wordpress/Dockerfile).
DEFAULT_PHP = {"5.7": "7.4", "6.1": "8.2", "6.8": "8.4", "7.1": "8.4"}
DEFAULT_WORDPRESS = "7.1"  # the newest obtainable

MATRICES = {
    "all": (
        *(Cell("5.7", "7.4"), Cell("6.1", "8.2"), Cell("6.8", "8.4"), Cell("7.1", "8.4"), Cell("6.8", "7.4"), Cell("7.1", "8.2")),
        Cell("7.1", "8.5", allowed_to_fail=True),  # the next PHP: its failures are news, not a blocker
    ),
    "native": (Cell("5.7", "7.4"), Cell("6.1", "8.2"), Cell("6.8", "8.4"), Cell("7.1", "8.4")),  # each WordPress on its own suite's PHP minor
    "edges": (Cell("5.7", "7.4"), Cell("7.1", "8.4")),  # the oldest and the newest: what `igny8 test` runs
}


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def find_cell(wordpress: str | None = None, php: str | None = None) -> Cell:
    """The cell for these versions (None: the default WordPress, its own PHP); an unsupported pair
    is refused here, before anything is built."""
    wordpress = wordpress or DEFAULT_WORDPRESS
    if wordpress not in WORDPRESS:
        raise ValueError(f"WordPress {wordpress!r} is not offered; choose one of {', '.join(WORDPRESS)}")
    php = php or DEFAULT_PHP[wordpress]
    if php not in PHP:
        raise ValueError(f"PHP {php!r} is not offered; choose one of {', '.join(PHP)}")
    release = WORDPRESS[wordpress]
    if not _version(release.php_min) <= _version(php) <= _version(release.php_max):
        raise ValueError(f"WordPress {wordpress} supports PHP {release.php_min} to {release.php_max}, not {php}")
    for known in MATRICES["all"]:
        if (known.wordpress, known.php) == (wordpress, php):
            return known
    return Cell(wordpress, php)


# The plugin's request timeout in the stack (FAIL-2): shorter than the plugin's default 10 s so
# that the hung-backend scenario costs seconds, not tens of them.
PLUGIN_HTTP_TIMEOUT = 3


@dataclass(frozen=True)
class Rate:
    """REQUESTS per SECONDS, as a backend's IGNY8_API_RATE and IGNY8_LOGIN_RATE say it (CONTRACT.md 2.1)."""

    requests: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.requests}/{self.seconds}"


# The rates the stack gives its backend (OPS-4, SEC-13). The API's is above what the suite's own
# requests reach one after another (its client waits as told if they do), and a window of seconds:
# a test that waits one out loses little.
API_RATE = Rate(300, 10)
LOGIN_RATE = Rate(5, 300)


@dataclass(frozen=True)
class Rates:
    api: Rate  # requests per integration key (OPS-4)
    login: Rate  # failed logins per username on the tab (SEC-13)


STACK_RATES = Rates(API_RATE, LOGIN_RATE)


_FOLDER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def extra_plugin_dirs(given: Iterable[str], plugin_dir: str = "") -> tuple[str, ...]:
    """The third-party plugins a stack runs beside the plugin under test (--with-plugin), absolute,
    each refused with the reason, before any stack starts, unless WordPress would see a plugin in it.
    Each is mounted as wp-content/plugins/<its folder's name>/, so two may not share a name."""
    found: dict[str, str] = {}
    under_test = Path(plugin_dir).resolve() if plugin_dir else None
    for text in given:
        path = Path(corpus.resolve(text))
        entry = corpus.by_dir(path)
        if entry is not None and entry.missing():
            raise ValueError(f"--with-plugin {text}: {entry.missing()}")
        if not path.is_dir():
            raise ValueError(f"--with-plugin {text}: not a directory (a third-party plugin is a folder holding its plugin file)")
        if plugin_main_file(path) is None:
            raise ValueError(f"--with-plugin {text}: no PHP file at its top has a `Plugin Name:` header, so WordPress would see no plugin there")
        name = path.name
        if not _FOLDER_NAME.match(name):
            raise ValueError(
                f"--with-plugin {text}: its folder's name {name!r} would be its folder in wp-content/plugins/: use letters, digits, '.', '_' and '-'"
            )
        if path == under_test:
            raise ValueError(f"--with-plugin {text}: this is the plugin under test (--plugin); a third-party plugin goes beside it")
        if name == PLUGIN_FOLDER:
            raise ValueError(f"--with-plugin {text}: wp-content/plugins/{PLUGIN_FOLDER}/ is the plugin under test's folder; rename this one's")
        if name in found:
            raise ValueError(f"--with-plugin {text} and {found[name]}: both would be wp-content/plugins/{name}/")
        found[name] = str(path)
    return tuple(found.values())


@dataclass
class StackConfig:
    """What a stack runs. None in a field means the default (the reference, the default WordPress)."""

    wordpress: str = DEFAULT_WORDPRESS
    php: str = ""  # "": the PHP Debian packages with that WordPress
    plugin_dir: str = str(REFERENCE_PLUGIN)
    backend_image: str = REFERENCE_BACKEND_IMAGE
    plugin_file: str = PLUGIN_MAIN_FILE  # the plugin's main file, from its manifest
    keep: bool = False
    extra_plugins: tuple[str, ...] = ()  # third-party plugin directories, absolute (--with-plugin): part of the site

    def __post_init__(self) -> None:
        chosen = find_cell(self.wordpress, self.php)  # refuses a pair WordPress does not support
        self.wordpress, self.php = chosen.wordpress, chosen.php
        self.plugin_dir = self.plugin_dir or str(REFERENCE_PLUGIN)
        self.backend_image = self.backend_image or REFERENCE_BACKEND_IMAGE
        self.plugin_file = self.plugin_file or PLUGIN_MAIN_FILE
        plugin = Path(self.plugin_dir)
        if not (plugin / self.plugin_file).is_file():
            raise ValueError(f"{plugin} is not a plugin directory: it has no {self.plugin_file} (its manifest's plugin_file)")
        self.plugin_dir = str(plugin.resolve())
        # A corpus plugin this cell's WordPress or PHP cannot run is replaced by the corpus's release that
        # it can, or left out as NOT APPLICABLE on the cell (harness.stack.corpus); said once, here.
        given = [corpus.resolve(text) for text in self.extra_plugins or ()]
        chosen_extras, notes = corpus.for_cell(given, self.wordpress, self.php, chosen.name)
        self.extra_plugins = extra_plugin_dirs(chosen_extras, self.plugin_dir)
        for note in notes:
            say(note)

    @property
    def cell(self) -> Cell:
        return find_cell(self.wordpress, self.php)

    @property
    def suite(self) -> str:
        """The Debian suite of the WordPress image's base: PHP, Apache and MariaDB come from it."""
        return PHP[self.php]

    @property
    def wordpress_suite(self) -> str:
        return WORDPRESS[self.wordpress].suite

    @property
    def builds_backend(self) -> bool:
        """The reference backend's image is built from this checkout; any other is used as given."""
        return self.backend_image == REFERENCE_BACKEND_IMAGE
