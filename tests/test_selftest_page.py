"""The self-test's page (harness/outputs/selftest_html.py): its headline is the self-test's own verdict,
its mutants are listed survivors first with links to their runs, requirement x mutant shows what each
requirement's tests caught, and it stays small. From a recorded self-test folder
(tests/fixtures/selftest/: selftest.json, the reference's results.json and each mutant run's), no Docker.

The fixture is a fast-mode hunt of five mutants: hsts-for-a-day could not be tested (its run ran the
reference backend), inactive-integration-accepted and counts-off-by-one were killed on target,
throttle-off survived with no collateral, and no-sync-on-connect survived while CONN-3 and LOG-1 failed."""

import fnmatch
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from harness.outputs import selftest_html
from harness.outputs.selftest_html import CAUGHT, COLLATERAL, MISSED, NOT_REACHED, UNTOUCHED, page_data
from harness.selftest import mutants as mutants_module
from harness.spec import spec

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "selftest"
CI = Path(__file__).resolve().parent.parent / "ci"


@pytest.fixture
def recorded(tmp_path):
    """A copy of the recorded self-test folder, as reports/<id>-selftest/ would hold it."""
    out = tmp_path / "20261208-020000-selftest"
    shutil.copytree(FIXTURE, out)
    return out


def _page(out):
    return BeautifulSoup(selftest_html.write_page(out).read_text(), "html.parser")


def _text(tag):
    return " ".join(tag.get_text(" ").split())


def test_a_survivor_is_named_in_red_in_the_first_line(recorded):
    page = _page(recorded)
    h1 = page.body.find(True).find("h1")  # the header's first line
    assert h1 is page.find("h1") and h1["data-testid"] == "headline"
    verdict = h1.select_one('[data-testid="verdict"]')
    assert "FAIL" in verdict["class"], "red: the stylesheet's .verdict.FAIL"
    assert _text(verdict) == "2 of 5 mutants SURVIVED, 1 could not be tested"
    assert _text(h1.select_one('[data-testid="kill-rate"]')) == "— killed on target 2/5 (40 %)"
    survivors = h1.select_one('[data-testid="survivors"]')
    assert [a.text for a in survivors.find_all("a")] == ["throttle-off", "no-sync-on-connect", "hsts-for-a-day"]
    assert all(page.find(id=a["href"][1:]) for a in survivors.find_all("a")), "each name links to its row"
    assert _text(page.select_one('[data-testid="exit-status"]')) == "exit status 1"
    text = page.get_text(" ")
    for words in ("SURVIVED", "killed on target", "ollateral"):
        assert words in text
    assert "PASS" not in _text(h1), "the reference's verdict is not the page's headline"


def test_the_mutants_survivors_first_with_what_failed_and_links_to_their_runs(recorded):
    page = _page(recorded)
    rows = page.select('[data-testid="mutants"] tbody tr')
    assert [(r["data-mutant"], r["data-verdict"]) for r in rows] == [
        ("throttle-off", "SURVIVED"),
        ("no-sync-on-connect", "SURVIVED"),
        ("hsts-for-a-day", "could not be tested"),
        ("inactive-integration-accepted", "killed"),
        ("counts-off-by-one", "killed"),
    ]
    by_name = {r["data-mutant"]: r for r in rows}
    assert _text(by_name["no-sync-on-connect"].select_one('[data-testid="collateral"]')) == "CONN-3, LOG-1"
    assert _text(by_name["throttle-off"].select_one('[data-testid="collateral"]')) == "none"
    assert _text(by_name["counts-off-by-one"].select_one('[data-testid="collateral"]')) == "not measured", "fast mode: None"
    assert _text(by_name["inactive-integration-accepted"].select_one('[data-testid="on-target"]')) == "SEC-1"
    assert "its stack ran" in _text(by_name["hsts-for-a-day"]) and "could not be tested" in _text(by_name["hsts-for-a-day"])

    links = [a["href"] for a in by_name["no-sync-on-connect"].select('[data-testid="runs"] a')]
    assert links == ["no-sync-on-connect-on-target/report.html", "no-sync-on-connect/report.html"]
    assert all((recorded / link).parent.joinpath("results.json").exists() for link in links), "relative to the page's folder"
    assert by_name["hsts-for-a-day"].select('[data-testid="runs"] a') == []


def test_the_reference_is_one_link_with_its_verdict(recorded):
    page = _page(recorded)
    reference = page.select_one('[data-testid="reference"]')
    (link,) = reference.find_all("a")
    assert link["href"] == "reference/report.html" and "PASS" in _text(reference)
    assert len(page.find_all(href=re.compile(r"(^|/)reference/report\.html$"))) == 1


