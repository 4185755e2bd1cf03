"""Evidence is kept on disk and masked; the HTML inlines it for failures and links it for passes."""

import requests

from harness.clients.http import Exchange
from harness.outputs import report_html, results_json
from harness.runs import results
from harness.runs.options import RunOptions
from harness.suite.evidence import Evidence


def _exchange(n):
    """An exchange as RecordingSession keeps it: the secret in the header, the body and the answer."""
    response = requests.Response()
    response.status_code, response.reason = 200, "OK"
    response._content = b'{"echo": "s3cret-value"}'
    response.request = requests.Request(
        "POST", f"http://wp.test/x/{n}", headers={"Authorization": "Bearer s3cret-value"}, json={"key": "s3cret-value"}
    ).prepare()
    return Exchange(response, 0.01, ("s3cret-value",))


def test_evidence_keeps_the_last_exchanges_on_disk_with_secrets_masked(tmp_path):
    evidence = Evidence(tmp_path / "ev", secrets=["s3cret-value"])
    evidence.text("log", "key is s3cret-value")
    evidence.http("HTTP", [_exchange(n) for n in range(30)], keep=12)
    assert len(evidence.items) == 1 + 1 + 12
    assert all("text" not in e and e["path"] for e in evidence.items)
    assert "s3cret-value" not in (tmp_path / "ev").joinpath(evidence.items[0]["path"]).read_text()
    assert evidence.items[1]["name"] == "HTTP: 18 earlier exchanges left out"
    last = open(evidence.items[-1]["path"]).read()
    assert "/x/29" in last and "Bearer …(masked)" in last and '"echo"' in last
    assert not any("s3cret-value" in open(e["path"]).read() for e in evidence.items)


def test_the_report_inlines_failing_evidence_and_links_passing(tmp_path):
    run_dir = tmp_path / "run1"
    run_dir.mkdir()
    failing, passing = Evidence(run_dir / "evidence" / "f"), Evidence(run_dir / "evidence" / "p")
    failing.text("why it failed", "the backend holds no structure")
    passing.text("what passed", "all good here")
    tests = [
        results.TestResult("scenarios/t.py::test_f", "test_f", ["CONN-2"], status=results.FAIL, message="boom", evidence=failing.items, repro="./igny8 run x"),
        results.TestResult("scenarios/t.py::test_p", "test_p", ["CONN-1"], status=results.PASS, evidence=passing.items),
    ]
    run = {"id": "run1", "started": "2026-01-01T00:00:00+00:00", "finished": "2026-01-01T00:01:00+00:00", "wall_seconds": 60, "options": {}}
    doc = results.document(run, tests)
    for output in (results_json.OUTPUT, report_html.OUTPUT):
        output.write(doc, run_dir, RunOptions())
    html = (run_dir / "report.html").read_text()
    assert doc["run"]["verdict"] == results.FAIL
    assert "the backend holds no structure" in html and "./igny8 run x" in html
    assert "all good here" not in html and 'href="evidence/p/00-what-passed.txt"' in html
    assert '"text"' not in (run_dir / "results.json").read_text()


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
