"""The benchmarks cannot rot unseen: `./igny8 test` smoke-runs every script in benchmarks/
(harness.selftest.testplan.benchmarks), a broken one fails it, and every script has a smoke mode."""

import re
import subprocess
import sys
import textwrap

import pytest

from harness.base.paths import ROOT
from harness.selftest import testplan
from harness.selftest.totals import Totals

SCRIPTS = {
    "passes.py": """
        import sys
        assert sys.argv[1:] == ["--smoke"], sys.argv
        print("what    seconds  goal")
        print("figure     9.0   ≤ 1  MISSES")  # a goal missed is a figure, not a failure

        if __name__ == "__main__":
            sys.exit(0)
    """,
    "raises.py": """
        def main():
            raise RuntimeError("the figure could not be made")

        if __name__ == "__main__":
            main()
    """,
    "skips.py": """
        if __name__ == '__main__':
            print("skipped: needs a second engine")
    """,
    "helper.py": """
        raise SystemExit("a module the benchmarks import: never run on its own")
    """,
}


@pytest.fixture
def folder(tmp_path):
    for name, text in SCRIPTS.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


def test_a_benchmark_that_raises_fails_the_section_and_the_others_still_run(folder, capsys):
    totals = Totals()
    status = testplan.benchmarks(totals, folder)
    out = capsys.readouterr().out
    assert status != 0
    assert (totals.passed, totals.failed) == (2, 1), out  # passes.py and skips.py; raises.py; helper.py is no benchmark
    assert "raises.py --smoke: exit 1" in out and "BROKE" in out
    assert "RuntimeError: the figure could not be made" in out, "its output is shown"
    assert "passes.py --smoke: exit 0" in out and "figure     9.0" in out
    assert "skips.py --smoke: exit 0, skipped: needs a second engine" in out
    assert "helper.py" not in out


def test_the_section_passes_when_every_benchmark_runs(folder, capsys):
    (folder / "raises.py").unlink()
    totals = Totals()
    assert testplan.benchmarks(totals, folder) == 0
    assert (totals.passed, totals.failed) == (2, 0)


def test_a_benchmark_past_its_time_is_stopped_and_fails(tmp_path, capsys):
    (tmp_path / "hangs.py").write_text('import time\n\nif __name__ == "__main__":\n    time.sleep(60)\n')
    totals = Totals()
    assert testplan.benchmarks(totals, tmp_path, timeout=1) != 0
    assert totals.failed == 1
    assert "hangs.py --smoke: stopped after 1 s" in capsys.readouterr().out


def test_every_file_in_benchmarks_is_a_benchmark_or_a_module_one_imports():
    """So that no script escapes the smoke runs by writing its `__main__` otherwise (machine_cpu.py
    is a module stack_bench and ci_bench import, not a benchmark)."""
    scripts = testplan.benchmark_scripts()
    assert scripts, "no benchmark found in benchmarks/"
    imported = {name for path in scripts for name in re.findall(r"^(?:from|import) (\w+)", path.read_text(), re.MULTILINE)}
    neither = [path.name for path in (ROOT / "benchmarks").glob("*.py") if path not in scripts and path.stem not in imported]
    assert not neither, f'neither a benchmark (no `if __name__ == "__main__":`) nor imported by one: {neither}'


@pytest.mark.parametrize("script", testplan.benchmark_scripts(), ids=lambda path: path.name)
def test_every_benchmark_has_a_smoke_mode(script):
    """A new script in benchmarks/ without --smoke fails here (and `./igny8 test` would fail on it):
    --smoke runs the same code path on the smallest sizes, or prints "skipped: <why>" and exits 0."""
    shown = subprocess.run([sys.executable, str(script), "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert "--smoke" in shown.stdout, f"{script.name} has no --smoke (see harness.selftest.testplan.benchmarks)"