def test_requirement_by_mutant_in_spec_order_as_data(recorded):
    doc = json.loads((recorded / "selftest.json").read_text())
    data = page_data(doc, recorded / "reference", selftest_html._run_docs(doc, recorded), page_dir=recorded, out=recorded)
    rows = {r["id"]: r for r in data["matrix"]}
    assert [r["id"] for r in data["matrix"]] == list(spec.requirements()), "every requirement, in spec order"
    states = {rid: rows[rid]["state"] for rid in ("STRUCT-3", "SEC-1", "CONN-2", "OPS-4", "CONN-3", "LOG-1", "CONN-1", "SEC-11", "CONN-4")}
    assert states == {
        "STRUCT-3": CAUGHT,
        "SEC-1": CAUGHT,
        "CONN-2": MISSED,  # named by a survivor, its tests passed against it
        "OPS-4": MISSED,
        "CONN-3": COLLATERAL,  # no mutant names it: caught only through another's failures
        "LOG-1": COLLATERAL,
        "CONN-1": NOT_REACHED,  # its mutant was killed on SEC-1 first: fast mode stopped there
        "SEC-11": NOT_REACHED,  # its mutant could not be tested
        "CONN-4": UNTOUCHED,  # no mutant of this hunt breaks it
    }
    assert rows["STRUCT-3"]["caught"] == ["counts-off-by-one"]
    assert rows["CONN-2"]["named"] == [{"name": "no-sync-on-connect", "status": "PASS"}]
    assert rows["CONN-1"]["named"] == [{"name": "inactive-integration-accepted", "status": "NOT RUN"}]
    assert rows["CONN-3"]["collateral"] == ["no-sync-on-connect"]
    assert (data["killed"], data["total"], data["exit_status"], data["collateral_measured"]) == (2, 5, 1, 2)
    assert data["reference"]["verdict"] == "PASS" and data["reference"]["href"] == "reference/report.html"

    page = _page(recorded)
    assert page.select_one('[data-testid="matrix"] tr[data-requirement="CONN-3"]')["data-state"] == COLLATERAL
    assert page.select_one('[data-testid="matrix"] tr[data-requirement="CONN-4"]')["data-state"] == UNTOUCHED


def test_every_mutant_killed_says_so_with_the_kill_rate(recorded):
    doc = json.loads((recorded / "selftest.json").read_text())
    doc["mutants"] = [m for m in doc["mutants"] if m["killed"]]
    doc.update(kill_rate=1.0, exit_status=0)
    (recorded / "selftest.json").write_text(json.dumps(doc))
    page = _page(recorded)
    h1 = page.find("h1")
    verdict = h1.select_one('[data-testid="verdict"]')
    assert _text(verdict) == "every mutant killed on target, 2/2 (100 %)" and "PASS" in verdict["class"]
    assert h1.select_one('[data-testid="survivors"]') is None and "SURVIVED" not in _text(h1)
    assert _text(page.select_one('[data-testid="exit-status"]')) == "exit status 0"


def test_only_untested_mutants_still_fail_the_headline():
    row = {"mutant": "a", "side": "plugin", "kills": ["STRUCT-3"], "on_target": [], "collateral": None, "runs": [], "error": "boom", "killed": False}
    doc = {"mutants": [row]}
    head = page_data(doc, None)["headline"]
    assert head == {"verdict": "1 of 1 mutants could not be tested", "detail": "killed on target 0/1 (0 %)", "class": "FAIL"}


def _synthetic(out, count=60, survivors=10, untested=2, requirements=None):
    """A --full self-test of `count` mutants (names as long as real ones, each naming one or two
    requirements) with heavy collateral, each run's results.json holding every requirement (as a real
    run's does), written under `out`."""
    requirements = requirements or list(spec.requirements())
    chosen = [
        mutants_module.Mutant(
            f"{side}-mutant-{i:02d}-breaks-{requirements[i % len(requirements)].lower()}",
            side,
            f"A bug a developer could write, number {i}, described in a sentence as long as a real mutant's description is.",
            sorted({requirements[i % len(requirements)], requirements[(i * 7) % len(requirements)]}),
            [],
        )
        for i, side in zip(range(count), ["plugin", "backend"] * count, strict=False)
    ]
    out.mkdir(parents=True, exist_ok=True)

    def run(name, failing):
        (out / name).mkdir()
        statuses = [{"id": rid, "status": "FAIL" if rid in failing else "PASS"} for rid in requirements]
        doc = {"run": {"id": name, "verdict": "FAIL" if failing else "PASS", "wall_seconds": 400.0}, "requirements": statuses, "tests": []}
        (out / name / "results.json").write_text(json.dumps(doc))

    run("reference", set())
    rows = []
    for i, m in enumerate(chosen):
        collateral = sorted(set(requirements[i % 7 :: 2]) - set(m.kills))  # about half the spec, for every mutant
        on_target = [] if i < survivors + untested else m.kills[:1]
        error = "its stack ran the reference" if survivors <= i < survivors + untested else ""
        runs = [] if error else [f"{m.name}-on-target", m.name]
        for name in runs:
            run(name, set(on_target) | (set(collateral) if name == m.name else set()))
        row = {"mutant": m.name, "side": m.side, "kills": m.kills, "on_target": on_target, "collateral": None if error else collateral}
        rows.append({**row, "runs": runs, "error": error, "killed": bool(on_target), "description": m.description})
    killed = count - survivors - untested
    doc = {"kill_rate": killed / count, "exit_status": 1, "full": True, "available": 113, "reference": "reference", "mutants": rows}
    (out / "selftest.json").write_text(json.dumps(doc))
    return out


