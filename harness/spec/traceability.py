"""Which tests name which requirements, and as which kind of case (harness.spec.cases), read from the
scenarios' source without running them."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.base.paths import ROOT
from harness.spec.cases import case_of

SCENARIOS = ROOT / "scenarios"


@dataclass(frozen=True)
class Named:
    requirements: tuple[str, ...]
    case: str
    cells: dict[str, Any] | None = None  # the marker's `cells=`: which cells of spec/dimensions.yaml it covers


def _requirement_marker(decorator: ast.expr) -> Named | None:
    """The arguments of a `pytest.mark.requirement(...)` decorator, else None."""
    if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) and decorator.func.attr == "requirement":
        ids = tuple(a.value for a in decorator.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
        kwargs = {k.arg: k.value.value for k in decorator.keywords if k.arg and isinstance(k.value, ast.Constant)}
        cells = next((ast.literal_eval(k.value) for k in decorator.keywords if k.arg == "cells"), None)
        return Named(ids, case_of(kwargs), cells)
    return None


def named_cases(directory: Path = SCENARIOS) -> dict[str, list[Named]]:
    """{"scenarios/test_x.py::test_y": [Named(ids, case), ...]} for every test function."""
    found = {}
    for path in sorted(directory.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                found[f"{directory.name}/{path.name}::{node.name}"] = [m for d in node.decorator_list if (m := _requirement_marker(d))]
    return found


def named_requirements(directory: Path = SCENARIOS) -> dict[str, list[str]]:
    """{"scenarios/test_x.py::test_y": [ids]} for every test function that carries the marker."""
    return {test: [rid for m in marks for rid in m.requirements] for test, marks in named_cases(directory).items()}


def cell_claims(directory: Path = SCENARIOS) -> dict[str, list[dict[str, Any]]]:
    """{requirement id: [the `cells=` of each marker naming it]}, for spec/dimensions.yaml's check."""
    found: dict[str, list[dict[str, Any]]] = {}
    for marks in named_cases(directory).values():
        for mark in marks:
            for rid in mark.requirements:
                if mark.cells:
                    found.setdefault(rid, []).append(mark.cells)
    return found


def cases_by_requirement(directory: Path = SCENARIOS) -> dict[str, set[str]]:
    """{requirement id: {"positive", "negative"}}: the kinds of case that check each requirement."""
    found: dict[str, set[str]] = {}
    for marks in named_cases(directory).values():
        for mark in marks:
            for rid in mark.requirements:
                found.setdefault(rid, set()).add(mark.case)
    return found
