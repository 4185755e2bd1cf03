"""Every mutant still applies to the reference it breaks, and names requirements the spec has."""

import shutil

import pytest

from harness.selftest import mutants
from harness.spec import spec

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


# The states the suite must cover (issue: every requirement checked in more than one state); each is
# broken by at least one mutant, so that the self-test proves the suite notices a bug in it.
STATES = {
    "another tenant", "not connected", "connected", "disconnected", "inactive", "key revoked",
    "a missing or wrong key", "the key anywhere but the Authorization header", "a request without a nonce",
    "a WordPress user without the capability", "a logged-out visitor", "the tab, anonymously", "the tab, as another account's user",
    "a certificate from another CA", "an expired certificate", "plain http", "timestamps over repeated syncs",
    "labels with markup", "long multibyte labels", "labels with control characters", "keys at WordPress's limits", "scale",
    "synced counts that change", "throttled",
}  # fmt: skip


def test_there_are_at_least_forty_mutants():
    assert len(ALL) >= 40, f"only {len(ALL)} mutants"


def test_every_must_requirement_is_broken_by_a_mutant():
    named = {rid for m in ALL for rid in m.kills}
    unbroken = [r.id for r in spec.requirements().values() if r.level == "MUST" and r.id not in named]
    assert not unbroken, f"no mutant breaks these MUST requirements: {unbroken}"


def test_every_state_is_broken_by_a_mutant():
    named = {state for m in ALL for state in m.states}
    assert named <= STATES, f"mutants name states the suite does not know: {sorted(named - STATES)}"
    assert not STATES - named, f"no mutant breaks these states: {sorted(STATES - named)}"


def test_the_covering_sample_breaks_everything_the_whole_set_breaks_with_fewer_mutants():
    sample = mutants.covering(ALL)
    assert {(m.side, rid) for m in sample for rid in m.kills} == {(m.side, rid) for m in ALL for rid in m.kills}
    assert {s for m in sample for s in m.states} == {s for m in ALL for s in m.states}
    assert 40 <= len(sample) < len(ALL), f"{len(sample)} of {len(ALL)} mutants"
    assert [m.name for m in sample] == [m.name for m in ALL if m in sample], "the sample keeps the set's order"


def test_every_mutant_of_the_covering_sample_breaks_something_no_other_picked_one_does():
    """Greedy, but never wasteful: each mutant picked breaks something no other picked one does."""
    sample = mutants.covering(ALL)
    for m in sample:
        others = set().union(*(mutants._breaks(o) for o in sample if o is not m))
        assert mutants._breaks(m) - others, f"{m.name} adds nothing to the sample"
