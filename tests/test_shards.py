"""Shards (`igny8 run --shard I/N`, #14): the suite split by module, balanced by the durations of
earlier runs, the same on every machine; each shard's run folder records the whole plan, so that
`igny8 merge` of all shards says what one run says, and a missing shard's tests are NOT RUN."""

import argparse
import json
import random

import pytest

from harness import cli
from harness.runs import durations, merge, shards
from harness.runs.results import FAIL, INCOMPLETE, NOT_APPLICABLE, NOT_RUN, PASS, TestResult
from harness.spec import spec
from harness.suite.planned import DURATIONS_FILE

from .runfolders import write_run


def _suite(modules):
    """{module: test count} -> node ids, in collection order."""
    return [f"scenarios/test_{m}.py::test_{n}" for m, count in modules.items() for n in range(count)]


def _modules(part):
    return {shards.module_of(n) for n in part}


# ---- the split ----


def test_every_test_lands_in_exactly_one_shard_and_each_module_whole():
    nodeids = _suite({"connection": 7, "quick_sync": 5, "scale": 2, "tab": 9, "tls": 3, "time": 4})
    for count in (1, 2, 3, 4, 6, 8):
        parts = shards.split(nodeids, count, {})
        assert len(parts) == count
        assert sorted(n for part in parts for n in part) == sorted(nodeids)  # every test once
        owners = {}
        for number, part in enumerate(parts):
            for module in _modules(part):
                assert owners.setdefault(module, number) == number, f"{module} is split across shards"
            assert part == [n for n in nodeids if n in part], "a shard keeps the suite's order"


def test_the_split_is_the_same_whatever_order_the_tests_come_in():
    nodeids = _suite({f"m{i}": 1 + i % 4 for i in range(20)})
    recorded = {n: float(len(n) % 7 + 1) for n in nodeids}
    first = [set(p) for p in shards.split(nodeids, 3, recorded)]
    shuffled = list(nodeids)
    random.Random(1).shuffle(shuffled)
    assert [set(p) for p in shards.split(shuffled, 3, recorded)] == first
    assert [set(p) for p in shards.split(nodeids, 3, dict(reversed(recorded.items())))] == first


def test_recorded_durations_balance_the_shards():
    # By test count (no history), `scale` with its 2 tests is light; by recorded time it is most of the suite.
    nodeids = _suite({"connection": 6, "scale": 2, "tab": 6})
    by_count = [_modules(p) for p in shards.split(nodeids, 2, {})]
    assert by_count == [{"scenarios/test_connection.py", "scenarios/test_scale.py"}, {"scenarios/test_tab.py"}]
    recorded = {n: (60.0 if "scale" in n else 5.0) for n in nodeids}
    parts = shards.split(nodeids, 2, recorded)
    assert [_modules(p) for p in parts] == [{"scenarios/test_scale.py"}, {"scenarios/test_connection.py", "scenarios/test_tab.py"}]


def test_the_shards_are_within_one_module_of_an_even_share():
    """Longest first to the lightest shard: no shard exceeds an even share by more than its largest module."""
    rng = random.Random(7)
    nodeids = _suite({f"m{i:02}": rng.randint(1, 12) for i in range(30)})
    recorded = {n: rng.uniform(0.1, 20) for n in nodeids}
    module_weight = {}
    for n in nodeids:
        module_weight[shards.module_of(n)] = module_weight.get(shards.module_of(n), 0) + recorded[n]
    for count in (2, 3, 5):
        loads = [sum(recorded[n] for n in part) for part in shards.split(nodeids, count, recorded)]
        assert max(loads) <= sum(recorded.values()) / count + max(module_weight.values())
        assert max(loads) - min(loads) <= max(module_weight.values())


def test_a_test_with_no_recorded_duration_weighs_the_mean_of_those_recorded():
    nodeids = _suite({"a": 1, "b": 1, "c": 2})
    # c's tests are new: each weighs the mean (10 s), so c (20 s) outweighs a (12 s) and b (8 s)
    parts = shards.split(nodeids, 2, {"scenarios/test_a.py::test_0": 12.0, "scenarios/test_b.py::test_0": 8.0})
    assert [_modules(p) for p in parts] == [{"scenarios/test_c.py"}, {"scenarios/test_a.py", "scenarios/test_b.py"}]


# ---- the history ----


def _with_shard(folder, shard):
    doc = json.loads((folder / "results.json").read_text())
    doc["run"]["shard"] = shard
    (folder / "results.json").write_text(json.dumps(doc))
    return folder


