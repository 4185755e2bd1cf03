"""Site profiles of real plugins and field reports from sites that run them (issue #35): a forum run by
bbPress, user-defined types made through Custom Post Type UI's screens, a busy site with every corpus
plugin; a profile may name what its corpus plugins register; a site is set up as an administrator sets
one up (plugins activated once, first run passed, forms filled, then the content and the copy); and a
diagnostics export's plugins are matched by name and version, the ones not found named as missing."""

import json
import unicodedata

import pytest
import yaml

from harness.generate import sites
from harness.repro import field_report, repro
from harness.stack import corpus
from harness.stack.config import ROOT

BUSY_EXPORT = ROOT / "fixtures" / "field-reports" / "busy-diagnostics.json"


def load(name):
    return sites.load(sites.SITES_DIR / f"{name}.yaml")


def scripts(text):
    return {unicodedata.name(c).split()[0] for c in text if c.isalpha()}


def test_the_bbpress_forum_fills_what_bbpress_registers():
    forum = load("bbpress")
    assert [corpus.by_dir(d).name for d in forum.plugins] == ["bbPress"]
    assert not forum.post_types and not forum.statuses, "bbPress registers them: the profile only fills them"
    filled = {(g["post_type"], g.get("status", "publish")) for g in forum.posts}
    assert {("topic", "closed"), ("topic", "spam"), ("forum", "hidden"), ("reply", "publish")} <= filled
    assert "topic-tag" in forum.terms


def test_cpt_ui_types_are_made_through_its_screens_with_20_character_slugs_and_labels_in_several_scripts():
    cptui = load("cptui")
    made = cptui.made_by_forms()
    assert made["post_types"] and made["taxonomies"]
    assert all(len(slug) == 20 for kind in made.values() for slug in kind)
    labels = [form["fields"]["Plural Label"] for form in cptui.admin_forms]
    assert len(set().union(*(scripts(label) for label in labels))) >= 4, f"labels in too few scripts: {labels}"
    assert all(form["page"].startswith("admin.php?page=cptui_") for form in cptui.admin_forms)
    assert {g["post_type"] for g in cptui.posts} >= made["post_types"]


def test_the_busy_site_runs_every_corpus_plugin_and_a_noisy_admin():
    busy = load("busy")
    names = {corpus.by_dir(d).name for d in busy.plugins if corpus.by_dir(d)}
    assert names == {e.name for e in corpus.entries()}
    assert any(d.endswith("igny8-noisy-admin") for d in busy.plugins)
    assert all(corpus.by_dir(d) is None or corpus.releases(corpus.by_dir(d).name)[0] == corpus.by_dir(d) for d in busy.plugins), "the newest releases"


def written(tmp_path, doc):
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return path


def test_a_profile_may_fill_what_its_corpus_plugins_register_and_nothing_else(tmp_path):
    doc = {"name": "jobs", "plugins": ["corpus:wp-job-manager"], "posts": [{"post_type": "job_listing", "count": 2, "status": "expired"}]}
    assert sites.load(written(tmp_path, doc)).post_count == 2
    doc["plugins"] = ["corpus:bbpress"]
    with pytest.raises(sites.SiteProfileError, match="post type job_listing, which the profile does not make.*status expired"):
        sites.load(written(tmp_path, doc))


def test_an_admin_form_says_what_it_makes(tmp_path):
    form = {"page": "admin.php?page=cptui_manage_post_types", "fields": {"Post Type Slug": "x"}, "button": "Add Post Type"}
    with pytest.raises(sites.SiteProfileError, match="makes"):
        sites.load(written(tmp_path, {"name": "f", "admin_forms": [form]}))
    form["makes"] = {"post_types": ["a" * 21]}
    with pytest.raises(sites.SiteProfileError, match="admin_forms"):
        sites.load(written(tmp_path, {"name": "f", "admin_forms": [form]}))


class Site:
    """A stand-in for WordPressClient that records what the set-up asks of WordPress, in order."""

    def __init__(self, active=("custom-post-type-ui",)):
        self.calls = []
        self.active = active  # the folders of the third-party plugins the stack runs

    def control(self, method, route, timeout=None, **body):
        self.calls.append(route)
        if route == "/site":
            return {"settle": True, "seconds": 0.1, "extra_plugins": [{"folder": f, "active": True} for f in self.active]}
        return {"site": True, "posts": 3, "seconds": 0.2}

    def pass_first_run(self):
        self.calls.append("first run")
        return ["index.php?page=bbp-about"]


