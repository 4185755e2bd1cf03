"""Reproducing a field report (issue #10): `igny8 repro --from-structure` and `--from-diagnostics`
read what support can get hold of, refuse a bad file with the problem named and no stack started,
and turn a structure into a site of the same shape, posts made up to the cap."""

import copy
import json

import pytest

from harness import cli
from harness.repro import field_report, repro
from harness.repro.field_report import FieldReportError
from harness.stack.config import ROOT

FORUM = ROOT / "fixtures" / "field-reports" / "forum-config.json"
DIAGNOSTICS = ROOT / "fixtures" / "field-reports" / "forum-diagnostics.json"


def structure():
    return copy.deepcopy(json.loads(FORUM.read_text())["content_types"])


def written(tmp_path, doc, name="report.json"):
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


# ---- what each kind of file gives ----------------------------------------------------------------


def test_a_backend_config_json_and_a_bare_payload_give_the_same_structure(tmp_path):
    from_config = field_report.read(FORUM, "structure")
    bare = field_report.read(written(tmp_path, structure()), "structure")
    assert (from_config.kind, bare.kind) == ("config_json", "structure")
    assert from_config.structure == bare.structure


def test_the_site_has_the_structures_keys_labels_flags_and_counts():
    report = field_report.read(FORUM, "structure")
    site, notes = field_report.site_from(report)
    assert notes == []
    assert set(site["post_types"]) == set(report.structure["post_types"])
    assert site["post_types"]["bbp_moderation"] == {"label": "Moderation <em>queue</em>", "public": False, "show_ui": True, "hierarchical": False}
    assert {g["post_type"]: g["count"] for g in site["posts"]} == {s: e["count"] for s, e in report.structure["post_types"].items() if e["count"]}
    assert site["taxonomies"]["topic-tag"]["object_types"] == ["topic"]
    assert len(site["terms"]["topic-tag"]) == 25 and "post_tag" not in site["terms"]


def test_posts_are_made_up_to_the_cap_and_the_cap_is_said():
    site, notes = field_report.site_from(field_report.read(FORUM, "structure"), max_posts=100)
    assert sum(g["count"] for g in site["posts"]) == 100
    assert any("of its 900 posts made" in n or "of its 140 posts made" in n for n in notes)


def test_terms_share_the_cap_with_posts_and_the_cap_is_said():
    site, notes = field_report.site_from(field_report.read(FORUM, "structure"), max_posts=1065)  # the posts, and no more
    assert sum(g["count"] for g in site["posts"]) == 1065 and site["terms"] == {}
    assert any("topic-tag: 0 of its 25 terms made" in n for n in notes)


def test_a_repro_document_is_the_site_sync_check():
    doc = repro.from_field_report(str(FORUM), "structure", 5000)
    assert doc["kind"] == "site-sync" and doc["example"]["posts"]
    assert repro.wanted_from(doc).wordpress is None  # no versions in a structure: the default cell


# ---- bad files: refused, the problem named -------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("not json {", "not a readable JSON file"),
        ("[1, 2]", "a JSON list, not an object"),
        ({"hello": "world"}, "not a structure payload"),
        ({**structure(), "colour": "blue"}, "unknown key 'colour'"),
        ({**structure(), "post_types": {"post": {"label": "Posts", "count": 1, "shape": "round"}}}, "post_types.post: unknown key 'shape'"),
        ({**structure(), "post_types": {"post": {"label": "Posts", "count": -3}}}, "post_types.post.count is -3"),
        ({**structure(), "post_types": {"post": {"count": 1}}}, "post_types.post: no label"),
        ({**structure(), "taxonomies": []}, "taxonomies is a list"),
        ({**structure(), "post_types": {f"t{i}": {"label": "T", "count": 0} for i in range(5001)}}, "5001 post_types, over the cap of 5000"),
        ({"content_types": {"post_types": {}}}, "content_types: not a structure payload"),
        ({**structure(), "taxonomies": {"ü" * 17: {"label": "T", "count": 0, "object_types": []}}}, "WordPress holds 1 to 32 bytes"),
        ({**structure(), "post_types": {"a" * 21: {"label": "T", "count": 0}}}, "WordPress holds 1 to 20 bytes"),
        ({**structure(), "taxonomies": {"a\x00b": {"label": "T", "count": 0}}}, "without U+0000"),
        ({**structure(), "post_types": {"post": {"label": 7, "count": 0}}}, "post_types.post.label is 7, not text"),
        ({**structure(), "taxonomies": {"tag": {"label": "T", "count": 0, "object_types": "post"}}}, "not a list of names"),
        ({**structure(), "post_types": {"post": {"label": "P", "count": 0, "public": "yes"}}}, "public is 'yes', not true or false"),
        ({"format": "igny8-diagnostics/1"}, "use --from-diagnostics"),
    ],
)
def test_a_bad_structure_file_is_refused_with_the_problem_named(tmp_path, content, named):
    with pytest.raises(FieldReportError) as refused:
        field_report.read(written(tmp_path, content), "structure")
    assert named in str(refused.value)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(FieldReportError, match="not a readable JSON file"):
        field_report.read(tmp_path / "missing.json", "structure")


