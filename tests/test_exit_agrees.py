"""The exit status agrees with the verdict, in every way a run can end: real pytest runs of the
plugin on a generated suite with one test per requirement of the spec (so that a clean run can be
PASS), and its variants. 0 only for PASS (or a deliberate subset, whose verdict is INCOMPLETE only
because it left requirements out); never 0 for FAIL, for a run that could not make its checks, for
one cut short by a signal, or for one killed outright (whose folder is salvaged)."""

import json
import signal

import pytest

from harness.launch.salvage import salvage
from harness.runs.options import RunOptions
from harness.spec import spec

BODIES = {
    "PASS": {},
    "FAIL": {"ERR-2": "    assert False, 'broken'"},
    "INCOMPLETE": {"ERR-2": "    from harness.spec.status import incomplete\n    incomplete(request.node, 'no observer')"},
    "Ctrl-C": {"ERR-2": "    import os, signal\n    os.kill(os.getpid(), signal.SIGINT)"},
    "killed": {"ERR-2": "    import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)"},
}
EXPECTED = {  # how the run ends: (pytest's exit status, the verdict)
    "PASS": (0, "PASS"),
    "FAIL": (1, "FAIL"),
    "INCOMPLETE": (1, "INCOMPLETE"),
    "Ctrl-C": (2, "INCOMPLETE"),
    "killed": (-signal.SIGKILL, "INCOMPLETE"),
}


def suite(case: str) -> str:
    """A test per requirement, in spec order (ERR-2's comes before most), each passing unless the case says otherwise."""
    tests = ["import pytest\n"]
    for rid in spec.requirements():
        body = BODIES[case].get(rid, "    pass")
        tests.append(f'@pytest.mark.requirement("{rid}")\ndef test_{rid.replace("-", "_")}(request):\n{body}\n')
    return "\n".join(tests)


@pytest.mark.parametrize("case", list(EXPECTED))
def test_the_exit_status_agrees_with_the_verdict(case, pytester, tmp_path):
    pytester.makepyfile(test_generated=suite(case))
    (tmp_path / "manifest.json").write_text(json.dumps({"capabilities": sorted({r.capability for r in spec.requirements().values() if r.capability})}))
    report_dir = tmp_path / "run"
    args = [
        f"--igny8-report-dir={report_dir}",
        f"--igny8-manifest={tmp_path / 'manifest.json'}",
        "--igny8-no-allure-html",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:django",
    ]
    result = pytester.runpytest_subprocess(*args)
    status, verdict = EXPECTED[case]
    assert result.ret == status, result.stdout.str()[-1500:]
    if case == "killed":
        salvage(report_dir, 128 + signal.SIGKILL, RunOptions({"report_dir": str(report_dir)}))
    doc = json.loads((report_dir / "results.json").read_text())
    assert doc["run"]["verdict"] == verdict
    assert (result.ret == 0) == (doc["run"]["verdict"] == "PASS")


def test_a_deliberate_subset_that_passes_exits_0_and_says_incomplete(pytester, tmp_path):
    pytester.makepyfile(test_generated=suite("PASS"))
    report_dir = tmp_path / "run"
    result = pytester.runpytest_subprocess(
        f"--igny8-report-dir={report_dir}", "--igny8-no-allure-html", "-k", "ERR_2", "-p", "no:cacheprovider", "-p", "no:django"
    )
    doc = json.loads((report_dir / "results.json").read_text())
    assert result.ret == 0 and doc["run"]["verdict"] == "INCOMPLETE" and [t["status"] for t in doc["tests"]] == ["PASS"]
