"""The harness's layers (pyproject.toml's import-linter contracts): kept by the tree as it is, and
broken, with the offending import named, when a lower layer imports a higher one or two siblings
import each other. The contracts run on a copy of harness/ with one import added."""

import shutil
import subprocess
from pathlib import Path

import pytest

from harness.base.paths import ROOT
from harness.selftest.testplan import LINT_IMPORTS


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(LINT_IMPORTS, cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=120)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "harness", tmp_path / "harness", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def add_import(tree: Path, module: str, line: str) -> None:
    path = tree / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")


def test_the_tree_keeps_every_contract(tree):
    result = lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_a_lower_layer_importing_a_higher_one_breaks_the_layers(tree):
    add_import(tree, "harness.base.masking", "from harness.suite import collector")
    result = lint(tree)
    assert result.returncode != 0
    assert "harness.base is not allowed to import harness.suite" in result.stdout
    assert "harness.base.masking -> harness.suite.collector" in result.stdout


def test_two_modules_importing_each_other_break_the_acyclic_contract(tree):
    add_import(tree, "harness.stack.config", "from harness.stack import tenants")  # tenants imports config's neighbours
    add_import(tree, "harness.stack.engine", "from harness.stack import config")
    result = lint(tree)
    assert result.returncode != 0
    assert "No cycles are allowed in harness.stack" in result.stdout


def test_docker_is_reached_only_through_the_engine(tree):
    add_import(tree, "harness.clients.http", "import python_on_whales")
    result = lint(tree)
    assert result.returncode != 0
    assert "harness.clients.http -> python_on_whales" in result.stdout
