"""Reports a nightly can keep (issue #37): a passing test keeps a line per HTTP exchange, a failing,
flaky or erroring one (or every one, with --evidence all) everything it saw, stored once (the Allure
results hard-link it); evidence folders are never cut and never shared; the history charts only the
runs of the same build. Checked on small generated suites run through the harness's pytest plugin."""

import json
import os
import subprocess
import sys

import pytest

from harness.base.paths import ROOT
from harness.outputs import report_html
from harness.runs import results
from harness.suite.evidence import NAME_MAX, folder_for, folder_key

SUITE = """
import pytest
import requests

from harness.clients.http import Exchange


def exchange(path, status):
    response = requests.Response()
    response.status_code, response.reason = status, "OK"
    response._content = b'{"echo": "hello"}'
    response.request = requests.Request("POST", f"https://api.igny8.test:8443{path}", json={"a": 1}).prepare()
    return Exchange(response, 0.02, ())


def saw(igny8_evidence, what):
    igny8_evidence.text("log lines", f"[IGNY8] {what}")
    igny8_evidence.json("rows", {"what": what})
    igny8_evidence.png("the tab", b"\\x89PNG\\r\\n\\x1a\\n" + what.encode())
    igny8_evidence.http("Backend HTTP", [exchange("/api/v1/connect/", 200), exchange(f"/api/v1/{what}/", 401)])


@pytest.mark.requirement("ERR-2")
def test_passes(igny8_evidence):
    saw(igny8_evidence, "passing")


@pytest.mark.requirement("ERR-3")
def test_fails(igny8_evidence):
    saw(igny8_evidence, "failing")
    assert False, "the backend refused"
"""


def _run(pytester, tmp_path, *options):
    pytester.makepyfile(test_generated=SUITE)
    report_dir = tmp_path / "reports" / "20260101-000000"
    pytester.runpytest_subprocess(f"--igny8-report-dir={report_dir}", "--igny8-no-rerun", "-p", "no:cacheprovider", "-p", "no:django", *options)
    doc = json.loads((report_dir / "results.json").read_text())
    return report_dir, doc, {t["nodeid"].split("::")[-1]: t for t in doc["tests"]}


def _allure(report_dir):
    found = {}
    for path in (report_dir / "allure-results").glob("*-result.json"):
        result = json.loads(path.read_text())
        found[result["name"]] = result
    return found


def test_a_passing_test_keeps_its_exchanges_lines_and_a_failing_one_everything_stored_once(pytester, tmp_path):
    report_dir, doc, tests = _run(pytester, tmp_path, "-n", "2")  # through xdist: the evidence travels to the controller
    passing, failing = tests["test_passes"], tests["test_fails"]
    assert doc["run"]["options"]["evidence"] == "failures"

    # The passing test: one line per exchange, in results.json, no file anywhere.
    assert [e["kind"] for e in passing["evidence"]] == ["exchanges"]
    assert passing["evidence"][0]["text"].splitlines() == ["POST /api/v1/connect/ → 200 0.020s", "POST /api/v1/passing/ → 401 0.020s"]
    assert not folder_for(report_dir, passing["nodeid"]).exists()

    # The failing test: everything, in its own folder, paths relative to the run folder.
    kinds = [e["kind"] for e in failing["evidence"]]
    assert kinds == ["txt", "json", "png", "exchanges", "txt", "txt"], kinds
    files = [report_dir / e["path"] for e in failing["evidence"] if e["kind"] != "exchanges"]
    assert all(not os.path.isabs(e["path"]) for e in failing["evidence"] if "path" in e)
    assert all(f.parent == folder_for(report_dir, failing["nodeid"]) for f in files)
    assert files[2].read_bytes() == b"\x89PNG\r\n\x1a\nfailing" and "[IGNY8] failing" in files[0].read_text()
    assert "POST https://api.igny8.test:8443/api/v1/failing/" in files[4].read_text()
    assert sorted(p.name for p in (report_dir / "evidence").iterdir()) == [folder_key(failing["nodeid"])]

    # Allure: the failure's files attached as hard links (one copy on disk); the lines as steps.
    allure = _allure(report_dir)
    attached = {a["name"]: report_dir / "allure-results" / a["source"] for a in allure["test_fails"]["attachments"]}
    assert len(attached) == 5
    for item in failing["evidence"]:
        if "path" in item:
            assert os.path.samefile(attached[item["name"]], report_dir / item["path"]), f"{item['name']} is stored twice"
    assert "attachments" not in allure["test_passes"] or allure["test_passes"]["attachments"] == []
    step = allure["test_passes"]["steps"][-1]
    assert step["name"] == "Backend HTTP: 2 exchanges" and [s["name"] for s in step["steps"]][1] == "POST /api/v1/passing/ → 401 0.020s"
    passing_uuid = allure["test_passes"]["uuid"]
    for path in (report_dir / "allure-results").glob("*-container.json"):
        assert passing_uuid not in json.loads(path.read_text()).get("children", []), "a passing test's fixture records are kept"

    # Allure's HTML only on request; report.html says what the run kept.
    assert not (report_dir / "allure-report").exists()
    html = (report_dir / "report.html").read_text()
    assert "a failing, flaky or erroring test keeps everything it saw" in html
    assert '"content"' not in (report_dir / "results.json").read_text()


