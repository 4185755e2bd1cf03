"""`igny8 merge`: runs grouped into cells, a cell's shards joined, every cell kept, one matrix page."""

import json
from dataclasses import asdict

import pytest
from bs4 import BeautifulSoup

from harness import cli
from harness.outputs import merged_html, report_html
from harness.runs import merge, results
from harness.runs.results import ERROR, FAIL, FLAKY, INCOMPLETE, NOT_APPLICABLE, NOT_RUN, PASS, UNAVAILABLE, TestResult

from .runfolders import NEW, OLD, cell, nodeid, passing, statuses, with_status, write_run

OLD_CELL, NEW_CELL = cell("5.7", "7.4"), cell("7.1", "8.4")


def _merged(tmp_path, *folders):
    path = merged_html.write_merged(list(folders), tmp_path / "20261127-100000-merged")
    return json.loads(path.read_text()), path.parent


def _cells(doc):
    return {c["cell"]["name"]: c for c in doc["cells"]}


def test_a_requirement_failing_in_one_cell_only_shows_as_that_one_cell(tmp_path):
    old = write_run(tmp_path, "20261127-010000-wp5.7-php7.4", with_status(passing(), "STRUCT-3", FAIL, message="labels cut"), OLD_CELL, OLD)
    new = write_run(tmp_path, "20261127-020000-wp7.1-php8.4", passing(), NEW_CELL, NEW)
    doc, out = _merged(tmp_path, new, old)

    assert [c["cell"]["name"] for c in doc["cells"]] == ["wp5.7-php7.4", "wp7.1-php8.4"]  # version order, not argument order
    assert {name: c["verdict"] for name, c in _cells(doc).items()} == {"wp5.7-php7.4": FAIL, "wp7.1-php8.4": PASS}
    assert doc["merged"]["verdict"] == FAIL and doc["merged"]["sources"] == [str(new), str(old)]
    rows = {r["id"]: r["cells"] for r in doc["requirements"]}
    assert rows["STRUCT-3"] == {"wp5.7-php7.4": FAIL, "wp7.1-php8.4": PASS}
    assert all(set(cells.values()) == {PASS} for rid, cells in rows.items() if rid != "STRUCT-3")
    assert len(_cells(doc)["wp5.7-php7.4"]["tests"]) == len(passing())  # each cell in full

    page = BeautifulSoup((out / "report.html").read_text(), "html.parser")
    marked = page.select('[data-testid="matrix"] .changed')
    assert [(m.find_parent("tr")["data-requirement"], m.find_parent("td")["data-cell"]) for m in marked] == [("STRUCT-3", "wp5.7-php7.4")]
    link = page.select_one('tr[data-requirement="STRUCT-3"] td[data-cell="wp5.7-php7.4"] a')["href"]
    assert link == "../20261127-010000-wp5.7-php7.4/report.html" and (out / link).exists()
    assert page.select_one('[data-testid="verdict"]').text == FAIL
    assert "labels cut" in page.text


def test_a_cell_allowed_to_fail_is_marked_and_not_counted(tmp_path):
    old = write_run(tmp_path, "a", passing(), OLD_CELL, OLD)
    new = write_run(tmp_path, "b", with_status(passing(), "CONN-1", FAIL), cell("7.1", "8.4", allowed_to_fail=True), NEW)
    doc, out = _merged(tmp_path, old, new)
    assert doc["merged"]["verdict"] == PASS and _cells(doc)["wp7.1-php8.4"]["verdict"] == FAIL
    page = BeautifulSoup((out / "report.html").read_text(), "html.parser")
    assert "allowed to fail" in page.select_one('[data-testid="matrix"] th[data-cell="wp7.1-php8.4"]').text
    assert "allowed to fail" not in page.select_one('[data-testid="matrix"] th[data-cell="wp5.7-php7.4"]').text


