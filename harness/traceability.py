"""Which tests name which requirements, read from the scenarios' source without running them."""

from __future__ import annotations

import ast
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def _requirement_args(decorator: ast.expr) -> list[str] | None:
    """The string arguments of a `pytest.mark.requirement(...)` decorator, else None."""
    if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) and decorator.func.attr == "requirement":
        return [a.value for a in decorator.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return None


def named_requirements(directory: Path = SCENARIOS) -> dict[str, list[str]]:
    """{"scenarios/test_x.py::test_y": [ids]} for every test function that carries the marker."""
    found = {}
    for path in sorted(directory.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                ids = [rid for d in node.decorator_list for rid in (_requirement_args(d) or [])]
                found[f"{directory.name}/{path.name}::{node.name}"] = ids
    return found
