"""Reproducing a field report: `igny8 repro --from-structure FILE` and `--from-diagnostics FILE`.

FILE is what support can get hold of: a structure payload as the plugin sends it, the backend's
`config_json` holding one (`content_types`), or the plugin's diagnostics export
(spec/diagnostics.schema.json). The harness builds a WordPress site of that shape (the same keys,
labels, flags and counts, posts made up to a cap), connects the plugin, syncs, and compares the
backend with WordPress's own view: the `site-sync` check, which `igny8 repro` then replays. A
diagnostics export also names the site's other plugins: each one the corpus holds in that version
(fixtures/plugins/corpus.json, its files on this machine) runs on the rebuilt site too (`site_plugins`);
any other is named as missing, with the reason."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema.protocols import Validator

from harness.spec import spec
from harness.spec.formats import schema_validator
from harness.stack import corpus
from harness.stack.config import PHP, PLUGIN_FOLDER, WORDPRESS, find_cell

DIAGNOSTICS_FORMAT = "igny8-diagnostics/1"
DEFAULT_MAX_POSTS = 5000  # posts made for a reproduction at most; a count above it is made up to it
MAX_ENTRIES = 5000  # post types, and taxonomies, a structure may hold: the protocol's own cap
PAYLOAD_KEYS = {"schema_version", "site_url", "wp_version", "plugin_version", "generated_at", "post_types", "taxonomies"}
ENTRY_KEYS = {"post_types": {"label", "count", "hierarchical", "public"}, "taxonomies": {"label", "count", "hierarchical", "public", "object_types"}}
KEY_BYTES = {"post_types": 20, "taxonomies": 32}  # what register_post_type() and register_taxonomy() take


class FieldReportError(ValueError):
    """A file that is no structure, diagnostics or config_json; the message names the problem."""


@dataclass
class FieldReport:
    """What a file says about a customer's site."""

    structure: dict[str, Any]
    source: str
    kind: str  # "structure", "config_json" or "diagnostics"
    versions: dict[str, str] = field(default_factory=dict)  # from diagnostics: wordpress, php, plugin
    active_plugins: list[dict[str, Any]] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


