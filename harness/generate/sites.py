"""Site profiles (fixtures/sites/*.yaml): a WordPress site's shape as data, set up on a stack in
seconds by the test control (wordpress-stack/wordpress/igny8-test-site.php), which every reset then
returns to. `--site FILE` runs the suite on one; `igny8 repro --from-structure` makes one from a
structure payload (harness.repro.field_report).

A site is set up as a person sets one up (`build`): its own entries registered and its third-party
plugins activated once (/site); wp-admin loaded once by the administrator, which passes the plugins'
first-run redirects and welcome pages (WordPressClient.pass_first_run); the forms the profile names
filled in wp-admin as a person fills them (`admin_forms`: a type made through another plugin's own
screens, Custom Post Type UI's); then its terms and posts made and the whole site copied (/site/settle)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from jsonschema.protocols import Validator

from harness.base import yamlfile
from harness.base.paths import ROOT
from harness.spec.formats import schema_validator
from harness.stack import corpus

if TYPE_CHECKING:
    from harness.clients.wordpress import WordPressClient

SITES_DIR = ROOT / "fixtures" / "sites"
SCHEMA = SITES_DIR / "site.schema.json"
# What WordPress registers itself, which a profile may fill without declaring.
BUILTIN_POST_TYPES = ("post", "page")
BUILTIN_TAXONOMIES = ("category", "post_tag")
BUILTIN_STATUSES = ("publish", "draft", "pending", "private", "future", "trash")
BUILD_TIMEOUT = 180.0  # seconds; the large profile takes about ten
MAX_POSTS = 200_000  # what one build writes at most: a stack's disk and a reset's copy stay small


class SiteProfileError(ValueError):
    """A profile that cannot be built; the message names the file and the place in it."""


@dataclass(frozen=True)
class SiteProfile:
    name: str
    description: str = ""
    plugins: tuple[str, ...] = ()  # absolute third-party plugin directories the site needs
    statuses: dict[str, Any] = field(default_factory=dict)
    post_types: dict[str, Any] = field(default_factory=dict)
    taxonomies: dict[str, Any] = field(default_factory=dict)
    terms: dict[str, list[Any]] = field(default_factory=dict)
    posts: list[dict[str, Any]] = field(default_factory=list)
    source: str = ""  # the file it came from, for reports and errors
    admin_forms: list[dict[str, Any]] = field(default_factory=list)  # wp-admin forms filled once the plugins are active

    def body(self) -> dict[str, Any]:
        """What the /site route takes (a test control before /site/settle took it all there)."""
        return {"statuses": self.statuses, "post_types": self.post_types, "taxonomies": self.taxonomies, "terms": self.terms, "posts": self.posts}

    def content(self) -> dict[str, Any]:
        """What the /site/settle route takes: made once every registration is in place, the plugins' too."""
        return {"terms": self.terms, "posts": self.posts}

    def made_by_forms(self) -> dict[str, set[str]]:
        """The post types and taxonomies the profile's admin forms make (each form's `makes`)."""
        made: dict[str, set[str]] = {"post_types": set(), "taxonomies": set()}
        for form in self.admin_forms:
            for kind, names in form.get("makes", {}).items():
                made.setdefault(kind, set()).update(names)
        return made

    @property
    def post_count(self) -> int:
        return sum(group["count"] for group in self.posts)

    def summary(self) -> str:
        return f"site {self.name}: {len(self.post_types)} post types, {len(self.taxonomies)} taxonomies, {len(self.statuses)} statuses, {self.post_count} posts"


NO_SITE = SiteProfile(name="none")


@lru_cache(maxsize=1)
def _validator() -> Validator:
    return schema_validator(json.loads(SCHEMA.read_text()))


def load(path: str | Path) -> SiteProfile:
    """The profile in `path`, checked and with its `generate` rules expanded; SiteProfileError otherwise."""
    path = Path(path)
    try:
        doc = yamlfile.read(path)
    except (OSError, yaml.YAMLError) as exc:
        raise SiteProfileError(f"{path}: not a readable YAML site profile: {exc}") from exc
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        where = "\n".join(f"  {e.json_path}: {e.message}" for e in errors[:10])
        raise SiteProfileError(f"{path} is not a site profile ({SCHEMA.relative_to(ROOT)}):\n{where}")
    try:  # a corpus plugin (corpus:FOLDER) may be absent here: the run that needs it says so (extra_plugin_dirs)
        plugins = tuple(corpus.resolve(p, path.parent) for p in doc.get("plugins", []))
    except ValueError as exc:
        raise SiteProfileError(f"{path}: {exc}") from exc
    for given, plugin in zip(doc.get("plugins", []), plugins, strict=True):
        if not given.startswith(corpus.PREFIX) and not Path(plugin).is_dir():
            raise SiteProfileError(f"{path}: plugin directory {plugin} does not exist")
    profile = SiteProfile(
        name=doc["name"],
        description=doc.get("description", ""),
        plugins=plugins,
        statuses=doc.get("statuses", {}),
        post_types=dict(doc.get("post_types", {})),
        taxonomies=dict(doc.get("taxonomies", {})),
        terms=dict(doc.get("terms", {})),
        posts=list(doc.get("posts", [])),
        source=str(path),
        admin_forms=list(doc.get("admin_forms", [])),
    )
    profile = generated(profile, doc.get("generate", {}))
    check_references(profile, str(path))
    return profile


