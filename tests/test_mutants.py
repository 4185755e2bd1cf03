"""Every mutant still applies to the reference it breaks, and names requirements the spec has."""

import shutil

import pytest

from harness import mutants

ALL = mutants.load_all()


@pytest.mark.parametrize("mutant", ALL, ids=[m.name for m in ALL])
def test_each_mutant_applies_exactly_once_to_its_reference(mutant, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(mutants.REFERENCE[mutant.side], copy, ignore=shutil.ignore_patterns("__pycache__"))
    mutant.apply(copy)
    changed = [e["file"] for e in mutant.replace if e["new"] in (copy / e["file"]).read_text()]
    assert changed == [e["file"] for e in mutant.replace]


def test_a_stale_mutant_is_refused(tmp_path):
    stale = mutants.Mutant("stale", "plugin", "d", ["CONN-2"], [{"file": "igny8-wp-plugin.php", "old": "no such text", "new": "x"}])
    shutil.copytree(mutants.REFERENCE["plugin"], tmp_path / "p")
    with pytest.raises(mutants.MutantError, match="0 times, not once"):
        stale.apply(tmp_path / "p")


def test_there_are_mutants_of_both_sides():
    assert {m.side for m in ALL} == {"plugin", "backend"}