def _test(nodeid, seconds, status=PASS):
    return TestResult(nodeid, nodeid, ["CONN-1"], status=status, duration=seconds)


def test_the_history_is_the_newest_complete_runs_each_tests_newest_figure(tmp_path):
    stack_start = _test("scenarios/test_a.py::test_first", 300.0)  # paid for the stack: not its own time
    write_run(tmp_path, "20261120-000000", [stack_start, _test("scenarios/test_a.py::test_x", 1.0), _test("scenarios/test_b.py::test_y", 2.0)], report=False)
    write_run(
        tmp_path,
        "20261121-000000",
        [stack_start, _test("scenarios/test_a.py::test_x", 3.0), _test("scenarios/test_b.py::test_y", 0.0, NOT_APPLICABLE)],
        report=False,
    )
    shard = write_run(tmp_path, "20261122-000000", [stack_start, _test("scenarios/test_a.py::test_x", 99.0)], report=False)
    _with_shard(shard, "1/2")  # a part of a run: not history until merged
    (tmp_path / "20261123-000000").mkdir()
    (tmp_path / "20261123-000000" / "results.json").write_text("{half written")

    assert durations.recorded(tmp_path) == {"scenarios/test_a.py::test_x": 3.0, "scenarios/test_b.py::test_y": 2.0}
    assert durations.recorded(tmp_path, newest=1) == {"scenarios/test_a.py::test_x": 3.0}
    assert durations.recorded(tmp_path / "nothing") == {}

    merge.merge_runs([shard], tmp_path / "20261124-000000-merged")  # merged: the shards' figures count
    assert durations.recorded(tmp_path, newest=1) == {"scenarios/test_a.py::test_x": 99.0}

    durations.write(tmp_path / "d.json", {"b": 2.0, "a": 1.5})
    assert durations.load(tmp_path / "d.json") == {"a": 1.5, "b": 2.0}


# ---- refusing a shard that does not exist ----


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("3/2", "shard 3/2 does not exist: I/N needs 1 <= I <= N"),
        ("0/2", "shard 0/2 does not exist"),
        ("1/0", "shard 1/0 does not exist"),
        ("2", "'2' is not I/N"),
        ("a/b", "'a/b' is not I/N"),
        ("-1/2", "is not I/N"),
        ("1/2/3", "is not I/N"),
    ],
)
def test_a_shard_that_does_not_exist_is_refused_before_anything_starts(value, message, capsys):
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        shards.shard_option(value)
    with pytest.raises(SystemExit) as exited:
        cli.build_parser().parse_args(["run", f"--shard={value}"])
    assert exited.value.code == 2 and message in capsys.readouterr().err


def test_a_good_shard_reaches_pytest_as_written():
    from harness.runs.options import RunOptions, pytest_args

    args = cli.build_parser().parse_args(["run", "--shard", " 2 / 3 "])
    run = RunOptions.from_args(args)
    assert run["shard"] == "2/3" and "--igny8-shard=2/3" in pytest_args(run)


def test_pytest_refuses_a_shard_that_does_not_exist(pytester):
    pytester.makepyfile(test_one="def test_x():\n    pass\n")
    result = pytester.runpytest_subprocess("--igny8-shard=3/2", "-p", "no:cacheprovider", "-p", "no:django")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*argument --igny8-shard: shard 3/2 does not exist: I/N needs 1 <= I <= N*"])


# ---- shards of a small suite, run and merged ----

IDS = list(spec.requirements())
MODULE = """
import pytest


@pytest.fixture(scope="module")
def built():
    return []  # state made once for the module: its tests must run in one shard


@pytest.mark.parametrize("rid", [pytest.param(r, marks=pytest.mark.requirement(r), id=r) for r in {ids!r}])
def test_holds(rid, built):
    built.append(rid)
    assert built[0] == {first!r}, "a test ran without the steps before it"
"""
LAST = """
import pytest


@pytest.mark.igny8_last
@pytest.mark.requirement("SEC-2")
def test_nothing_else_was_harmed():
    pass
"""


def _run(pytester, report_dir, *args):
    result = pytester.runpytest_subprocess(f"--igny8-report-dir={report_dir}", "--igny8-no-allure-html", "-p", "no:cacheprovider", "-p", "no:django", *args)
    return result, json.loads((report_dir / "results.json").read_text())


