"""Site profiles (fixtures/sites/, issue #10): every shipped profile loads and names only what it
makes; the large one is made by rule; bad files are refused with the place named, before any stack;
--site reaches the run, the stack's plugins and the report."""

import pytest
import yaml

from harness import cli
from harness.generate import sites
from harness.outputs import report_html
from harness.runs import results
from harness.runs.options import RunOptions

SHIPPED = {p.stem for p in sites.shipped()}


def test_the_five_shapes_are_shipped():
    assert {"blog", "forum", "shop", "docs", "large"} <= SHIPPED


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_each_shipped_profile_loads(name):
    profile = sites.load(sites.SITES_DIR / f"{name}.yaml")
    assert profile.name == name
    assert profile.post_count > 0


def test_the_shapes_hold_what_they_are_for():
    forum, shop, docs = (sites.load(sites.SITES_DIR / f"{n}.yaml") for n in ("forum", "shop", "docs"))
    assert any(s["public"] for s in forum.statuses.values()) and any(g.get("status") == "closed" for g in forum.posts)
    assert any(k != k.lower() for k in shop.taxonomies) and any(not k.isascii() for k in shop.taxonomies)
    assert any(not t.get("public", True) and t.get("show_ui") for t in shop.post_types.values())

    def depth(terms, level=1):
        return max((depth(t.get("children", []), level + 1) if isinstance(t, dict) else level for t in terms), default=level - 1)

    assert depth(docs.terms["doc_section"]) >= 6


def test_the_large_profile_is_made_by_rule():
    text = (sites.SITES_DIR / "large.yaml").read_text()
    assert len(text) < 2000, "the large profile is a rule, not a huge file"
    large = sites.load(sites.SITES_DIR / "large.yaml")
    assert len(large.post_types) + len(large.taxonomies) >= 1000
    assert large.post_count >= 20000
    assert sum(g["count"] for g in large.posts) == yaml.safe_load(text)["generate"]["posts"]
    assert all(set(t["object_types"]) <= set(large.post_types) for t in large.taxonomies.values())


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("name: x\npost_types: [a, b]\n", "$.post_types"),
        ("name: x\nposts: [{post_type: nope, count: 2}]\n", "post type nope"),
        ("name: x\nposts: [{post_type: post, count: 2, status: closed}]\n", "status closed"),
        ("name: x\nposts: [{post_type: post, count: 2, terms: {category: [Missing]}}]\n", "term 'Missing'"),
        ("name: x\ntaxonomies: {t: {label: T, object_types: [ghost]}}\n", "post type ghost"),
        ("name: x\nterms: {ghost: [a]}\n", "terms of ghost"),
        ("name: x\ncolour: blue\n", "colour"),
        ("name: x\ngenerate: {posts: 900000}\n", "$.generate.posts"),
        ("description: no name\n", "'name' is a required property"),
        ("name: [unclosed\n", "not a readable YAML"),
        ("name: x\nplugins: [no-such-dir]\n", "does not exist"),
    ],
)
def test_a_bad_profile_is_refused_with_the_place_named(tmp_path, content, named):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(sites.SiteProfileError) as refused:
        sites.load(path)
    assert named in str(refused.value) and str(path) in str(refused.value)


def test_a_missing_profile_is_refused():
    with pytest.raises(sites.SiteProfileError, match="not a readable YAML"):
        sites.load("/nonexistent/site.yaml")


def test_a_bad_profile_stops_the_run_before_any_stack(pytester, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nposts: [{post_type: nope, count: 1}]\n")
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess(f"--igny8-site={bad}", "-p", "no:cacheprovider", "-p", "no:django")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "post type nope" in result.stderr.str()


def test_the_site_option_reaches_run_and_up():
    for command in ("run", "up"):
        args, _ = cli.build_parser().parse_known_args([command, "--site", "fixtures/sites/forum.yaml"])
        assert RunOptions.from_args(args)["site"] == "fixtures/sites/forum.yaml"


def test_a_profiles_plugins_join_the_runs(tmp_path):
    plugin = tmp_path / "acme"
    plugin.mkdir()
    profile = tmp_path / "site.yaml"
    profile.write_text("name: with-plugin\nplugins: [acme]\n")
    assert sites.plugins_for_run(("/elsewhere",), str(profile)) == ("/elsewhere", str(plugin))
    assert sites.plugins_for_run(None, None) is None


def test_the_body_is_what_the_control_route_takes():
    body = sites.load(sites.SITES_DIR / "forum.yaml").body()
    assert set(body) == {"statuses", "post_types", "taxonomies", "terms", "posts"}
    assert sites.NO_SITE.body() == {"statuses": {}, "post_types": {}, "taxonomies": {}, "terms": {}, "posts": []}


def test_the_report_names_the_site(tmp_path):
    run = {"id": "run1", "started": "2026-01-01T00:00:00+00:00", "finished": "2026-01-01T00:01:00+00:00", "wall_seconds": 60, "options": {}}
    run["system"] = {
        "plugin": {"name": "IGNY8", "version": "1.0.0"},
        "site": {"name": "forum", "file": "fixtures/sites/forum.yaml", "summary": "site forum: 3 post types"},
    }
    doc = results.document(run, [results.TestResult("scenarios/t.py::test_p", "test_p", ["CONN-1"], status=results.PASS)])
    report_html.OUTPUT.write(doc, tmp_path, RunOptions())
    html = (tmp_path / "report.html").read_text()
    assert 'data-testid="site-profile"' in html and "site forum: 3 post types" in html
    del run["system"]["site"]
    report_html.OUTPUT.write(results.document(run, []), tmp_path, RunOptions())
    assert "site-profile" not in (tmp_path / "report.html").read_text()