def test_a_60_mutant_self_test_page_is_small(tmp_path):
    out = _synthetic(tmp_path / "20261208-020000-selftest")
    path = selftest_html.write_page(out)
    size = path.stat().st_size
    assert size < 500_000, f"{size} bytes"
    page = BeautifulSoup(path.read_text(), "html.parser")
    assert len(page.select('[data-testid="mutants"] tbody tr')) == 60
    assert _text(page.select_one('[data-testid="verdict"]')) == "10 of 60 mutants SURVIVED, 2 could not be tested"
    assert _text(page.select_one('[data-testid="kill-rate"]')) == "— killed on target 48/60 (80 %)"
    assert len(page.select('[data-testid="matrix"] tbody tr')) == len(spec.requirements())


COUNTS_OFF_BY_ONE = mutants_module.Mutant("counts-off-by-one", "plugin", "Every post type's count is one too many.", ["STRUCT-3"], [])


def _mutant_result(name, side, kills, on_target, collateral, runs, error=""):
    from harness.selftest.selftest import MutantResult

    return MutantResult(name, side, kills, on_target, collateral, runs, error)


def test_the_self_test_writes_its_page_and_prints_where(tmp_path, capsys):
    """selftest()'s end (`./igny8 selftest`, --cover, --full, and `./igny8 test`'s hunt, which names a
    reference run made outside the self-test's folder): selftest.json, the page beside it, its path printed."""
    from harness.selftest.selftest import _report

    reports = tmp_path / "reports"
    shutil.copytree(FIXTURE / "reference", reports / "20261208-010000-reference-wp7.1-php8.4")
    out = reports / "20261208-020000-selftest"
    for name in ("counts-off-by-one-on-target", "no-sync-on-connect-on-target", "no-sync-on-connect"):
        shutil.copytree(FIXTURE / name, out / name)
    results = [
        _mutant_result("counts-off-by-one", "plugin", ["STRUCT-3"], ["STRUCT-3"], None, ["counts-off-by-one-on-target"]),
        _mutant_result("no-sync-on-connect", "plugin", ["CONN-2"], [], ["CONN-3"], ["no-sync-on-connect-on-target", "no-sync-on-connect"]),
    ]
    seen = []
    status = _report(results, out, seen.extend, reports / "20261208-010000-reference-wp7.1-php8.4", chosen=[COUNTS_OFF_BY_ONE])

    assert status == 1 and [r["killed"] for r in seen] == [True, False]
    doc = json.loads((out / "selftest.json").read_text())
    assert doc["exit_status"] == 1 and doc["reference"] == "../20261208-010000-reference-wp7.1-php8.4" and doc["full"] is False
    assert doc["mutants"][0]["description"] == "Every post type's count is one too many."
    printed = capsys.readouterr().out
    assert f"self-test page: {out / 'selftest.html'}" in printed and "killed on target 1/2" in printed
    page = BeautifulSoup((out / "selftest.html").read_text(), "html.parser")
    assert _text(page.select_one('[data-testid="verdict"]')) == "1 of 2 mutants SURVIVED"
    assert page.select_one('[data-testid="reference"] a')["href"] == "../20261208-010000-reference-wp7.1-php8.4/report.html"


def test_a_reference_that_did_not_pass_gets_a_page_that_says_so(tmp_path, capsys):
    from harness.selftest.selftest import _report

    out = tmp_path / "20261208-020000-selftest"
    shutil.copytree(FIXTURE / "reference", out / "reference")
    doc = json.loads((out / "reference" / "results.json").read_text())
    doc["run"]["verdict"] = "FAIL"
    (out / "reference" / "results.json").write_text(json.dumps(doc))

    assert _report([], out, None, out / "reference") == 1
    assert f"self-test page: {out / 'selftest.html'}" in capsys.readouterr().out
    h1 = BeautifulSoup((out / "selftest.html").read_text(), "html.parser").find("h1")
    assert _text(h1).startswith("the reference run is FAIL, not PASS") and "FAIL" in h1.select_one('[data-testid="verdict"]')["class"]


def test_the_nightly_recipes_publish_the_page():
    page = "reports/20261208-020000-selftest/selftest.html"
    github = yaml.safe_load((CI / "github" / "nightly.yml").read_text())
    uploads = [s["with"]["path"] for s in github["jobs"]["matrix"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    (gitlab,) = yaml.safe_load((CI / "gitlab" / "nightly.gitlab-ci.yml").read_text()).values()
    for paths in (uploads, gitlab["artifacts"]["paths"]):
        assert any(page.startswith(p) or fnmatch.fnmatch(page, p) for p in paths), paths
