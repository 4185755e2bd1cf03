"""Mutants: deliberately broken copies of the reference implementations (reference/mutants/)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from harness.base import yamlfile
from harness.spec import spec
from harness.stack.config import REFERENCE_PLUGIN, ROOT
from harness.stack.images import backend_image

MUTANTS = ROOT / "reference" / "mutants"
REFERENCE = {"plugin": REFERENCE_PLUGIN, "backend": ROOT / "reference" / "backend"}


class MutantError(ValueError):
    pass


@dataclass
class Mutant:
    name: str
    side: str  # plugin | backend
    description: str
    kills: list[str]
    replace: list[dict[str, str]]
    states: list[str] = field(default_factory=list)  # the states of the system it breaks (reference/mutants/README.md)

    def apply(self, directory: Path | str) -> None:
        """Edits a copy of the reference in `directory`; refuses an edit whose text is gone or ambiguous."""
        for edit in self.replace:
            path = Path(directory) / edit["file"]
            text = path.read_text()
            if text.count(edit["old"]) != 1:
                raise MutantError(f"mutant {self.name}: {edit['file']} holds its text {text.count(edit['old'])} times, not once: the reference changed")
            path.write_text(text.replace(edit["old"], edit["new"]))


def load_all(names: Iterable[str] | None = None) -> list[Mutant]:
    found = {}
    for path in sorted(MUTANTS.glob("*/*.yaml")):
        try:
            doc = yamlfile.read(path)
            mutant = Mutant(path.stem, path.parent.name, doc["description"], doc["kills"], doc["replace"], doc.get("states", []))
        except (yaml.YAMLError, KeyError, TypeError) as exc:
            raise MutantError(f"{path}: not a mutant (needs description, kills, replace): {exc}") from exc
        unknown = [rid for rid in mutant.kills if rid not in spec.requirements()]
        if unknown or mutant.side not in REFERENCE:
            raise MutantError(f"{path}: unknown requirements {unknown} or side {mutant.side!r}")
        found[mutant.name] = mutant
    if names:
        missing = sorted(set(names) - set(found))
        if missing:
            raise MutantError(f"no mutants named {missing}; there are: {', '.join(found)}")
        return [found[n] for n in names]
    return list(found.values())


def covering(chosen: Sequence[Mutant]) -> list[Mutant]:
    """A few of `chosen` (picked greedily, then none that the others make redundant) that still break
    every requirement from each side and every state that `chosen` break: `./igny8 test`'s sample, one bug of each class. Its size grows with the
    spec and the states, not with the number of mutants; every mutant runs in `./igny8 selftest`
    (the nightly). In `chosen`'s order, and the same for the same mutants."""
    left = set().union(*(_breaks(m) for m in chosen))
    picked: list[Mutant] = []
    while left:
        # max() keeps the first of equals: the pick depends on the list alone
        best = max((m for m in chosen if m not in picked), key=lambda m: len(_breaks(m) & left))
        picked.append(best)
        left -= _breaks(best)
    for mutant in reversed(picked):  # an early broad pick may be wholly covered by later ones
        if _breaks(mutant) <= set().union(*(_breaks(m) for m in picked if m is not mutant)):
            picked.remove(mutant)
    return [m for m in chosen if m in picked]


def _breaks(mutant: Mutant) -> set[tuple[str, str]]:
    """What a mutant stands for: each requirement it breaks, from its side, and each state it lives in."""
    return {(mutant.side, rid) for rid in mutant.kills} | {("state", state) for state in mutant.states}


def make_plugin(mutant: Mutant, directory: Path | str) -> Path:
    """A mutated copy of the reference plugin in `directory` (replaced if it exists)."""
    directory = Path(directory)
    shutil.rmtree(directory, ignore_errors=True)
    shutil.copytree(REFERENCE_PLUGIN, directory)
    manifest = json.loads((directory / "igny8-conformance.json").read_text())  # the reference's declarations
    (directory / "igny8-conformance.json").write_text(json.dumps({**manifest, "name": f"mutant {mutant.name}"}) + "\n")
    mutant.apply(directory)
    return directory


def build_backend(mutant: Mutant) -> str:
    """Builds igny8/backend:mutant-NAME from a mutated copy of the reference backend; returns the tag."""
    return backend_image.build(f"igny8/backend:mutant-{mutant.name}", f"mutant-{mutant.name}", edit=mutant.apply)
