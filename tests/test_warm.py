"""harness.launch.warm: a pytest run forked from the warm interpreter behaves as a new Python's would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from harness.launch import warm

PASSING_AND_FAILING = """
import os
from pathlib import Path

def test_it_sees_exactly_the_environment_and_folder_it_was_given():
    assert os.environ["IGNY8_WARM_GIVEN"] == "yes"
    assert "IGNY8_WARM_NOT_GIVEN" not in os.environ
    assert Path.cwd() == Path(os.environ["IGNY8_WARM_FOLDER"])

def test_it_writes_down_its_parent():
    Path("parent.pid").write_text(str(os.getppid()))

def test_hypothesis_is_rewritten_as_in_a_new_python():
    import hypothesis  # the harness's plugin loaded it (its profiles), after pytest started
    assert type(hypothesis.__loader__).__name__ == "AssertionRewritingHook"

def test_its_asserts_are_rewritten():
    shown, expected = [1, 2, 3], [1, 9, 3]
    assert shown == expected
"""


def run(tmp_path: Path, *args: str) -> tuple[int, str]:
    (tmp_path / "test_probe.py").write_text(PASSING_AND_FAILING)
    log = tmp_path / "pytest.log"
    env = {k: v for k, v in os.environ.items() if k != "IGNY8_WARM_NOT_GIVEN"} | {"IGNY8_WARM_GIVEN": "yes", "IGNY8_WARM_FOLDER": str(tmp_path)}
    status = warm.exit_status(warm.start_pytest(["-p", "no:cacheprovider", "-p", "no:django", *args], tmp_path, env, log))
    return status, log.read_text()


def test_a_run_gets_its_environment_and_folder_and_its_output_goes_to_its_log(tmp_path, monkeypatch):
    monkeypatch.setenv("IGNY8_WARM_NOT_GIVEN", "this process's own")
    status, log = run(tmp_path, "test_probe.py::test_it_sees_exactly_the_environment_and_folder_it_was_given")
    assert status == 0, log
    assert "1 passed" in log


def test_a_failing_run_exits_1_with_pytests_rewritten_assertion_and_no_rewrite_warning(tmp_path):
    status, log = run(tmp_path)
    assert status == 1, log
    assert "1 failed, 3 passed" in log
    assert "At index 1 diff: 2 != 9" in log, "the test module's assert was not rewritten:\n" + log
    assert "PytestAssertRewriteWarning" not in log, "a module pytest rewrites was imported ahead of it:\n" + log


def test_every_run_is_forked_from_the_one_warm_server_not_started_by_this_process(tmp_path):
    parents = []
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        assert run(tmp_path / name, "test_probe.py::test_it_writes_down_its_parent")[0] == 0
        parents.append(int((tmp_path / name / "parent.pid").read_text()))
    assert parents[0] == parents[1] != os.getpid()


# As `igny8` (a console script) starts: multiprocessing imports the parent's main script again in
# every run it forks, before the run's own code. Whatever the command line imports is imported
# ahead of pytest, and must not include a module pytest rewrites.
AS_THE_CONSOLE_SCRIPT = """
import os, sys
from pathlib import Path
from harness.cli import main
from harness.launch import warm
folder = Path(sys.argv[1])
env = dict(os.environ, IGNY8_WARM_GIVEN="yes", IGNY8_WARM_FOLDER=str(folder))
if __name__ == "__main__":
    sys.exit(warm.exit_status(warm.start_pytest(["-p", "no:cacheprovider", "-p", "no:django", "test_probe.py"], folder, env, folder / "pytest.log")))
"""


def test_a_run_started_by_the_command_line_imports_nothing_pytest_rewrites_ahead_of_it(tmp_path):
    (tmp_path / "test_probe.py").write_text(PASSING_AND_FAILING)
    (tmp_path / "igny8_like.py").write_text(AS_THE_CONSOLE_SCRIPT)
    status = subprocess.run([sys.executable, str(tmp_path / "igny8_like.py"), str(tmp_path)]).returncode
    log = (tmp_path / "pytest.log").read_text()
    assert status == 1 and "1 failed, 3 passed" in log, log
    assert "PytestAssertRewriteWarning" not in log, log


LEAVES_A_THREAD = """
import threading, time

def test_it_leaves_a_thread_running():
    threading.Thread(target=time.sleep, args=(1,), name="igny8-left-behind").start()
"""


def test_a_thread_a_test_left_running_is_named_in_the_log_with_where_it_is(tmp_path):
    (tmp_path / "test_leaves.py").write_text(LEAVES_A_THREAD)
    log = tmp_path / "pytest.log"
    status = warm.exit_status(warm.start_pytest(["-p", "no:cacheprovider", "-p", "no:django", "test_leaves.py"], tmp_path, dict(os.environ), log))
    said = log.read_text()
    assert status == 0, said
    assert "this process ends when these threads do: igny8-left-behind" in said, said
    assert said.count("Thread 0x") >= 1, "no thread's traceback:\n" + said
