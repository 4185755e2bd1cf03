"""`igny8 repro FILE`: replays a recorded failing example on a fresh stack with the same
implementations and WordPress version, and says whether it still fails."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness.base.progress import say
from harness.generate import sites
from harness.judge import by_name, checks
from harness.judge.checks import CheckContext
from harness.judge.session import plugin_manifest, stack_context
from harness.repro import field_report
from harness.runs.options import RunOptions
from harness.stack.stack import Stack, Wanted, running_stack


def load(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        doc: dict[str, Any] = json.loads(path.read_text())
        kind = doc["kind"]
        doc["example"]  # noqa: B018  (must be there)
    except (OSError, ValueError, KeyError) as exc:
        raise ValueError(f"{path} is not a repro file (a JSON with kind and example, written under reports/<run>/repro/): {exc}") from exc
    if kind not in by_name.names():
        raise ValueError(f"{path}: unknown kind {kind!r}; the harness knows {', '.join(by_name.names())}")
    return doc


def wanted_from(doc: dict[str, Any]) -> Wanted:
    """The builds the recorded run tested, read from what its stack said it ran."""
    system = doc.get("system", {})
    versions = system.get("versions", {})

    def minor(name: str) -> str | None:
        return ".".join(versions[name].split(".")[:2]) if versions.get(name) else None

    return Wanted(
        wordpress=minor("wordpress"),
        php=minor("php"),
        plugin_dir=system.get("plugin", {}).get("dir"),
        plugin_file=Path(system.get("plugin", {}).get("file", "")).name or None,
        backend_image=system.get("backend", {}).get("image"),
        extra_plugins=tuple(p["dir"] for p in system.get("extra_plugins", []) if p.get("dir")) or None,
    )


def prepare(check: checks.Check, ctx: CheckContext) -> None:
    """What must hold before the check runs (its `needs`), from a fresh site and tenant."""
    assert ctx.wp is not None and ctx.settings is not None and ctx.target is not None
    if check.needs == "nothing":
        return
    ctx.wp.reset()
    if check.needs == "wordpress":
        outcome = ctx.settings.connect(ctx.target.backend_url_for_plugin, ctx.backend.api_key)
        assert outcome.kind == "success", f"could not connect: {outcome}"
    else:
        assert ctx.backend.connect().status_code == 200


def replay(doc: dict[str, Any], stack: Stack) -> str | None:
    """Runs the recorded example once; returns None if it passes now, else the failure's message."""
    options = doc.get("options", {})
    ctx = stack_context(stack, options.get("manifest"), options.get("backend_observer"))
    check = by_name.get(doc["kind"])
    site = doc.get("system", {}).get("site")
    if site and ctx.wp is not None:  # the run's site profile (--site), which every reset returned to
        sites.build(ctx.wp, sites.load(site["file"]))
    try:
        prepare(check, ctx)
        check.run(ctx, doc["example"])
    except AssertionError as exc:
        return str(exc)
    return None


def run(path: str, options: RunOptions) -> int:
    """Replays a recorded example; --plugin, --wp, --php and --with-plugin replace what the recorded run had."""
    doc = load(path)
    say(f"replaying {doc['kind']} from {doc.get('test', '?')} (seed {doc.get('seed')})")
    return replay_doc(doc, options)


def from_field_report(path: str, expect: str, max_posts: int) -> dict[str, Any]:
    """A repro document for a field report (harness.repro.field_report): the `site-sync` check on a site
    of its shape, on the customer's WordPress and PHP where the matrix has them. Raises
    FieldReportError, naming the problem, for a file that is none."""
    report = field_report.read(path, expect)
    site, notes = field_report.site_from(report, max_posts)
    wordpress, php, version_notes = field_report.wanted_versions(report)
    for note in [*notes, *version_notes]:
        say(note)
    plugins = field_report.site_plugins(report)  # the site's other plugins, matched by name and version in fixtures/plugins/
    if plugins.found:
        say(f"the site also ran, and so does the rebuilt one: {', '.join(plugins.found)}")
    for missing in plugins.missing:
        say(f"MISSING: {missing}; the rebuilt site runs without it (give it with --with-plugin DIR)")
    for line in report.log[-5:]:
        say(f"its log: {line}")
    posts = sum(group["count"] for group in site["posts"])
    say(f"building {len(site['post_types'])} post types, {len(site['taxonomies'])} taxonomies and {posts} posts from {report.kind} {path}")
    system = {"versions": {"wordpress": wordpress, "php": php}, "extra_plugins": [{"dir": d} for d in plugins.dirs]}
    return {"kind": "site-sync", "test": f"repro --from-{expect} {path}", "example": site, "system": system, "missing_plugins": plugins.missing}


def replay_doc(doc: dict[str, Any], options: RunOptions) -> int:
    """Replays `doc` on a fresh stack (or --stack's): exit 1 and REPRODUCED with the failure, or 0."""
    wanted = wanted_from(doc)
    if options["plugin"]:
        wanted = replace(wanted, plugin_dir=str(Path(options["plugin"]).resolve()), plugin_file=plugin_manifest(options["plugin"]).plugin_file)
    if options["wp"] or options["php"]:
        wanted = replace(wanted, wordpress=options["wp"] or wanted.wordpress, php=options["php"])
    if options["with_plugin"]:
        wanted = replace(wanted, extra_plugins=tuple(options["with_plugin"]))
    with running_stack(wanted, attach=options["stack"], keep=options["keep"]) as stack:
        try:
            failure = replay(doc, stack)
        except sites.SiteProfileError as exc:  # the site could not be made: nothing was replayed
            print(f"not replayed: {exc}")
            return 2
        finally:
            if options["keep"]:
                print(stack.describe(show_secrets=sys.stdout.isatty()))
    if failure:
        print(f"REPRODUCED: {failure}")
        return 1
    print("not reproduced: the example passes now")
    return 0
