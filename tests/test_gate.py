"""`igny8 gate`: one line and an exit code (0 release, 1 not, 2 bad input), the reasons one per
requirement and cell, a Markdown summary."""

import json

import pytest

from harness import cli
from harness.base import paths
from harness.runs import gate, merge
from harness.runs.results import ERROR, FAIL, FLAKY, NOT_APPLICABLE, NOT_RUN, PASS

from .runfolders import NEW, OLD, cell, passing, with_status, write_run

OLD_CELL, NEW_CELL = cell("5.7", "7.4"), cell("7.1", "8.4")


def _gate(capsys, *args):
    status = cli.main(["gate", *map(str, args)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _baseline(tmp_path, expires, requirement="CRON-4"):
    path = tmp_path / "baseline.yaml"
    path.write_text(f"- requirement: {requirement}\n  reason: cron drifts on old PHP\n  bug: https://tracker.example/IGNY8-7\n  expires: {expires}\n")
    return path


def test_a_clean_run_may_be_released_and_the_summary_says_so(tmp_path, capsys, monkeypatch):
    step_summary = tmp_path / "step-summary.md"
    step_summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    run = write_run(tmp_path, "run", passing(), NEW_CELL, NEW)
    status, out, _ = _gate(capsys, run, "--summary", tmp_path / "gate.md")
    assert status == 0
    assert out.splitlines()[0] == "igny8 gate: RELEASE: 1 cell(s) clean (wp7.1-php8.4)"
    summary = (tmp_path / "gate.md").read_text()
    assert "✅ release" in summary and "| wp7.1-php8.4 | 7.1.4 | 8.4.27 | 11.8.9-MariaDB-0+deb13u1 | **PASS** | run |" in summary
    assert step_summary.read_text() == "earlier step\n" + summary


def test_a_clean_merged_matrix_may_be_released(tmp_path, capsys):
    runs = [write_run(tmp_path, "old", passing(), OLD_CELL, OLD), write_run(tmp_path, "new", passing(), NEW_CELL, NEW)]
    merged = merge.merge_runs(runs, tmp_path / "m-merged").parent
    assert _gate(capsys, merged)[0] == 0
    assert _gate(capsys, *runs)[0] == 0  # the run folders themselves, merged in memory


def test_a_failing_must_blocks_one_line_per_requirement_and_cell(tmp_path, capsys):
    broken = with_status(passing(), "STRUCT-3", FAIL)
    runs = [write_run(tmp_path, "old", broken, OLD_CELL, OLD), write_run(tmp_path, "new", broken, NEW_CELL, NEW)]
    status, out, _ = _gate(capsys, *runs, "--summary", tmp_path / "gate.md")
    assert status == 1
    assert out.splitlines() == [
        "igny8 gate: DO NOT RELEASE: 2 reason(s) in wp5.7-php7.4, wp7.1-php8.4",
        "  wp5.7-php7.4 STRUCT-3: MUST requirement FAIL",
        "  wp7.1-php8.4 STRUCT-3: MUST requirement FAIL",
        f"summary: {tmp_path / 'gate.md'}",
    ]
    assert "### Why not" in (tmp_path / "gate.md").read_text() and "❌ do not release" in (tmp_path / "gate.md").read_text()


def test_a_cell_allowed_to_fail_does_not_block(tmp_path, capsys):
    runs = [
        write_run(tmp_path, "old", with_status(passing(), "STRUCT-3", FAIL), cell("5.7", "7.4", allowed_to_fail=True), OLD),
        write_run(tmp_path, "new", passing(), NEW_CELL),
    ]
    decision = gate.decide(runs)
    assert decision.releasable and decision.notes == ["wp5.7-php7.4: allowed to fail, not counted (FAIL)"]


def test_a_known_must_failure_blocks_a_known_should_failure_does_not(tmp_path):
    known_must = write_run(tmp_path, "must", with_status(passing(), "STRUCT-3", FAIL, known="IGNY8-3 until Friday"), NEW_CELL)
    assert gate.decide([known_must]).why() == ["wp7.1-php8.4 STRUCT-3: MUST requirement FAIL (known: IGNY8-3 until Friday)"]
    known_should = write_run(tmp_path, "should", with_status(passing(), "CRON-4", FAIL, known="IGNY8-7"), NEW_CELL)
    decision = gate.decide([known_should])
    assert decision.releasable and decision.notes == ["wp7.1-php8.4 CRON-4: SHOULD requirement FAIL, known: IGNY8-7"]
    new_should = write_run(tmp_path, "new-should", with_status(passing(), "CRON-4", FAIL), NEW_CELL)
    assert gate.decide([new_should]).why() == ["wp7.1-php8.4 CRON-4: SHOULD requirement FAIL: scenarios/test_cron.py::test_cron_4"]


def test_what_passed_in_the_last_green_run_and_does_not_now_blocks(tmp_path, capsys):
    green = write_run(tmp_path, "green", passing(), NEW_CELL)
    now = write_run(tmp_path, "now", with_status(passing(), "CRON-4", FAIL, known="IGNY8-7"), NEW_CELL)  # releasable alone
    assert _gate(capsys, now)[0] == 0
    status, out, _ = _gate(capsys, now, "--since", green)
    assert status == 1
    assert out.splitlines()[1:] == [
        "  wp7.1-php8.4 CRON-4: PASS in green, FAIL now",
        "  wp7.1-php8.4 scenarios/test_cron.py::test_cron_4: PASS in green, FAIL now",
    ]


def test_compared_with_a_run_of_other_cells_nothing_can_be_compared(tmp_path):
    decision = gate.decide([write_run(tmp_path, "now", passing(), NEW_CELL)], since=write_run(tmp_path, "green", passing(), OLD_CELL))
    assert decision.why() == ["since green: no cell in common with the gated run(s): nothing could be compared"]


def test_an_expired_baseline_entry_blocks(tmp_path, capsys):
    run = write_run(tmp_path, "run", passing(), NEW_CELL)
    assert _gate(capsys, run, "--baseline", _baseline(tmp_path, "2999-12-31"))[0] == 0
    status, out, _ = _gate(capsys, run, "--baseline", _baseline(tmp_path, "2020-01-31"))
    assert status == 1 and "  baseline CRON-4: expired 2020-01-31 (cron drifts on old PHP; https://tracker.example/IGNY8-7)" in out.splitlines()


def test_a_check_the_run_could_not_make_blocks(tmp_path, capsys):
    incomplete = with_status(passing(), "SEC-3", NOT_APPLICABLE, incomplete="no observer: the stored rows cannot be read")
    run = write_run(tmp_path, "run", incomplete, NEW_CELL)
    assert json.loads((run / "results.json").read_text())["run"]["verdict"] == "INCOMPLETE"
    status, out, _ = _gate(capsys, run)
    assert status == 1 and "  wp7.1-php8.4 SEC-3: not checked: no observer: the stored rows cannot be read" in out.splitlines()


def test_a_requirement_not_run_blocks_even_a_should(tmp_path, capsys):
    run = write_run(tmp_path, "run", [t for t in passing() if "CRON-4" not in t.requirements], NEW_CELL)
    assert json.loads((run / "results.json").read_text())["run"]["verdict"] == PASS  # a SHOULD: the run itself passes
    status, out, _ = _gate(capsys, run)
    assert status == 1 and out.splitlines()[1:] == ["  wp7.1-php8.4 CRON-4: SHOULD requirement NOT RUN"]


def test_a_planned_test_no_shard_ran_blocks(tmp_path):
    tests = passing()
    shard = write_run(tmp_path, "shard0", tests, NEW_CELL, planned=[t.nodeid for t in tests] + [f"scenarios/test_more.py::test_{n}" for n in range(7)])
    (line,) = gate.decide([shard]).why()
    assert line.startswith("wp7.1-php8.4: 7 test(s) NOT RUN: scenarios/test_more.py::test_0, ") and line.endswith(" and 2 more")


@pytest.mark.parametrize("status", [FLAKY, ERROR])
def test_flaky_and_errors_block(tmp_path, status):
    run = write_run(tmp_path, "run", with_status(passing(), "CRON-4", status), NEW_CELL)
    assert gate.decide([run]).why() == [
        f"wp7.1-php8.4 CRON-4: SHOULD requirement {status}"
        + (": scenarios/test_cron.py::test_cron_4" if status == ERROR else " (scenarios/test_cron.py::test_cron_4)")
    ]


def test_a_status_this_harness_does_not_know_blocks(tmp_path):
    run = write_run(tmp_path, "run", passing(), NEW_CELL)
    doc = json.loads((run / "results.json").read_text())
    for test in doc["tests"]:  # as a newer harness might write it
        test["status"] = "TIMED OUT" if "CRON-4" in test["requirements"] else test["status"]
    (run / "results.json").write_text(json.dumps(doc))
    assert gate.decide([run]).why() == ["wp7.1-php8.4 CRON-4: SHOULD requirement TIMED OUT: scenarios/test_cron.py::test_cron_4"]


def test_a_cell_the_matrix_could_not_build_blocks_in_one_line(tmp_path):
    from harness.runs import results

    folder = tmp_path / "old"
    folder.mkdir()
    doc = results.document({"id": "old", "started": "", "finished": "", "system": {"cell": OLD_CELL}}, [])
    doc["run"].update(verdict=results.UNAVAILABLE, unavailable="the Debian suite bullseye cannot be fetched")
    (folder / "results.json").write_text(json.dumps(doc))
    assert gate.decide([folder, write_run(tmp_path, "new", passing(), NEW_CELL)]).why() == [
        "wp5.7-php7.4: verdict UNAVAILABLE: the Debian suite bullseye cannot be fetched"
    ]


def test_latest_gates_the_newest_merged_folder_since_the_last_green_one(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(paths, "REPORTS", tmp_path)
    green = merge.merge_runs([write_run(tmp_path, "20261125-010000", passing(), NEW_CELL)], tmp_path / "20261125-020000-merged").parent
    red_run = write_run(tmp_path, "20261126-010000", with_status(passing(), "STRUCT-3", FAIL), NEW_CELL)
    red = merge.merge_runs([red_run], tmp_path / "20261126-020000-merged").parent
    now = merge.merge_runs(
        [write_run(tmp_path, "20261127-010000", with_status(passing(), "CRON-4", FAIL, known="IGNY8-7"), NEW_CELL)], tmp_path / "20261127-020000-all-merged"
    ).parent
    assert gate.latest_merged(tmp_path) == now
    assert gate.last_green(tmp_path, excluding=[now]) == green and red.exists()
    status, out, _ = _gate(capsys, "--latest", "--since-last-green")
    assert status == 1 and "  wp7.1-php8.4 CRON-4: PASS in 20261125-020000-merged, FAIL now" in out.splitlines()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (lambda good, tmp: [tmp / "missing"], "no such folder"),
        (lambda good, tmp: [(tmp / "bad").mkdir() or tmp / "bad"], "has no results.json"),
        (lambda good, tmp: [good, "--since", (tmp / "x").mkdir() or (tmp / "x" / "results.json").write_text("[") and tmp / "x"], "cannot be read as JSON"),
        (lambda good, tmp: [good, "--baseline", tmp / "nothing.yaml"], "cannot read the baseline"),
        (lambda good, tmp: [], "nothing to gate"),
        (lambda good, tmp: ["--latest"], "no merged folder"),
        (lambda good, tmp: [good, "--since", good, "--since-last-green"], "not allowed with argument"),
    ],
)
def test_bad_input_is_refused_plainly_with_exit_2(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.setattr(paths, "REPORTS", tmp_path / "no-reports")
    good = write_run(tmp_path, "good", passing(), NEW_CELL)
    try:
        status, _, err = _gate(capsys, *args(good, tmp_path))
    except SystemExit as exc:  # argparse's own refusal
        status, err = exc.code, capsys.readouterr().err
    assert status == 2 and message in err


def test_not_run_statuses_are_named(tmp_path):
    assert NOT_RUN in gate.decide([write_run(tmp_path, "run", with_status(passing(), "CONN-1", NOT_RUN), NEW_CELL)]).why()[0]


def test_only_cells_allowed_to_fail_are_no_release(tmp_path):
    """Nothing that counts was gated: a next-PHP cell alone, even passing, says nothing of the build."""
    decision = gate.decide([write_run(tmp_path, "next", passing(), cell("7.1", "8.5", allowed_to_fail=True))])
    assert not decision.releasable
    assert decision.why() == [": no cell that counts was gated: every cell given is allowed to fail"]


def test_a_matrix_with_a_cell_it_could_not_build_exits_non_zero(tmp_path):
    """UNAVAILABLE is no pass: the matrix run's exit follows the merged verdict."""
    from harness.launch import matrix
    from harness.stack.config import Cell

    old = tmp_path / "old"
    old.mkdir()
    matrix.write_unavailable(old, Cell("5.7", "7.4"), "the Debian suite bullseye cannot be fetched")
    merged = merge.merge_runs([old, write_run(tmp_path, "new", passing(), NEW_CELL)], tmp_path / "merged")
    assert matrix.exit_status(merged) == 1
    clean = merge.merge_runs([write_run(tmp_path, "new2", passing(), NEW_CELL)], tmp_path / "merged2")
    assert matrix.exit_status(clean) == 0
