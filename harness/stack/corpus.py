"""The corpus of real third-party plugins (fixtures/plugins/corpus.json): popular plugins, pinned to a
release of their public source, that a stack can run beside the plugin under test (`--with-plugin
corpus:FOLDER`, a site profile's `plugins:`, a field report's active plugins). Each entry says which
release it is, where it comes from, what WordPress and PHP it needs, what it registers and what it
changes in wp-admin.

Their files are not in the repository (their code is theirs, not the project's to commit): they live in
the corpus folder, PLUGIN_CORPUS (IGNY8_PLUGIN_CORPUS, by default ~/.cache/igny8/plugin-corpus/), one
folder per entry's `path`. An entry whose files are not there, or are another release, is named with
the reason wherever a run asks for it (`missing`), never silently replaced.

Where a release does not support a cell's WordPress or PHP, the corpus may hold an older release
of the same plugin that does (its folder's name is the same: WordPress knows a plugin by it): a run on
that cell takes the older one, and says so; with none, the plugin is NOT APPLICABLE on that cell, with
the reason, and the run goes on without it (`for_cell`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from harness.base.paths import PLUGIN_CORPUS, ROOT

PLUGINS_DIR = ROOT / "fixtures" / "plugins"  # the manifest, and the project's own fixture plugins
CORPUS_FILE = PLUGINS_DIR / "corpus.json"
CORPUS_DIR = PLUGIN_CORPUS  # the real plugins' files, outside the checkout
PREFIX = "corpus:"  # `corpus:bbpress` in --with-plugin or a profile: the entry whose path is bbpress
GUIDE = "fixtures/plugins/README.md"
# WordPress reads a plugin's headers from the first 8 KiB of a PHP file at the top of its folder
# (get_plugins(), get_file_data()); a file whose `Plugin Name:` is empty is no plugin.
_PLUGIN_NAME = re.compile(r"^(?:[ \t]*<\?php)?[ \t/*#@]*Plugin Name:(.*)$", re.M | re.I)


def plugin_main_file(directory: Path) -> Path | None:
    """The file WordPress takes for the plugin in `directory`, or None when it would see no plugin there."""
    for candidate in sorted(directory.glob("*.php")):
        with candidate.open("rb") as f:
            found = _PLUGIN_NAME.search(f.read(8192).decode("utf-8", "replace").replace("\r", "\n"))
        if found and found.group(1).strip(" \t*/"):
            return candidate
    return None


def _header(file: Path, field: str) -> str:
    """A plugin header's value, as WordPress reads it (the first 8 KiB of the file)."""
    with file.open("rb") as f:
        text = f.read(8192).decode("utf-8", "replace").replace("\r", "\n")
    found = re.search(rf"^[ \t/*#@]*{field}:\s*(.+?)\s*$", text, re.M | re.I)
    return found.group(1) if found else ""


def resolve(text: str, base: Path | None = None) -> str:
    """An absolute plugin directory from what a user wrote: `corpus:PATH` names a corpus entry (ValueError
    when none has that path); anything else is a directory, relative to `base` (a profile's folder) or
    to the working directory."""
    if text.startswith(PREFIX):
        wanted = text[len(PREFIX) :].strip("/")
        entry = next((e for e in entries() if e.path == wanted), None)
        if entry is None:
            raise ValueError(f"{text}: fixtures/plugins/corpus.json has no release at {wanted!r} (it has: {', '.join(e.ref for e in entries())})")
        return str(entry.dir)
    path = Path(text).expanduser()
    return str(((base / path) if base is not None and not path.is_absolute() else path).resolve())


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".") if part.isdigit())