def _tests(doc):
    return {t["nodeid"]: t["status"] for t in doc["tests"]}


def _rows(doc):
    return {r["id"]: r["status"] for r in doc["requirements"]}


def test_shards_merged_say_what_one_run_says_and_a_missing_shard_is_not_run(pytester, tmp_path):
    thirds = [IDS[: len(IDS) // 3], IDS[len(IDS) // 3 : 2 * len(IDS) // 3], IDS[2 * len(IDS) // 3 :]]
    pytester.makepyfile(**{f"test_{m}": MODULE.format(ids=ids, first=ids[0]) for m, ids in zip("abc", thirds, strict=True)}, test_zz_last=LAST)
    reports = tmp_path / "reports"
    # An earlier whole run: test_c's tests took long (its first test paid for the stack, and is not counted).
    history = [_test(f"test_{m}.py::test_holds[{r}]", 30.0 if m == "c" else 1.0) for m, ids in zip("abc", thirds, strict=True) for r in ids]
    history[0].duration = 500.0
    write_run(reports, "20261101-000000", history, report=False)

    first, one = _run(pytester, reports / "20261127-010000-shard1", "--igny8-shard=1/2")
    second, two = _run(pytester, reports / "20261127-020000-shard2", "--igny8-shard=2/2")
    whole_result, whole = _run(pytester, tmp_path / "whole" / "run")
    assert (first.ret, second.ret, whole_result.ret) == (0, 0, 0), first.stdout.str()[-2000:] + second.stdout.str()[-2000:]
    first.stdout.fnmatch_lines(["igny8: shard 1/2, split by module, balanced by the durations of * tests in earlier runs"])

    # The heavy module alone in one shard, the two light ones in the other; the check that the run
    # harmed nothing (igny8_last) in both, as each shard has its own stack.
    last = "test_zz_last.py::test_nothing_else_was_harmed"
    assert {n.split("::")[0] for n in _tests(one)} == {"test_c.py", "test_zz_last.py"}
    assert {n.split("::")[0] for n in _tests(two)} == {"test_a.py", "test_b.py", "test_zz_last.py"}
    assert set(_tests(one)) & set(_tests(two)) == {last}
    assert set(_tests(one)) | set(_tests(two)) == set(_tests(whole))
    kept = json.loads((reports / "20261127-010000-shard1" / DURATIONS_FILE).read_text())  # what the split was balanced by
    assert kept[f"test_c.py::test_holds[{thirds[2][0]}]"] == 30.0 and "test_a.py::test_holds[CONN-1]" not in kept

    # Each shard records the whole plan and which part it ran.
    assert (one["run"]["shard"], two["run"]["shard"], whole["run"]["shard"]) == ("1/2", "2/2", None)
    assert [p["nodeid"] for p in one["run"]["planned"]] == [p["nodeid"] for p in two["run"]["planned"]] == [t["nodeid"] for t in whole["tests"]]
    assert {"nodeid": last, "requirements": ["SEC-2"]} in one["run"]["planned"]
    assert one["run"]["verdict"] == two["run"]["verdict"] == INCOMPLETE and whole["run"]["verdict"] == PASS

    merged = json.loads(merge.merge_runs([reports / "20261127-010000-shard1", reports / "20261127-020000-shard2"], tmp_path / "m-both").read_text())
    single = json.loads(merge.merge_runs([tmp_path / "whole" / "run"], tmp_path / "m-one").read_text())
    (both,), (alone,) = merged["cells"], single["cells"]
    assert merged["merged"]["verdict"] == single["merged"]["verdict"] == whole["run"]["verdict"] == PASS
    assert _rows(both) == _rows(alone) == _rows(whole) and _tests(both) == _tests(whole)
    assert "shard" not in both["run"]

    partial = json.loads(merge.merge_runs([reports / "20261127-010000-shard1"], tmp_path / "m-part").read_text())
    (cell_,) = partial["cells"]
    never = {n for n, s in _tests(cell_).items() if s == NOT_RUN}
    assert never == set(_tests(two)) - {last}
    assert partial["merged"]["verdict"] not in (PASS, FAIL) and cell_["verdict"] == INCOMPLETE
    applicable = {r for r, status in _rows(whole).items() if status != NOT_APPLICABLE}
    assert {_rows(cell_)[r] for r in set(thirds[0]) & applicable} == {NOT_RUN} and {_rows(cell_)[r] for r in set(thirds[2]) & applicable} == {PASS}