@pytest.mark.parametrize("broken", [None, ("STRUCT-3", FAIL), ("LOG-2", ERROR), ("CRON-4", FAIL)])
def test_shards_of_one_cell_joined_say_what_the_single_run_says(tmp_path, broken):
    tests = passing() if broken is None else with_status(passing(), *broken)
    whole = write_run(tmp_path / "whole", "run", tests, NEW_CELL)
    half = len(tests) // 2
    shards = [write_run(tmp_path / "shards", f"shard{n}", part, NEW_CELL) for n, part in enumerate([tests[:half], tests[half:]])]
    single, _ = _merged(tmp_path / "m1", whole)
    joined, _ = _merged(tmp_path / "m2", *shards)

    (one,), (both,) = single["cells"], joined["cells"]
    assert both["verdict"] == one["verdict"] == json.loads((whole / "results.json").read_text())["run"]["verdict"]
    assert statuses(both["requirements"]) == statuses(one["requirements"])
    assert [r["id"] for r in both["runs"]] == ["shard0", "shard1"] and both["run"]["id"] == "shard0+shard1"
    # each shard alone is missing half the suite: its own requirements NOT RUN, the joined cell's not
    alone = json.loads((shards[0] / "results.json").read_text())
    assert NOT_RUN in statuses(alone["requirements"]).values() and NOT_RUN not in statuses(both["requirements"]).values()


def test_a_test_two_shards_ran_takes_the_worse_status(tmp_path):
    a = write_run(tmp_path, "a", passing(), NEW_CELL)
    b = write_run(tmp_path, "b", with_status(passing(), "SEC-1", ERROR, message="setup broke"), NEW_CELL)
    doc, _ = _merged(tmp_path, a, b)
    (joined,) = doc["cells"]
    assert {t["nodeid"]: t["status"] for t in joined["tests"]}[nodeid("SEC-1")] == ERROR
    assert statuses(joined["requirements"])["SEC-1"] == ERROR and joined["verdict"] == FAIL


def test_a_missing_shards_planned_tests_show_not_run(tmp_path):
    tests = passing()
    plan = [t.nodeid for t in tests]
    ran = write_run(tmp_path, "shard0", tests[:10], NEW_CELL, planned=plan[:10])
    # shard1 never arrived; shard2 ran its part and, like every shard, knew the whole plan
    other = write_run(tmp_path, "shard2", tests[20:], NEW_CELL, planned=plan)
    doc, _ = _merged(tmp_path, ran, other)
    (joined,) = doc["cells"]
    status_of = {t["nodeid"]: t["status"] for t in joined["tests"]}
    assert [status_of[n] for n in plan[10:20]] == [NOT_RUN] * 10
    assert all(status_of[n] == PASS for n in plan[:10] + plan[20:])
    assert {statuses(joined["requirements"])[t.requirements[0]] for t in tests[10:20]} == {NOT_RUN}
    assert joined["verdict"] == INCOMPLETE and doc["merged"]["verdict"] == INCOMPLETE


def test_a_planned_test_no_shard_ran_makes_a_passing_cell_incomplete(tmp_path):
    plan = [{"nodeid": "scenarios/test_extra.py::test_never_ran", "requirements": ["CRON-4"]}]
    doc, _ = _merged(tmp_path, write_run(tmp_path, "a", with_status(passing(), "CRON-4", NOT_RUN), NEW_CELL, planned=plan))
    (joined,) = doc["cells"]
    assert statuses(joined["requirements"])["CRON-4"] == NOT_RUN and joined["verdict"] == INCOMPLETE


def test_without_a_recorded_cell_the_running_systems_versions_name_it(tmp_path):
    a = write_run(tmp_path, "a", passing(), versions=OLD)
    b = write_run(tmp_path, "b", passing(), versions=NEW)
    c = write_run(tmp_path, "c", passing(), versions=dict(NEW))
    doc, _ = _merged(tmp_path, a, b, c)
    assert [(x["cell"]["name"], [r["id"] for r in x["runs"]]) for x in doc["cells"]] == [
        ("wp5.7.11-php7.4.33-mariadb10.5.23", ["a"]),
        ("wp7.1.4-php8.4.27-mariadb11.8.9", ["b", "c"]),
    ]
    assert merge.cell_of({"cell": NEW_CELL, "system": {"versions": OLD}})["name"] == "wp7.1-php8.4"  # the runner's name first