def test_with_evidence_all_a_passing_test_keeps_everything(pytester, tmp_path):
    report_dir, doc, tests = _run(pytester, tmp_path, "--igny8-evidence=all")
    passing = tests["test_passes"]
    assert doc["run"]["options"]["evidence"] == "all"
    assert [e["kind"] for e in passing["evidence"]] == ["txt", "json", "png", "exchanges", "txt", "txt"]
    assert (report_dir / passing["evidence"][0]["path"]).read_text() == "[IGNY8] passing"
    assert len(_allure(report_dir)["test_passes"]["attachments"]) == 5
    assert "every test keeps everything it saw" in (report_dir / "report.html").read_text()


def test_no_evidence_folder_name_is_cut(tmp_path):
    nodeid = "scenarios/test_backend_api.py::test_every_endpoint_refuses_a_request_without_a_valid_key[other scheme-POST-{id}/update-structure/]"
    folder = folder_for(tmp_path, nodeid)
    assert folder.parent == tmp_path / "evidence"
    assert folder.name.endswith(
        "scenarios_test_backend_api.py__test_every_endpoint_refuses_a_request_without_a_valid_key[other_scheme-POST-_id__update-structure_]"
    )
    assert folder_for(tmp_path, nodeid, attempt=2) == folder / "attempt-2"

    # Longer than one file name may be: it goes on in a subfolder, every character kept.
    long = "scenarios/test_labels.py::test_a_label[" + "ü" * 200 + "x" * 300 + "]"
    folder = folder_for(tmp_path, long)
    pieces = folder.relative_to(tmp_path / "evidence").parts
    assert len(pieces) > 1 and all(len(p.encode()) <= NAME_MAX for p in pieces)
    assert "".join(pieces) == folder_key(long) and folder_key(long).endswith("ü" * 200 + "x" * 300 + "]")


def test_two_tests_whose_node_ids_share_a_long_suffix_get_two_folders(tmp_path):
    suffix = "test_a_payload_a_lenient_validator_would_pass_is_refused_and_stores_nothing[" + "site_url_with_a_blank_" * 10 + "]"
    first, second = f"scenarios/test_backend_api.py::{suffix}", f"scenarios/test_frontend_api.py::{suffix}"
    assert folder_for(tmp_path, first) != folder_for(tmp_path, second)
    assert folder_for(tmp_path, "a/b.py::t") != folder_for(tmp_path, "a_b.py::t"), "the same safe form, two folders"


# ---- the history compares like with like ---------------------------------------------------------

HISTORY_SUITE = """
import pytest

@pytest.mark.requirement("ERR-2")
def test_one():
    pass

@pytest.mark.requirement("ERR-3")
def test_two():
    pass
"""


def _stack(plugin_name, plugin_dir):
    return {
        "plugin": {"name": plugin_name, "version": "1.0.0", "dir": plugin_dir},
        "backend": {"image": "igny8/backend:reference", "version": "1.0.0", "revision": "abc"},
        "versions": {"wordpress": "7.1.4", "php": "8.4.27"},
        "cell": {"name": "wp7.1-php8.4", "wordpress": "7.1", "php": "8.4", "allowed_to_fail": False},
        "extra_plugins": [],
    }


def _chart_ids(html):
    from bs4 import BeautifulSoup

    chart = BeautifulSoup(html, "html.parser").find(attrs={"data-testid": "history"})
    return [] if chart is None else [g.find("title").text.split(":")[0] for g in chart.find_all("g")]