def generated(profile: SiteProfile, rules: dict[str, int]) -> SiteProfile:
    """The profile with `generate`'s entries added: gen-type-N post types, gen-tax-N taxonomies on
    three of them each, terms per taxonomy, and posts spread evenly, each tagged with its type's first taxonomy's term."""
    if not rules:
        return profile
    types = {f"gen-type-{i:04d}": {"label": f"Generated type {i}", "public": i % 7 != 0} for i in range(rules.get("post_types", 0))}
    slugs = list(types) or list(BUILTIN_POST_TYPES)
    taxonomies: dict[str, dict[str, Any]] = {
        f"gen-tax-{i:04d}": {
            "label": f"Generated taxonomy {i}",
            "object_types": [slugs[(i + k) % len(slugs)] for k in range(min(3, len(slugs)))],
            "hierarchical": i % 2 == 0,
        }
        for i in range(rules.get("taxonomies", 0))
    }
    per_taxonomy = rules.get("terms_per_taxonomy", 0)
    terms = {slug: [f"Term {n}" for n in range(per_taxonomy)] for slug in taxonomies}
    first_taxonomy: dict[str, str] = {}
    for slug, taxonomy in taxonomies.items():
        for object_type in taxonomy["object_types"]:
            first_taxonomy.setdefault(object_type, slug)
    total, posts = rules.get("posts", 0), []
    for index, slug in enumerate(slugs):
        count = total // len(slugs) + (1 if index < total % len(slugs) else 0)
        if count:
            tagged = {first_taxonomy[slug]: ["Term 0"]} if per_taxonomy and slug in first_taxonomy else {}
            posts.append({"post_type": slug, "count": count, **({"terms": tagged} if tagged else {})})
    return SiteProfile(
        name=profile.name,
        description=profile.description,
        plugins=profile.plugins,
        statuses=profile.statuses,
        post_types={**profile.post_types, **types},
        taxonomies={**profile.taxonomies, **taxonomies},
        terms={**profile.terms, **terms},
        posts=[*profile.posts, *posts],
        source=profile.source,
        admin_forms=profile.admin_forms,
    )


def term_names(terms: list[Any]) -> list[str]:
    names: list[str] = []
    for term in terms:
        names.append(term if isinstance(term, str) else term["name"])
        if isinstance(term, dict):
            names.extend(term_names(term.get("children", [])))
    return names


def check_references(profile: SiteProfile, where: str) -> None:
    """Every post type, taxonomy, status and term a profile names is one it makes, its admin forms make,
    one of its corpus plugins registers (fixtures/plugins/corpus.json), or WordPress has."""
    plugins = corpus.registrations(profile.plugins)
    forms = profile.made_by_forms()
    post_types = {*profile.post_types, *BUILTIN_POST_TYPES, *plugins["post_types"], *forms["post_types"]}
    taxonomies = {*profile.taxonomies, *BUILTIN_TAXONOMIES, *plugins["taxonomies"], *forms["taxonomies"]}
    statuses = {*profile.statuses, *BUILTIN_STATUSES, *plugins["statuses"]}
    problems = [
        f"taxonomy {slug} is on post type {t}, which the profile does not make"
        for slug, taxonomy in profile.taxonomies.items()
        for t in taxonomy["object_types"]
        if t not in post_types
    ]
    problems += [f"terms of {slug}, a taxonomy the profile does not make" for slug in profile.terms if slug not in taxonomies]
    for index, form in enumerate(profile.admin_forms):
        made = [name for names in form.get("makes", {}).values() for name in names]
        if not made:
            problems.append(f"admin_forms[{index}] ({form['page']}) says nothing of what it makes (makes: {{post_types: [...]}})")
    for index, group in enumerate(profile.posts):
        at = f"posts[{index}]"
        if group["post_type"] not in post_types:
            problems.append(f"{at}: post type {group['post_type']}, which the profile does not make")
        if group.get("status", "publish") not in statuses:
            problems.append(f"{at}: status {group['status']}, which neither the profile nor WordPress registers")
        for taxonomy, names in group.get("terms", {}).items():
            known = set(term_names(profile.terms.get(taxonomy, [])))
            problems += [f"{at}: term {name!r} of {taxonomy}, which the profile's terms do not make" for name in names if name not in known]
    if profile.post_count > MAX_POSTS:
        problems.append(f"{profile.post_count} posts, over the {MAX_POSTS} one build writes")
    if problems:
        raise SiteProfileError(f"{where}: " + "; ".join(problems[:10]))