@pytest.mark.parametrize(
    ("statuses_", "worst"),
    [
        ([PASS, FLAKY], FLAKY),
        ([FLAKY, ERROR], ERROR),
        ([FLAKY, NOT_RUN], FLAKY),
        (["SOMETHING NEW", PASS], "SOMETHING NEW"),
        ([NOT_APPLICABLE, PASS], NOT_APPLICABLE),
    ],
)
def test_flaky_ranks_between_error_and_not_run_and_an_unknown_status_as_failing(statuses_, worst):
    assert merge.worst(statuses_) == worst
    assert merge.is_failing("SOMETHING NEW") and not merge.is_failing(FLAKY)


def test_a_flaky_test_is_judged_as_a_run_judges_it_and_an_unknown_status_fails_the_cell():
    flaky = with_status(passing(), "CONN-1", FLAKY)
    rows, verdict = merge.judge([asdict(t) for t in flaky])
    assert statuses(rows)["CONN-1"] == FLAKY and verdict == results.document({}, flaky)["run"]["verdict"] != PASS
    rows, verdict = merge.judge([asdict(t) for t in with_status(passing(), "CONN-1", "TIMED OUT")])
    assert statuses(rows)["CONN-1"] == "TIMED OUT" and verdict == FAIL


def test_a_cell_the_matrix_could_not_build_is_unavailable_and_the_matrix_incomplete(tmp_path):
    # as harness.launch.matrix writes it: no tests, the verdict and the reason in run
    folder = tmp_path / "old"
    folder.mkdir()
    doc = results.document({"id": "old", "started": "", "finished": "", "system": {"cell": OLD_CELL}}, [])
    doc["run"].update(verdict=UNAVAILABLE, unavailable="the Debian suite bullseye cannot be fetched")
    (folder / "results.json").write_text(json.dumps(doc))
    merged, _ = _merged(tmp_path, folder, write_run(tmp_path, "new", passing(), NEW_CELL))
    assert _cells(merged)["wp5.7-php7.4"]["verdict"] == UNAVAILABLE and merged["merged"]["verdict"] == INCOMPLETE


def test_a_merged_folder_beside_the_runs_is_no_point_of_their_history(tmp_path):
    write_run(tmp_path, "20261127-010000", passing(), NEW_CELL)
    _merged(tmp_path, tmp_path / "20261127-010000")
    assert [p["id"] for p in report_html.history(tmp_path)] == ["20261127-010000"]


def test_the_command_merges_and_says_where(tmp_path, capsys):
    a = write_run(tmp_path, "a", passing(), OLD_CELL, OLD)
    b = write_run(tmp_path, "b", passing(), NEW_CELL, NEW)
    assert cli.main(["merge", str(a), str(b), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "merged 2 cell(s) from 2 run(s): PASS" in out and str(tmp_path / "out" / "results.json") in out and str(tmp_path / "out" / "report.html") in out


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d.mkdir(), "has no results.json"),
        (lambda d: (d.mkdir(), (d / "results.json").write_text("{not json")), "cannot be read as JSON"),
        (lambda d: (d.mkdir(), (d / "results.json").write_text('{"tests": []}')), "not a run's results"),
        (lambda d: (d.mkdir(), (d / "results.json").write_text('{"run": {}, "tests": [{"title": "x"}]}')), "every test needs a nodeid and a status"),
        (lambda d: None, "no such folder"),
    ],
)
def test_bad_input_is_refused_plainly_with_exit_2_and_nothing_written(tmp_path, capsys, make, message):
    good = write_run(tmp_path, "good", passing(), NEW_CELL)
    make(tmp_path / "bad")
    assert cli.main(["merge", str(good), str(tmp_path / "bad"), "--out", str(tmp_path / "out")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_merged_folder_is_not_merged_again(tmp_path, capsys):
    _, out = _merged(tmp_path, write_run(tmp_path, "a", passing(), NEW_CELL))
    assert cli.main(["merge", str(out), "--out", str(tmp_path / "again")]) == 2
    assert "is a merged folder" in capsys.readouterr().err


def test_a_malformed_plan_is_refused(tmp_path):
    folder = write_run(tmp_path, "a", [TestResult("t", "t", ["CONN-1"], status=PASS)], NEW_CELL, planned=[3])
    with pytest.raises(merge.MergeInputError, match="run.planned holds 3"):
        merge.merge_runs([folder], tmp_path / "out")