@dataclass(frozen=True)
class Entry:
    """One pinned release of one plugin."""

    name: str  # as its header says (Plugin Name), and as a diagnostics export lists it
    folder: str  # its folder in wp-content/plugins/ (the last part of `path`)
    version: str
    path: str  # relative to the corpus folder (CORPUS_DIR)
    file: str  # its main file, in its folder
    license: str
    source: dict[str, str]  # repo, ref, commit (and subdir where the plugin is a folder of its repository)
    requires: dict[str, str]  # wordpress, php: the least each needs (its headers)
    registers: dict[str, list[str]] = field(default_factory=dict)  # post_types, taxonomies, statuses it registers by itself
    changes: list[str] = field(default_factory=list)  # what it changes in wp-admin
    not_applicable: dict[str, str] = field(default_factory=dict)  # cell name -> why it cannot run there, beyond `requires`

    @property
    def dir(self) -> Path:
        return CORPUS_DIR / self.path

    @property
    def ref(self) -> str:
        """How --with-plugin and a profile name it."""
        return PREFIX + self.path

    def missing(self) -> str:
        """Why this release's files are not usable on this machine ("" when they are): absent, or another release."""
        main = self.dir / self.file
        if not main.is_file():
            return f"{self.label} is not on this machine: no {main} (IGNY8_PLUGIN_CORPUS; {GUIDE} says how to put it there)"
        found = _header(main, "Version")
        if found != self.version:
            return f"{self.dir} holds {self.name} {found or '(no version)'}, not {self.version} (corpus.json pins {self.source.get('commit', '')[:7]})"
        return ""

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"

    def why_not(self, wordpress: str, php: str, cell: str = "") -> str:
        """Why this release cannot run on WordPress `wordpress` with PHP `php` ("" when it can)."""
        if cell in self.not_applicable:
            return self.not_applicable[cell]
        if _version(wordpress)[:2] < _version(self.requires.get("wordpress", "0"))[:2]:
            return f"{self.label} requires WordPress {self.requires['wordpress']} (its header's Requires at least)"
        if _version(php)[:2] < _version(self.requires.get("php", "0"))[:2]:
            return f"{self.label} requires PHP {self.requires['php']} (its header's Requires PHP)"
        return ""


@lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    doc: dict[str, Any] = json.loads(CORPUS_FILE.read_text())
    return tuple(
        Entry(
            name=p["name"],
            folder=Path(p["path"]).name,
            version=p["version"],
            path=p["path"],
            file=p["file"],
            license=p["license"],
            source=dict(p["source"]),
            requires=dict(p["requires"]),
            registers={k: list(v) for k, v in p.get("registers", {}).items()},
            changes=list(p.get("changes", [])),
            not_applicable=dict(p.get("not_applicable", {})),
        )
        for p in doc["plugins"]
    )


def by_dir(directory: str | Path) -> Entry | None:
    """The corpus entry whose files are `directory`, or None for a plugin from elsewhere."""
    wanted = Path(directory).resolve()
    return next((e for e in entries() if e.dir.resolve() == wanted), None)


def find(name: str, version: str) -> Entry | None:
    """The release `version` of the plugin named `name` (its header's name), or None."""
    return next((e for e in entries() if e.name.casefold() == name.casefold() and e.version == version), None)


def releases(name: str) -> list[Entry]:
    """Every release of the plugin named `name` the corpus holds, newest first."""
    found = [e for e in entries() if e.name.casefold() == name.casefold()]
    return sorted(found, key=lambda e: _version(e.version), reverse=True)


def for_cell(dirs: Iterable[str], wordpress: str, php: str, cell: str = "") -> tuple[tuple[str, ...], list[str]]:
    """The third-party plugin directories a stack of that cell runs: a corpus release the cell does not
    support is replaced by the corpus's release of the same plugin that it does, or left out (NOT
    APPLICABLE on the cell); a directory from outside the corpus is kept as it is (WordPress says whether
    it runs). Also what was replaced or left out, and why, one line each."""
    kept: list[str] = []
    notes: list[str] = []
    for directory in dirs:
        entry = by_dir(directory)
        why = entry.why_not(wordpress, php, cell) if entry else ""
        if entry is None or not why:
            kept.append(str(directory))
            continue
        other = next((e for e in releases(entry.name) if e.folder == entry.folder and not e.why_not(wordpress, php, cell)), None)
        if other is not None:
            kept.append(str(other.dir))
            notes.append(f"{why}: WordPress {wordpress} on PHP {php} runs the corpus's {other.label} (fixtures/plugins/{other.path}) instead")
        else:
            notes.append(f"{entry.name}: NOT APPLICABLE on WordPress {wordpress} with PHP {php}, left out: {why}; the corpus holds no release that runs there")
    return tuple(kept), notes


def registrations(dirs: Iterable[str]) -> dict[str, set[str]]:
    """What the corpus plugins among `dirs` register by themselves: {post_types, taxonomies, statuses}."""
    found: dict[str, set[str]] = {"post_types": set(), "taxonomies": set(), "statuses": set()}
    for directory in dirs:
        entry = by_dir(directory)
        for kind, names in (entry.registers if entry else {}).items():
            found.setdefault(kind, set()).update(names)
    return found


def own_fixture(name: str, version: str) -> Path | None:
    """The project's own fixture plugin (fixtures/plugins/FOLDER) with this header name and version, or None."""
    for directory in sorted(p for p in PLUGINS_DIR.iterdir() if p.is_dir()):
        main = plugin_main_file(directory)
        if main and _header(main, "Plugin Name").casefold() == name.casefold() and _header(main, "Version") == version:
            return directory
    return None
