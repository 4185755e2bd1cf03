"""The workers `./igny8 run` picks when -n is not given (harness.launch.workers), with the machine's
figures faked: cores and free memory bound them, the named modules too, and the runs that must stay
on one stack say why. `igny8 run` itself prints the line (checked on the real command line)."""

import pytest

from harness.launch.workers import Choice, Machine, choose
from harness.runs.options import RunOptions

DEFAULT = RunOptions({})


def test_two_cores_and_plenty_of_memory_make_two_stacks():
    choice = choose(DEFAULT, [], Machine(cores=2, free_gib=21.4))
    assert choice == Choice(2, "2 cores, 21 GiB free")
    assert choice.line() == "2 stacks (2 cores, 21 GiB free)"
    assert choice.pytest_args() == ["-n", "2"]  # what a person types: the default is `-n 2`


def test_memory_for_one_stack_makes_one_and_says_so():
    choice = choose(DEFAULT, [], Machine(cores=8, free_gib=1.6))
    assert choice is not None and choice.workers == 1 and choice.pytest_args() == []
    assert choice.line() == "1 stack (8 cores, 2 GiB free: memory for 1 at about 1 GiB each)"


def test_less_than_a_stack_of_memory_still_makes_one():
    assert choose(DEFAULT, [], Machine(cores=4, free_gib=0.4)).workers == 1


def test_memory_bounds_many_cores():
    choice = choose(DEFAULT, [], Machine(cores=16, free_gib=5.2))
    assert choice.workers == 5 and "memory for 5" in choice.why


def test_no_more_workers_than_the_modules_the_run_names():
    choice = choose(DEFAULT, ["scenarios/test_tab.py", "-q"], Machine(cores=8, free_gib=30))
    assert choice.workers == 1 and "names 1 module" in choice.why
    two = choose(DEFAULT, ["scenarios/test_tab.py::test_a", "scenarios/test_tab.py::test_b", "scenarios/test_cron.py"], Machine(cores=8, free_gib=30))
    assert two.workers == 2


@pytest.mark.parametrize("given", [["-n", "1"], ["-n1"], ["--numprocesses=3"], ["--tx", "popen"], ["-p", "no:xdist"], ["--dist", "loadscope"]])
def test_a_command_line_that_says_how_to_distribute_is_left_alone(given):
    assert choose(DEFAULT, given, Machine(cores=2, free_gib=20)) is None


@pytest.mark.parametrize(
    ("values", "extra", "reason"),
    [
        ({"stack": "igny8-ab12cd"}, [], "--stack igny8-ab12cd"),
        ({"backend_url": "https://api.example"}, [], "--backend-url"),
        ({"keep": True}, [], "--keep"),
        ({}, ["--pdb"], "--pdb"),
        ({}, ["-s"], "-s"),
    ],
)
def test_runs_that_need_one_stack_stay_serial_and_say_why(values, extra, reason):
    choice = choose(RunOptions(values), extra, Machine(cores=8, free_gib=30))
    assert choice is not None and choice.workers == 1 and choice.why.startswith(reason)


def test_this_machine_is_read():
    machine = Machine.this_one()
    assert machine.cores >= 1 and machine.free_gib > 0