def test_the_history_of_a_reference_run_leaves_out_another_plugin_and_a_subset(pytester, tmp_path):
    pytester.makepyfile(test_generated=HISTORY_SUITE)
    reports = tmp_path / "reports"
    reference = _stack("IGNY8 WordPress Integration", str(ROOT / "reference" / "igny8-wp-plugin"))
    other = _stack("Acme IGNY8 Sync", str(ROOT / "reference" / "igny8-wp-plugin-alt"))
    runs = [("run-1", reference, []), ("run-2", reference, ["-k", "test_one"]), ("run-3", other, []), ("run-4", reference, [])]
    for run_id, system, extra in runs:
        folder = reports / run_id
        folder.mkdir(parents=True)
        (folder / "stack-igny8-test.json").write_text(json.dumps(system))  # what a stack says it runs (collector.running_system)
        pytester.runpytest_subprocess(f"--igny8-report-dir={folder}", "-p", "no:cacheprovider", "-p", "no:django", *extra)
    html = (reports / "run-4" / "report.html").read_text()
    assert _chart_ids(html) == ["run-1", "run-4"], "the chart mixes other builds in"
    from bs4 import BeautifulSoup

    title = BeautifulSoup(html, "html.parser").find(attrs={"data-testid": "history-title"}).text
    assert "IGNY8 WordPress Integration (reference/igny8-wp-plugin)" in title and "WordPress 7.1 / PHP 8.4" in title
    assert "igny8/backend:reference" in title and "the whole suite" in title
    assert _chart_ids((reports / "run-2" / "report.html").read_text()) == [], "a subset is a build of its own: no earlier run of it"
    assert _chart_ids((reports / "run-3" / "report.html").read_text()) == []
    subset = json.loads((reports / "run-2" / "history.json").read_text())
    assert subset["build"]["selection"]["keyword"] == "test_one"
    assert "-k test_one" in report_html.build_name(json.loads((reports / "run-2" / "results.json").read_text())["run"])


def test_runs_from_before_the_selection_was_recorded_compare_by_the_tests_they_planned(tmp_path):
    def run(run_id, planned):
        folder = tmp_path / run_id
        folder.mkdir()
        tests = [results.TestResult(n, n, ["ERR-2"], status=results.PASS) for n in planned]
        doc = results.document({"id": run_id, "started": f"2026-01-0{run_id[-1]}", "planned": [{"nodeid": n} for n in planned]}, tests)
        (folder / "results.json").write_text(json.dumps(doc))  # no history.json: an older run
        return doc

    whole = run("run1", ["t::a", "t::b"])
    run("run2", ["t::a"])
    run("run3", ["t::b", "t::a"])
    assert [p["id"] for p in report_html.history(tmp_path, like=whole["run"])] == ["run1", "run3"]
    assert [p["id"] for p in report_html.history(tmp_path)] == ["run1", "run2", "run3"]


def test_the_benchmark_measures_a_run_folder_by_part_beside_its_goals():
    done = subprocess.run([sys.executable, "benchmarks/report_sizes.py", "--smoke", "--no-open"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    for expected in ("results.json", "report.html", "history.json", "the whole folder", "≤ 5.00", "30 nights × 4 cells"):
        assert expected in done.stdout, done.stdout


@pytest.mark.parametrize("mode", ["failures", "all"])
def test_the_option_reaches_pytest(mode):
    from harness.runs.options import RunOptions, pytest_args

    args = pytest_args(RunOptions({"evidence": mode}))
    assert args == ([] if mode == "failures" else ["--igny8-evidence=all"])


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="needs Debian's Chromium")
def test_the_page_unpacks_exchange_lines_and_a_failures_files_when_they_are_opened(tmp_path):
    from playwright.sync_api import sync_playwright

    from harness.suite.fixtures import CHROMIUM_ARGS

    folder = tmp_path / "run1"
    (folder / "evidence" / "f").mkdir(parents=True)
    (folder / "evidence" / "f" / "00-log.txt").write_text("[IGNY8] sync failed: HTTP 503")
    lines = "POST /api/v1/integration/integrations/connect/ → 200 0.012s\nGET /wp-admin/options-general.php?page=igny8 → 200 0.100s"
    tests = [
        results.TestResult(
            "scenarios/t.py::test_p", "test_p", ["CONN-1"], status=results.PASS, evidence=[{"name": "HTTP: 2 exchanges", "kind": "exchanges", "text": lines}]
        ),
        results.TestResult(
            "scenarios/t.py::test_f",
            "test_f",
            ["CONN-2"],
            status=results.FAIL,
            evidence=[{"name": "debug.log", "kind": "txt", "path": "evidence/f/00-log.txt"}],
        ),
    ]
    started = {"started": "2026-01-01T00:00:00+00:00", "finished": "2026-01-01T00:01:00+00:00"}
    report_html.render_html(folder / "report.html", [results.document({"id": "run1", **started, "wall_seconds": 1, "options": {}}, tests)])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto((folder / "report.html").as_uri())
            for name, text in (("HTTP: 2 exchanges", lines), ("debug.log", "[IGNY8] sync failed: HTTP 503")):
                details = page.locator("details[data-text]", has=page.get_by_text(name, exact=True)).first
                details.locator("summary").click()
                details.locator("pre").filter(has_text=text.split()[0]).wait_for()
                assert details.locator("pre").inner_text() == text
        finally:
            browser.close()
