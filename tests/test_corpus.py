"""The corpus of real plugins (issue #35, fixtures/plugins/corpus.json): the repository holds their
manifest, never their code; each entry is GPL, pinned to a commit, and says what it does; where its
files are on this machine (IGNY8_PLUGIN_CORPUS) they are that release (name, version and requirements as
their headers say, a licence file), and where they are not a run that asks
for them says so; every cell of the matrix runs a release of each plugin or leaves it out with the
reason; and a run's stack takes the release its cell runs."""

import re
from pathlib import Path

import pytest

from harness.stack import corpus
from harness.stack.config import MATRICES, StackConfig, extra_plugin_dirs

ENTRIES = corpus.entries()
IDS = [e.path for e in ENTRIES]
OWN = ("igny8-",)  # the project's own fixture plugins are the only code under fixtures/plugins/


def files_here(entry):
    """The entry's files, or a skip saying they are not on this machine (the checks above them run anyway)."""
    if entry.missing():
        pytest.skip(entry.missing())
    return entry.dir


def header(entry, field):
    text = (entry.dir / entry.file).read_text(errors="replace")[:8192]
    found = re.search(rf"^[ \t/*#@]*{field}:\s*(.+?)\s*$", text, re.M | re.I)
    if not found and (entry.dir / "readme.txt").exists():  # WordPress 5.7 also reads readme.txt's
        found = re.search(rf"^{field}:\s*(.+?)\s*$", (entry.dir / "readme.txt").read_text(errors="replace"), re.M | re.I)
    return found.group(1) if found else None


def test_the_corpus_has_cpt_ui_bbpress_and_three_more():
    names = {e.name for e in ENTRIES}
    assert {"Custom Post Type UI", "bbPress"} <= names and len(names) >= 5


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_each_entry_is_the_files_in_the_corpus_folder(entry):
    files_here(entry)
    assert (entry.dir / entry.file).is_file(), f"{entry.path}: no {entry.file}"
    assert corpus.plugin_main_file(entry.dir) == entry.dir / entry.file, "WordPress would take another file for the plugin"
    assert header(entry, "Plugin Name") == entry.name
    assert header(entry, "Version") == entry.version
    assert header(entry, "Requires at least") == entry.requires["wordpress"]
    assert header(entry, "Requires PHP") == entry.requires["php"]
    assert entry.folder == Path(entry.path).name and "/" not in entry.folder


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_each_entry_is_gpl_pinned_to_a_commit_and_says_what_it_does(entry):
    assert entry.license.startswith("GPL-"), f"{entry.label}: {entry.license}"
    assert re.fullmatch(r"[0-9a-f]{40}", entry.source["commit"]) and "/" in entry.source["repo"] and entry.source["ref"]
    assert set(entry.registers) <= {"post_types", "taxonomies", "statuses"} and entry.changes
    files_here(entry)
    licences = [p for p in entry.dir.iterdir() if p.name.lower() in ("license", "license.txt", "licence.txt")]
    assert licences and "GNU" in licences[0].read_text(errors="replace")[:2000], f"{entry.label} ships no GPL licence file"


def test_the_repository_holds_no_third_party_plugin_code():
    """Only the manifest and the project's own fixture plugins are under fixtures/plugins/."""
    folders = [p.name for p in corpus.PLUGINS_DIR.iterdir() if p.is_dir()]
    assert folders and all(name.startswith(OWN) for name in folders), f"third-party code in fixtures/plugins/: {folders}"
    assert not [e.path for e in ENTRIES if corpus.PLUGINS_DIR in e.dir.parents], "a corpus entry's files inside the checkout"


def test_a_release_not_on_this_machine_is_named_with_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "CORPUS_DIR", tmp_path)
    entry = corpus.releases("bbPress")[0]
    assert "bbPress 2.6.9 is not on this machine" in entry.missing() and "fixtures/plugins/README.md" in entry.missing()
    with pytest.raises(ValueError, match="is not on this machine"):
        extra_plugin_dirs(["corpus:bbpress"])
    (tmp_path / "bbpress").mkdir()
    (tmp_path / "bbpress" / "bbpress.php").write_text("<?php\n/**\n * Plugin Name: bbPress\n * Version: 2.6.11\n */\n")
    assert entry.missing().endswith("holds bbPress 2.6.11, not 2.6.9 (corpus.json pins 15ddd85)")


def test_a_corpus_name_that_is_no_entry_is_refused():
    with pytest.raises(ValueError, match="corpus.json has no release at 'bbpres'.*corpus:bbpress"):
        corpus.resolve("corpus:bbpres")
    assert corpus.resolve("corpus:older/co-authors-plus") == str(corpus.CORPUS_DIR / "older" / "co-authors-plus")


@pytest.mark.parametrize("cell", MATRICES["all"], ids=lambda c: c.name)
def test_every_cell_runs_a_release_of_each_plugin_or_says_why_not(cell):
    newest = {e.name: corpus.releases(e.name)[0] for e in ENTRIES}
    kept, notes = corpus.for_cell([str(e.dir) for e in newest.values()], cell.wordpress, cell.php, cell.name)
    ran = {corpus.by_dir(d).name: corpus.by_dir(d) for d in kept}
    for name in newest:
        if name in ran:
            assert not ran[name].why_not(cell.wordpress, cell.php, cell.name)
        else:
            assert any(n.startswith(f"{name}: NOT APPLICABLE") and "requires" in n for n in notes), notes


def test_the_newest_cell_runs_the_newest_releases_and_the_oldest_the_older_ones():
    newest = [str(corpus.releases(name)[0].dir) for name in sorted({e.name for e in ENTRIES})]
    assert corpus.for_cell(newest, "7.1", "8.4") == (tuple(newest), [])
    kept, notes = corpus.for_cell(newest, "5.7", "7.4")
    assert {(corpus.by_dir(d).name, corpus.by_dir(d).version) for d in kept} == {
        ("bbPress", "2.6.9"),
        ("Custom Post Type UI", "1.10.2"),
        ("Co-Authors Plus", "3.6.0"),
    }
    assert sum("NOT APPLICABLE" in n for n in notes) == 2 and sum("instead" in n for n in notes) == 2


def test_a_stack_takes_the_release_its_cell_runs_and_keeps_a_plugin_from_elsewhere():
    for path in ("custom-post-type-ui", "older/custom-post-type-ui"):
        files_here(next(e for e in ENTRIES if e.path == path))
    example = str(corpus.PLUGINS_DIR / "igny8-example-site")
    config = StackConfig(wordpress="5.7", extra_plugins=("corpus:custom-post-type-ui", example, "corpus:contact-form-7"))
    assert config.extra_plugins == (str(corpus.CORPUS_DIR / "older" / "custom-post-type-ui"), example)
    assert StackConfig(extra_plugins=("corpus:custom-post-type-ui",)).extra_plugins == (str(corpus.CORPUS_DIR / "custom-post-type-ui"),)


def test_a_plugin_is_found_by_its_name_and_version():
    assert corpus.find("bbPress", "2.6.9").dir == corpus.CORPUS_DIR / "bbpress"
    assert corpus.find("custom post type ui", "1.10.2").dir == corpus.CORPUS_DIR / "older" / "custom-post-type-ui"
    assert corpus.own_fixture("IGNY8 noisy admin", "1.0.0").name == "igny8-noisy-admin"  # the project's own fixtures too
    assert corpus.find("bbPress", "2.6.11") is None and corpus.find("Acme forums", "1.0") is None
    assert corpus.own_fixture("IGNY8 noisy admin", "0.9") is None
