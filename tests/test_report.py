"""Evidence is masked and kept on disk once its test's outcome is known; the HTML inlines it for
failures and shows a passing test's HTTP exchanges a line each."""

import requests
from bs4 import BeautifulSoup

from harness.clients.http import Exchange
from harness.outputs import report_html, results_json
from harness.runs import results
from harness.runs.options import RunOptions
from harness.suite.evidence import Evidence, folder_for, retain


def _exchange(n):
    """An exchange as RecordingSession keeps it: the secret in the header, the body and the answer."""
    response = requests.Response()
    response.status_code, response.reason = 200, "OK"
    response._content = b'{"echo": "s3cret-value"}'
    response.request = requests.Request(
        "POST", f"http://wp.test/x/{n}", headers={"Authorization": "Bearer s3cret-value"}, json={"key": "s3cret-value"}
    ).prepare()
    return Exchange(response, 0.01, ("s3cret-value",))


def test_evidence_keeps_the_last_exchanges_with_secrets_masked_and_writes_them_once_kept(tmp_path):
    evidence = Evidence(tmp_path / "ev", secrets=["s3cret-value"])
    evidence.text("log", "key is s3cret-value")
    evidence.http("HTTP", [_exchange(n) for n in range(30)], keep=12)
    assert len(evidence.items) == 1 + 1 + 1 + 12  # the log, the exchanges' lines, the note, the last 12 in full
    assert not (tmp_path / "ev").exists(), "nothing is written before the test's outcome is known"
    summary = evidence.items[1]
    assert summary["kind"] == "exchanges" and summary["name"] == "HTTP: 30 exchanges"
    assert summary["text"].splitlines()[-1] == "POST /x/29 → 200 0.010s" and len(summary["text"].splitlines()) == 30
    kept = retain(evidence.items, True, tmp_path, "scenarios/t.py::test_x")
    assert all("content" not in e for e in kept) and all(e["path"] for e in kept if e["kind"] != "exchanges")
    assert kept[2]["name"] == "HTTP: 18 earlier exchanges left out"
    last = (tmp_path / kept[-1]["path"]).read_text()
    assert "/x/29" in last and "Bearer …(masked)" in last and '"echo"' in last
    assert not any("s3cret-value" in (tmp_path / e["path"]).read_text() for e in kept if e.get("path"))
    assert retain(kept, True, tmp_path, "scenarios/t.py::test_x") == kept, "retaining twice changes nothing"


def test_the_report_inlines_failing_evidence_and_a_passing_test_keeps_its_exchanges_lines(tmp_path):
    run_dir = tmp_path / "run1"
    run_dir.mkdir()
    failing, passing = Evidence(run_dir / "evidence" / "f"), Evidence(run_dir / "evidence" / "p")
    failing.text("why it failed", "the backend holds no structure")
    passing.text("what passed", "all good here")
    passing.http("Backend HTTP", [_exchange(1)])
    tests = [
        results.TestResult(
            "scenarios/t.py::test_f",
            "test_f",
            ["CONN-2"],
            status=results.FAIL,
            message="boom",
            evidence=retain(failing.items, True, run_dir, "scenarios/t.py::test_f"),
            repro="./igny8 run x",
        ),
        results.TestResult(
            "scenarios/t.py::test_p", "test_p", ["CONN-1"], status=results.PASS, evidence=retain(passing.items, False, run_dir, "scenarios/t.py::test_p")
        ),
    ]
    run = {"id": "run1", "started": "2026-01-01T00:00:00+00:00", "finished": "2026-01-01T00:01:00+00:00", "wall_seconds": 60, "options": {}}
    doc = results.document(run, tests)
    for output in (results_json.OUTPUT, report_html.OUTPUT):
        output.write(doc, run_dir, RunOptions())
    html = (run_dir / "report.html").read_text()
    assert doc["run"]["verdict"] == results.FAIL
    texts = report_html.PackedTexts.unpack(BeautifulSoup(html, "html.parser").find("script", id="texts").text)  # the page unpacks one when it is opened
    assert "the backend holds no structure" in texts and "./igny8 run x" in html
    assert "all good here" not in html and "all good here" not in texts and "POST /x/1 → 200 0.010s" in texts
    assert [p.name for p in (run_dir / "evidence").iterdir()] == [folder_for(run_dir, "scenarios/t.py::test_f").name], "a passing test writes no file"
    assert '"content"' not in (run_dir / "results.json").read_text()