def test_a_site_is_set_up_as_an_administrator_sets_one_up(monkeypatch):
    wp = Site()
    monkeypatch.setattr(sites, "fill", lambda wp, form, profile: wp.calls.append(f"form {form['page']}") or "done")
    made = sites.build(wp, load("cptui"))
    assert wp.calls[:2] == ["/site", "first run"] and wp.calls[-1] == "/site/settle"
    assert [c for c in wp.calls if c.startswith("form")] == [f"form {f['page']}" for f in load("cptui").admin_forms]
    assert made["first_run"] == ["index.php?page=bbp-about"] and made["seconds"] == 0.3


def test_a_site_built_on_a_stack_without_its_plugins_is_refused_naming_them():
    wp = Site(active=())
    with pytest.raises(sites.SiteProfileError, match="needs the plugins custom-post-type-ui, which this stack does not run"):
        sites.build(wp, load("cptui"))
    assert wp.calls == ["/site"], "no admin form is filled on a stack without the plugin that makes its page"


# ---- field reports from sites that run real plugins ----------------------------------------------


def corpus_here():
    """Every corpus release's files on this machine, or a skip naming the first that is not."""
    absent = [e.missing() for e in corpus.entries() if e.missing()]
    if absent:
        pytest.skip(absent[0])


def where(name, version):
    """The folder a plugin of that name and version runs from: the corpus's, or the project's own fixture."""
    entry = corpus.find(name, version)
    return str(entry.dir if entry else corpus.own_fixture(name, version))


def test_the_busy_sites_export_is_rebuilt_with_the_same_plugins():
    corpus_here()
    report = field_report.read(BUSY_EXPORT, "diagnostics")
    plugins = field_report.site_plugins(report)
    others = [p for p in report.active_plugins if not p["file"].startswith("igny8-wp-plugin/")]
    assert plugins.missing == [] and len(plugins.dirs) == len(others) == 6
    assert {where(p["name"], p["version"]) for p in others} == set(plugins.dirs)


def test_a_plugin_not_in_the_corpus_or_in_another_version_is_named_missing(tmp_path, capsys):
    corpus_here()
    doc = json.loads(BUSY_EXPORT.read_text())
    doc["active_plugins"] += [{"file": "acme-forms/acme-forms.php", "name": "Acme Forms", "version": "3.2"}]
    for plugin in doc["active_plugins"]:
        if plugin["name"] == "bbPress":
            plugin["version"] = "2.6.11"
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc))
    plugins = field_report.site_plugins(field_report.read(path, "diagnostics"))
    assert plugins.missing == [
        "bbPress 2.6.11 (bbpress/bbpress.php): the corpus holds bbPress 2.6.9 only",
        "Acme Forms 3.2 (acme-forms/acme-forms.php): not in the corpus (fixtures/plugins/corpus.json)",
    ]
    made = repro.from_field_report(str(path), "diagnostics", 500)
    said = capsys.readouterr().err
    assert "MISSING: Acme Forms 3.2" in said and "MISSING: bbPress 2.6.11" in said
    assert [corpus.by_dir(p["dir"]).name for p in made["system"]["extra_plugins"] if corpus.by_dir(p["dir"])] == [
        "Co-Authors Plus",
        "Contact Form 7",
        "Custom Post Type UI",
        "WP Job Manager",
    ]
    assert repro.wanted_from(made).extra_plugins == tuple(p["dir"] for p in made["system"]["extra_plugins"])
    assert made["missing_plugins"] == plugins.missing


def test_a_corpus_plugin_whose_files_are_not_on_this_machine_is_named_missing_with_where_to_put_them(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(corpus, "CORPUS_DIR", tmp_path)  # an empty corpus folder: a machine that has none
    made = repro.from_field_report(str(BUSY_EXPORT), "diagnostics", 500)
    said = capsys.readouterr().err
    assert [p["dir"] for p in made["system"]["extra_plugins"]] == [str(corpus.PLUGINS_DIR / "igny8-noisy-admin")]
    assert len(made["missing_plugins"]) == 5 and all("is not on this machine" in m for m in made["missing_plugins"])
    assert said.count("MISSING: ") == 5 and "fixtures/plugins/README.md" in said