def for_run(site: str | None) -> SiteProfile:
    """The profile --site names, or NO_SITE."""
    return load(site) if site else NO_SITE


def plugins_for_run(with_plugin: tuple[str, ...] | None, site: str | None) -> tuple[str, ...] | None:
    """The third-party plugins a run puts on its stack: --with-plugin's, then the site profile's."""
    both = (*(with_plugin or ()), *for_run(site).plugins)
    return tuple(dict.fromkeys(both)) or None


def build(wp: WordPressClient, profile: SiteProfile) -> dict[str, Any]:
    """Makes WordPress hold `profile`, with the stack's third-party plugins activated once and their first
    run passed, and every later reset return to it (NO_SITE: an empty site, with those plugins). Returns
    what was made, the pages their first run sent the administrator to (`first_run`) and what each admin
    form said (`forms`). SiteProfileError, with WordPress's words, when it cannot: bad input, not a failed check."""
    from harness.clients.wordpress import WordPressError

    try:
        made: dict[str, Any] = wp.control("POST", "/site", timeout=BUILD_TIMEOUT, **profile.body())
        _require_plugins(profile, made.get("extra_plugins", []))
        if made.get("settle"):  # the plugins are active: their first run and the admin forms, then the content and the copy
            first_run = wp.pass_first_run()
            forms = [fill(wp, form, profile) for form in profile.admin_forms]
            settled: dict[str, Any] = wp.control("POST", "/site/settle", timeout=BUILD_TIMEOUT, **profile.content())
            made = {**settled, "first_run": first_run, "forms": forms, "seconds": round(made["seconds"] + settled["seconds"], 3)}
    except WordPressError as exc:
        if profile is NO_SITE and "rest_no_route" in str(exc):  # a stack made before site profiles: it has none
            wp.reset()
            return {"site": False}
        raise SiteProfileError(f"WordPress could not build the site {profile.name} ({profile.source or 'made here'}): {exc}") from exc
    return made


def _require_plugins(profile: SiteProfile, active: list[dict[str, Any]]) -> None:
    """SiteProfileError when the stack runs none of the plugins the profile needs (a stack started without
    them): its forms would fail later with WordPress's words for something else, a 403 on an unknown admin
    page. A cell that leaves one out (corpus.for_cell) has said so already."""
    folders = {plugin["folder"] for plugin in active if plugin.get("active")}
    missing = [directory for directory in profile.plugins if Path(directory).name not in folders]
    if missing and len(missing) == len(profile.plugins):
        raise SiteProfileError(
            f"the site {profile.name} needs the plugins {', '.join(Path(d).name for d in missing)}, which this stack does not run: "
            "start it with --site naming the profile (or --with-plugin)"
        )


def fill(wp: WordPressClient, form: dict[str, Any], profile: SiteProfile) -> str:
    """One of the profile's admin forms filled in wp-admin by its administrator, as a person fills it
    (fields and checkboxes by accessible name, its button pressed); SiteProfileError when a control is
    missing or WordPress does not then list what the form makes. Returns the outcome, for the record."""
    from harness.clients import accessible
    from harness.clients.settings_page import AdminPage

    admin = wp.as_user(wp.user, wp.password)  # a session of its own: the caller's cookies and evidence are untouched
    admin.login()
    where = f"{profile.source or profile.name}: admin form on {form['page']}"
    try:
        outcome = AdminPage(admin, form["page"]).press_named(form["button"], form.get("fields", {}), form.get("tick", []))
    except accessible.ControlNotFound as exc:
        raise SiteProfileError(f"{where}: {exc}") from exc
    view = wp.state()["wordpress"]
    missing = sorted(set(form.get("makes", {}).get("post_types", [])) - set(view["post_types"]))
    missing += sorted(set(form.get("makes", {}).get("taxonomies", [])) - set(view["taxonomies"]))
    if missing:
        raise SiteProfileError(f"{where}: WordPress does not list {missing} after it ({outcome})")
    return f"{form['page']}: {outcome}"


def shipped() -> list[Path]:
    """The profiles this project ships."""
    return sorted(SITES_DIR.glob("*.yaml"))
