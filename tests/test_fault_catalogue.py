"""The fault catalogue names each fault once, for a requirement the spec has; the set checker's
verdict is empty lists or nothing."""

from harness.judge.agreement import Agreement
from harness.judge.fault_catalogue import CATALOGUE
from harness.spec import spec

ISSUE_FAULTS = {
    "backend 5xx", "slow within the timeout", "slow past the timeout", "backend restart mid-sync", "PostgreSQL restart",
    "partition", "DNS failure", "TLS handshake failure", "429 with Retry-After",
}  # fmt: skip


def test_every_fault_the_issue_names_is_in_the_catalogue_once():
    assert {f.name for f in CATALOGUE.values()} == ISSUE_FAULTS
    assert all(slug == f.slug for slug, f in CATALOGUE.items())


def test_every_fault_serves_a_requirement_of_the_spec():
    known = spec.requirements()
    assert not [f.name for f in CATALOGUE.values() if f.requirement not in known]


def test_agreement_is_reached_only_with_nothing_lost_unexpected_or_stale():
    assert Agreement().agreed and str(Agreement()) == "agreed"
    for broken in (Agreement(lost=[3]), Agreement(unexpected=[4]), Agreement(stale=["post_types.post.count: WordPress 2, backend 1"])):
        assert not broken.agreed
        assert sum(broken.summary().values()) == 1
    assert "lost 1" in str(Agreement(lost=[3]))