def read(path: str | Path, expect: str) -> FieldReport:
    """The report in `path`; `expect` is "structure" (a payload or a config_json) or "diagnostics"."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise FieldReportError(f"{path}: not a readable JSON file: {exc}") from exc
    if not isinstance(doc, dict):
        raise FieldReportError(f"{path}: a JSON {type(doc).__name__}, not an object")
    if expect == "diagnostics":
        return _diagnostics(doc, path)
    if doc.get("format") == DIAGNOSTICS_FORMAT:
        raise FieldReportError(f"{path} is a diagnostics export: use --from-diagnostics")
    if "content_types" in doc:  # the backend's config_json (the design note's shape)
        return FieldReport(_structure(doc["content_types"], f"{path}: content_types"), str(path), "config_json")
    return FieldReport(_structure(doc, str(path)), str(path), "structure")


@lru_cache(maxsize=1)
def _diagnostics_validator() -> Validator:
    return schema_validator(json.loads((spec.SPEC_DIR / "diagnostics.schema.json").read_text()))


def _diagnostics(doc: dict[str, Any], path: Path) -> FieldReport:
    if doc.get("format") != DIAGNOSTICS_FORMAT:
        raise FieldReportError(f"{path}: not a diagnostics export (its format is {doc.get('format')!r}, not {DIAGNOSTICS_FORMAT!r})")
    errors = sorted(_diagnostics_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        raise FieldReportError(
            f"{path} is not a valid diagnostics export (spec/diagnostics.schema.json):\n" + "\n".join(f"  {e.json_path}: {e.message}" for e in errors[:10])
        )
    if doc["structure"] is None:
        raise FieldReportError(f"{path}: the diagnostics hold no structure (the plugin had not synced yet): nothing to build")
    return FieldReport(
        _structure(doc["structure"], f"{path}: structure"), str(path), "diagnostics", dict(doc["versions"]), list(doc["active_plugins"]), list(doc["log"])
    )


def _structure(doc: Any, where: str) -> dict[str, Any]:
    """`doc` checked for the shape a site can be built from. Deliberately looser than the protocol's
    schema: a field report may hold exactly what the backend refused (an uppercase key, a long label)."""
    if not isinstance(doc, dict) or not {"post_types", "taxonomies"} <= set(doc):
        raise FieldReportError(f"{where}: not a structure payload (an object with post_types and taxonomies, spec/structure.schema.json)")
    problems = [f"unknown key {key!r}" for key in sorted(set(doc) - PAYLOAD_KEYS)]
    for kind, keys in ENTRY_KEYS.items():
        entries = doc[kind]
        if not isinstance(entries, dict):
            problems.append(f"{kind} is a {type(entries).__name__}, not an object")
            continue
        if len(entries) > MAX_ENTRIES:
            problems.append(f"{len(entries)} {kind}, over the cap of {MAX_ENTRIES}")
        for slug, entry in entries.items():
            if not isinstance(entry, dict):
                problems.append(f"{kind}.{slug} is not an object")
                continue
            problems += _entry_problems(kind, slug, entry, keys)
    if problems:
        raise FieldReportError(f"{where}: " + "; ".join(problems[:10]) + (f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""))
    return doc


def _entry_problems(kind: str, slug: str, entry: dict[str, Any], keys: set[str]) -> list[str]:
    """What WordPress could not build of one entry: its key past WordPress's own limit (in bytes, as
    WordPress counts) or holding U+0000, fields of the wrong type."""
    limit = KEY_BYTES[kind]
    problems = [f"{kind}.{slug}: unknown key {key!r}" for key in sorted(set(entry) - keys)]
    problems += [f"{kind}.{slug}: no {key}" for key in sorted({"label", "count"} - set(entry))]
    if not 1 <= len(slug.encode()) <= limit or "\x00" in slug:
        problems.append(f"{kind} key {slug!r}: WordPress holds 1 to {limit} bytes without U+0000")
    if "label" in entry and not isinstance(entry["label"], str):
        problems.append(f"{kind}.{slug}.label is {entry['label']!r}, not text")
    if "count" in entry and (not isinstance(entry["count"], int) or isinstance(entry["count"], bool) or entry["count"] < 0):
        problems.append(f"{kind}.{slug}.count is {entry['count']!r}, not a count")
    problems += [
        f"{kind}.{slug}.{flag} is {entry[flag]!r}, not true or false"
        for flag in ("hierarchical", "public")
        if flag in entry and not isinstance(entry[flag], bool)
    ]
    object_types = entry.get("object_types", [])
    if not isinstance(object_types, list) or not all(isinstance(t, str) and t for t in object_types):
        problems.append(f"{kind}.{slug}.object_types is {object_types!r}, not a list of names")
    return problems


def site_from(report: FieldReport, max_posts: int = DEFAULT_MAX_POSTS) -> tuple[dict[str, Any], list[str]]:
    """The `site-sync` example for a report's structure, and notes on what could not be copied exactly.
    Posts and terms share one budget (`max_posts`): a count over it is made up to it, and said."""
    structure, notes, budget = report.structure, [], max_posts
    posts, terms = [], {}
    for slug, entry in structure["post_types"].items():
        made = min(entry["count"], budget)
        budget -= made
        if made:
            posts.append({"post_type": slug, "count": made})
        if made < entry["count"]:
            notes.append(f"post type {slug}: {made} of its {entry['count']} posts made (--max-posts {max_posts})")
    for slug, entry in structure["taxonomies"].items():
        made = min(entry["count"], budget)
        budget -= made
        if made:
            terms[slug] = [f"Term {n}" for n in range(made)]
        if made < entry["count"]:
            notes.append(f"taxonomy {slug}: {made} of its {entry['count']} terms made (--max-posts {max_posts})")
    site = {
        "name": Path(report.source).stem[:40],
        "post_types": {
            slug: {"label": e["label"], "public": bool(e.get("public", True)), "show_ui": True, "hierarchical": bool(e.get("hierarchical", False))}
            for slug, e in structure["post_types"].items()
        },
        "taxonomies": {
            slug: {
                "label": e["label"],
                "object_types": list(e.get("object_types", [])),
                "public": bool(e.get("public", True)),
                "show_ui": True,
                "hierarchical": bool(e.get("hierarchical", False)),
            }
            for slug, e in structure["taxonomies"].items()
        },
        "terms": terms,
        "posts": posts,
    }
    return site, notes


def wanted_versions(report: FieldReport) -> tuple[str | None, str | None, list[str]]:
    """The matrix cell closest to the customer's (WordPress and PHP minor versions), or the default."""
    minor = lambda v: ".".join(v.split(".")[:2]) if v else None  # noqa: E731
    wordpress, php = minor(report.versions.get("wordpress")), minor(report.versions.get("php"))
    if not report.versions:
        return None, None, []
    if wordpress not in WORDPRESS:
        return None, None, [f"WordPress {report.versions['wordpress']} is not in the matrix (harness/stack/config.py): the default cell is used"]
    try:
        find_cell(wordpress, php if php in PHP else None)
    except ValueError as exc:
        return wordpress, None, [f"{exc}: PHP is the one WordPress {wordpress} comes with"]
    if php not in PHP:
        return wordpress, None, [f"PHP {report.versions.get('php')} is not in the matrix: PHP is the one WordPress {wordpress} comes with"]
    return wordpress, php, []


@dataclass(frozen=True)
class SitePlugins:
    """The other plugins a field report's site ran, as the rebuilt site will run them."""

    dirs: tuple[str, ...]  # each one found in the corpus (or the project's fixtures) by its name and version, in the report's order
    found: list[str]  # "bbPress 2.6.9 (corpus:bbpress)", for the output
    missing: list[str]  # each plugin it cannot put on the stack, named, with why


def site_plugins(report: FieldReport) -> SitePlugins:
    """The site's other plugins (the diagnostics' active_plugins, the plugin under test aside), each matched by
    its name and version to a corpus release (fixtures/plugins/corpus.json) whose files are on this machine, or to
    one of the project's own fixture plugins. One that is not there is MISSING, named with the reason: never
    silently left out."""
    dirs: list[str] = []
    found: list[str] = []
    missing: list[str] = []
    for plugin in report.active_plugins:
        if str(plugin.get("file", "")).startswith(f"{PLUGIN_FOLDER}/"):
            continue  # the plugin under test
        name, version, file = str(plugin.get("name") or ""), str(plugin.get("version") or ""), str(plugin.get("file") or "")
        label = f"{name or file} {version}".strip()
        entry = corpus.find(name, version) if name else None
        own = corpus.own_fixture(name, version) if name and entry is None else None
        why = entry.missing() if entry else ""
        if entry is not None and not why:
            dirs.append(str(entry.dir))
            found.append(f"{label} ({entry.ref})")
        elif own is not None:
            dirs.append(str(own))
            found.append(f"{label} (fixtures/plugins/{own.name})")
        else:
            others = [e.version for e in corpus.releases(name)]
            if not why:
                why = f"the corpus holds {name} {', '.join(others)} only" if others else "not in the corpus (fixtures/plugins/corpus.json)"
            missing.append(f"{label} ({file}): {why}")
    return SitePlugins(tuple(dirs), found, missing)