def test_the_command_refuses_a_bad_file_before_any_stack(tmp_path, monkeypatch):
    def no_engine() -> None:
        raise AssertionError("a stack was started for a bad file")

    monkeypatch.setattr("harness.stack.engine.ensure_engine", no_engine)
    bad = written(tmp_path, {"hello": "world"})
    with pytest.raises(SystemExit) as stopped:
        cli.main(["repro", "--from-structure", str(bad)])
    assert "not a structure payload" in str(stopped.value.code)


def test_the_command_takes_one_source(tmp_path):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["repro", "--from-structure", str(FORUM), "--from-diagnostics", str(FORUM)])
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["repro"])
    args = cli.build_parser().parse_args(["repro", "--from-structure", str(FORUM), "--plugin", "/tmp/p", "--wp", "6.8", "--max-posts", "10"])
    assert (args.from_structure, args.max_posts) == (str(FORUM), 10)


# ---- diagnostics exports -------------------------------------------------------------------------


def diagnostics():
    return copy.deepcopy(json.loads(DIAGNOSTICS.read_text()))


def test_a_diagnostics_export_gives_its_structure_versions_plugins_and_log():
    report = field_report.read(DIAGNOSTICS, "diagnostics")
    assert report.kind == "diagnostics" and report.structure == diagnostics()["structure"]
    assert report.versions["wordpress"].startswith("7.1") and any(p["name"] == "bbPress" for p in report.active_plugins)
    assert any("[IGNY8]" in line for line in report.log)


def test_the_customers_wordpress_and_php_are_used_where_the_matrix_has_them(tmp_path):
    assert field_report.wanted_versions(field_report.read(DIAGNOSTICS, "diagnostics"))[:2] == ("7.1", "8.4")
    old = {**diagnostics(), "versions": {"wordpress": "5.7.11", "php": "7.4.33", "plugin": "1.0.0"}}
    assert field_report.wanted_versions(field_report.read(written(tmp_path, old), "diagnostics")) == ("5.7", "7.4", [])
    unknown = {**diagnostics(), "versions": {"wordpress": "6.5.2", "php": "8.3.1", "plugin": "1.0.0"}}
    wordpress, php, notes = field_report.wanted_versions(field_report.read(written(tmp_path, unknown), "diagnostics"))
    assert (wordpress, php) == (None, None) and "6.5.2 is not in the matrix" in notes[0]
    doc = repro.from_field_report(str(DIAGNOSTICS), "diagnostics", 5000)
    assert (repro.wanted_from(doc).wordpress, repro.wanted_from(doc).php) == ("7.1", "8.4")


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (lambda d: d.update(format="igny8-diagnostics/9"), "not a diagnostics export"),
        (lambda d: d.update(structure=None), "hold no structure"),
        (lambda d: d.pop("versions"), "'versions' is a required property"),
        (lambda d: d["settings"].update(api_key="igny8_abcdefgh"), "$.settings.api_key"),
        (lambda d: d["structure"]["post_types"].update(post={"label": "Posts", "count": "many"}), "post_types.post.count is 'many'"),
    ],
    ids=["another format", "no structure yet", "no versions", "a key in it", "a count that is none"],
)
def test_a_bad_diagnostics_file_is_refused_with_the_problem_named(tmp_path, edit, named):
    doc = diagnostics()
    edit(doc)
    with pytest.raises(FieldReportError) as refused:
        field_report.read(written(tmp_path, doc), "diagnostics")
    assert named in str(refused.value)


def test_a_structure_given_as_diagnostics_is_refused():
    with pytest.raises(FieldReportError, match="not a diagnostics export"):
        field_report.read(FORUM, "diagnostics")