def test_fault_outcomes_make_a_table_at_a_glance(tmp_path):
    from bs4 import BeautifulSoup

    row = {"fault": "partition", "requirement": "FAIL-2", "lost": 0, "unexpected": 2, "stale": 0, "recovery_seconds": 4.2, "longest_wait": 0.3}
    tests = [
        results.TestResult("scenarios/test_faults.py::test_x[partition]", "test_x", ["FAIL-2"], status=results.FAIL, fault=row),
        results.TestResult("scenarios/t.py::test_p", "test_p", ["CONN-1"], status=results.PASS),
    ]
    run = {"id": "run1", "started": "2026-01-01T00:00:00+00:00", "finished": "2026-01-01T00:01:00+00:00", "wall_seconds": 60, "options": {}}
    report_html.OUTPUT.write(results.document(run, tests), tmp_path, RunOptions())
    table = BeautifulSoup((tmp_path / "report.html").read_text(), "html.parser").find(attrs={"data-testid": "faults"})
    cells = [td.get_text(strip=True) for td in table.find("tr", attrs={"data-fault": "partition"}).find_all("td")]
    assert cells == ["partition", "FAIL-2", "0", "2", "0", "4.2", "0.3", "FAIL"]


def test_a_run_without_faults_has_no_fault_table(tmp_path):
    run = {"id": "run1", "started": "2026-01-01T00:00:00+00:00", "finished": "2026-01-01T00:01:00+00:00", "wall_seconds": 60, "options": {}}
    report_html.OUTPUT.write(results.document(run, [results.TestResult("a::b", "b", ["CONN-1"], status=results.PASS)]), tmp_path, RunOptions())
    assert 'data-testid="faults"' not in (tmp_path / "report.html").read_text()


def test_each_requirement_shows_its_cells_and_the_test_case_of_each(tmp_path):
    """spec/dimensions.yaml binds ERR-4 to every operation x wrong_method: the report lists each cell with
    the tests of the run that cover it, and says which cells have none (issue #36)."""
    tests = [
        results.TestResult(
            "scenarios/test_refusals.py::test_wrong_method[connect]",
            "t",
            ["ERR-4"],
            status=results.PASS,
            cells={"ERR-4": [{"operation": "connect", "refusal": "wrong_method"}]},
        ),
        results.TestResult(
            "scenarios/test_refusals.py::test_wrong_method[health]",
            "t",
            ["ERR-4"],
            status=results.FAIL,
            cells={"ERR-4": [{"operation": "health", "refusal": "wrong_method"}]},
        ),
    ]
    run = {"id": "run1", "started": "2026-01-01T00:00:00+00:00", "finished": "2026-01-01T00:01:00+00:00", "wall_seconds": 60, "options": {}}
    doc = results.document(run, tests)
    (err4,) = [r for r in doc["requirements"] if r["id"] == "ERR-4"]
    by_cell = {c["cell"]: [t["status"] for t in c["tests"]] for c in err4["cells"]}
    assert by_cell["operation=connect x refusal=wrong_method"] == [results.PASS]
    assert by_cell["operation=health x refusal=wrong_method"] == [results.FAIL]
    assert by_cell["operation=disconnect x refusal=wrong_method"] == [], "a cell no test of this run covers"
    assert [r["cells"] for r in doc["requirements"] if r["id"] == "CONN-1"] == [[]], "a requirement bound to no dimension has no cells"
    report_html.OUTPUT.write(doc, tmp_path, RunOptions())
    page = BeautifulSoup((tmp_path / "report.html").read_text(), "html.parser")
    shown = page.find("tr", attrs={"data-requirement": "ERR-4"}).find(attrs={"data-testid": "cells"})
    summary = shown.find("summary").get_text(" ", strip=True)
    assert f"{len(err4['cells'])} cells" in summary and "2 with a test here" in summary and f"{len(err4['cells']) - 2} with no test in this run" in summary
    row = shown.find("tr", attrs={"data-cell": "operation=health x refusal=wrong_method"}).get_text(" ", strip=True)
    assert "FAIL" in row and "test_wrong_method[health]" in row
    excused = page.find("tr", attrs={"data-requirement": "ERR-2"}).find("tr", attrs={"data-cell": "operation=health x refusal=malformed"})
    assert "NOT APPLICABLE health takes no body" in excused.get_text(" ", strip=True)
