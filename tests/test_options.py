"""The run options come from one table: the command line, pytest's options, the runner's arguments
and the repro command are all made from it, and each default is written once."""

import argparse
import re
from contextlib import nullcontext
from pathlib import Path

import pytest

from harness import cli
from harness.runs import options
from harness.runs.options import OPTIONS, RunOptions
from harness.stack.config import DEFAULT_WORDPRESS

HARNESS = Path(__file__).resolve().parent.parent / "harness"


def _subparser(command: str) -> argparse.ArgumentParser:
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return subparsers.choices[command]


@pytest.mark.parametrize("option", OPTIONS, ids=[o.name for o in OPTIONS])
def test_every_option_reaches_each_command_that_offers_it_and_pytest(option, pytestconfig):
    for command in option.commands:
        assert option.cli_flag in _subparser(command).format_help(), f"igny8 {command} does not offer {option.cli_flag}"
    if option.to_pytest:
        assert pytestconfig.getoption(option.dest) == option.default, f"pytest does not know {option.pytest_flag}"


def test_a_command_line_becomes_the_same_values_in_pytest():
    args, _ = cli.build_parser().parse_known_args(["run", "--wp", "6.8", "--keep", "--baseline", "b.yaml", "--profile", "thorough"])
    run = RunOptions.from_args(args)
    assert run.changed() == {"wp": "6.8", "keep": True, "baseline": "b.yaml", "profile": "thorough"}
    assert options.pytest_args(run) == ["--igny8-wp=6.8", "--igny8-keep", "--igny8-baseline=b.yaml", "--igny8-profile=thorough"]


def test_the_repro_command_repeats_what_matters_and_never_a_secret():
    run = RunOptions({"wp": "6.8", "stack": "igny8-abc", "backend_dsn": "postgresql://u:pw@h/db", "plugin": "/p lugin"})
    line = options.command_line("run", run, ["scenarios/t.py::test_x[a b]"])
    assert line == "./igny8 run --wp 6.8 --plugin '/p lugin' --backend-dsn '…' 'scenarios/t.py::test_x[a b]'"
    assert "pw" not in line and "--stack" not in line


def test_an_unknown_option_is_refused_by_name():
    with pytest.raises(KeyError, match="unknown run options"):
        RunOptions({"wordpress": "6.1"})


def test_a_choice_outside_the_table_is_refused_with_the_choices():
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["run", "--wp", "4.9"])


def test_each_default_is_written_once():
    """The default WordPress version is a literal in one file of the harness: the stack's config."""
    places = [p.relative_to(HARNESS) for p in HARNESS.rglob("*.py") if re.search(rf"[\"']{re.escape(DEFAULT_WORDPRESS)}[\"']", p.read_text())]
    assert places == [Path("stack/config.py")], f"the default WordPress version is written in {places}"


def test_an_attached_stack_refuses_another_wordpress_before_touching_docker(tmp_path):
    """--stack NAME --wp X on a stack of another WordPress is refused: a run never tests a build it does not name."""
    from harness.stack.compose import Ports
    from harness.stack.config import StackConfig
    from harness.stack.secrets import Secrets
    from harness.stack.stack import Stack, Wanted, _put_in_place

    stack = Stack("igny8-test", StackConfig(wordpress="6.1"), Secrets(), Ports(1, 2, 3), "host:1")
    with pytest.raises(ValueError, match="runs wp6.1-php8.2, not wp6.8-php8.4"):
        _put_in_place(stack, Wanted(wordpress="6.8"), nullcontext)
    with pytest.raises(ValueError, match="runs wp6.1-php8.2, not wp6.1-php7.4"):
        _put_in_place(stack, Wanted(php="7.4"), nullcontext)


@pytest.mark.parametrize(
    ("wordpress", "php", "refusal"),
    [("5.7", "8.4", "WordPress 5.7 supports PHP 5.6 to 8.0, not 8.4"), ("4.9", None, "not offered"), ("6.8", "5.3", "PHP '5.3' is not offered")],
)
def test_a_pair_wordpress_does_not_support_is_refused_before_any_build(wordpress, php, refusal):
    from harness.stack.config import StackConfig

    with pytest.raises(ValueError, match=refusal):
        StackConfig(wordpress=wordpress, php=php or "")


def test_every_matrix_cell_is_a_supported_pair():
    from harness.stack.config import MATRICES, StackConfig

    for cells in MATRICES.values():
        for cell in cells:
            assert StackConfig(cell.wordpress, cell.php).cell == cell


def test_the_nightly_profile_sends_at_least_a_thousand_invalid_payloads():
    """The nightly (thorough) profile's size: ≥ 1,000 examples per API property, the invalid payloads included."""
    from harness.generate.profiles import PROFILES

    assert PROFILES["thorough"].api_examples >= 1000


def test_the_next_php_is_a_cell_allowed_to_fail_built_from_its_own_suite(tmp_path):
    """PHP 8.5 comes from experimental onto sid; its cell reports failures that the gate does not count."""
    from harness.stack import compose
    from harness.stack.config import StackConfig

    config = StackConfig(wordpress="7.1", php="8.5")
    assert config.cell.allowed_to_fail and config.suite == "sid"
    assert compose.PHP_FROM[config.php] == "experimental"
    assert not StackConfig(wordpress="7.1").cell.allowed_to_fail


@pytest.mark.parametrize("clash", [["--wp", "6.8"], ["--php", "7.4"], ["--stack", "igny8-ab12cd"]])
def test_a_matrix_run_refuses_a_stack_or_version_of_its_own_before_anything_starts(clash):
    from harness import cli

    with pytest.raises(SystemExit, match="--matrix chooses each cell's stack, WordPress and PHP itself"):
        cli.main(["run", "--matrix", "edges", *clash])
