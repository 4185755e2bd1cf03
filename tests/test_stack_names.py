"""A stack's name is its compose project's: refused before any state is written when compose could not take it."""

import pytest

from harness.cli import build_parser
from harness.stack.stack import STATE_ROOT, Stack, check_name


@pytest.mark.parametrize("name", ["qa", "igny8-1a2b3c", "nightly_7", "9lives"])
def test_a_name_compose_takes_is_kept(name: str) -> None:
    assert check_name(name) == name


@pytest.mark.parametrize("name", ["c6.1", "QA", "-x", "_x", "two words", "ünï"])
def test_a_name_compose_refuses_is_refused_before_anything_is_written(name: str) -> None:
    with pytest.raises(ValueError, match="cannot name a stack"):
        Stack.create(name=name)
    assert not (STATE_ROOT / name / "stack.json").exists()


@pytest.mark.parametrize("name", ["c6.1", ""])
def test_the_command_line_says_why(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["up", "--name", name])
    assert f"{name!r} cannot name a stack" in capsys.readouterr().err
