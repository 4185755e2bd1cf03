"""The spec's dimensions, as data (spec/dimensions.yaml): the values each dimension takes, and the
cells each requirement must hold in, with the reason beside each cell that does not apply. A cell
is a mapping {dimension: value}."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Any

from harness.base import yamlfile
from harness.base.paths import ROOT

FILE = ROOT / "spec" / "dimensions.yaml"
Cell = tuple[tuple[str, str], ...]  # ((dimension, value), ...), sorted by dimension: hashable


@dataclass(frozen=True)
class Binding:
    requirement: str
    cells: dict[str, tuple[str, ...]]  # dimension -> the values the requirement holds for
    not_applicable: tuple[tuple[dict[str, str], str], ...]  # (partial cell, reason)

    def every_cell(self) -> list[Cell]:
        names = sorted(self.cells)
        return [tuple(zip(names, values, strict=True)) for values in product(*(self.cells[n] for n in names))]

    def reason(self, cell: Cell) -> str | None:
        """Why the cell does not apply, written in the file; None when it applies."""
        values = dict(cell)
        return next((why for partial, why in self.not_applicable if all(values.get(k) == v for k, v in partial.items())), None)


@dataclass(frozen=True)
class Dimensions:
    values: dict[str, tuple[str, ...]]
    bindings: dict[str, Binding]

    def expand(self, claimed: Mapping[str, Any]) -> list[Cell]:
        """The cells a test's `cells=` claim covers: "*" is every value, a string one, a list those."""
        names = sorted(claimed)
        for name in names:
            if name not in self.values:
                raise ValueError(f"no dimension {name!r} in {FILE.name}; there are: {', '.join(self.values)}")
        chosen = [self._values(name, claimed[name]) for name in names]
        return [tuple(zip(names, values, strict=True)) for values in product(*chosen)]

    def _values(self, name: str, claim: Any) -> tuple[str, ...]:
        if claim == "*":
            return self.values[name]
        values = (claim,) if isinstance(claim, str) else tuple(claim)
        unknown = [v for v in values if v not in self.values[name]]
        if unknown:
            raise ValueError(f"{name} has no value {', '.join(unknown)} in {FILE.name}; it has: {', '.join(self.values[name])}")
        return values


def load(path: Path = FILE) -> Dimensions:
    return _parse(yamlfile.read(path) if path != FILE else _cached(), path)


@lru_cache(maxsize=1)
def _cached() -> Any:
    return yamlfile.read(FILE)


def _parse(doc: Any, path: Path) -> Dimensions:
    values = {name: tuple(str(v) for v in d["values"]) for name, d in doc["dimensions"].items()}
    dims = Dimensions(values, {})
    for entry in doc.get("bindings") or []:
        rid = str(entry["requirement"])
        cells = {name: dims._values(name, claim) for name, claim in entry["cells"].items()}
        na = tuple((dict(n["cell"]), str(n["reason"])) for n in entry.get("not_applicable") or [])
        for partial, _ in na:
            dims.expand(partial)  # refuses an unknown dimension or value
        if rid in dims.bindings:
            raise ValueError(f"{path}: {rid} is bound twice")
        dims.bindings[rid] = Binding(rid, cells, na)
    return dims


def uncovered(dims: Dimensions, claims: Mapping[str, Iterable[Mapping[str, Any]]]) -> dict[str, list[Cell]]:
    """{requirement: its cells that no test claims and no reason excuses}. `claims` maps a
    requirement to the `cells=` of each test marker that names it."""
    missing = {}
    for rid, binding in dims.bindings.items():
        covered = {cell for claim in claims.get(rid, ()) for cell in dims.expand(claim)}
        gaps = [cell for cell in binding.every_cell() if cell not in covered and binding.reason(cell) is None]
        if gaps:
            missing[rid] = gaps
    return missing


def shown(cell: Cell) -> str:
    return " x ".join(f"{name}={value}" for name, value in cell)
