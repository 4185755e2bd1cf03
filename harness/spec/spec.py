"""The protocol's requirements, read from spec/requirements.yaml (the one source of truth)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from harness.base import yamlfile
from harness.base.paths import ROOT

SPEC_DIR = ROOT / "spec"
LEVELS = ("MUST", "SHOULD", "MAY")
SIDES = ("plugin", "backend", "frontend")


@dataclass(frozen=True)
class Requirement:
    id: str
    level: str
    side: str
    title: str
    statement: str
    observe: str
    capability: str | None = None

    @property
    def area(self) -> str:
        return self.id.split("-")[0]


@lru_cache(maxsize=1)
def load(path: Path = SPEC_DIR / "requirements.yaml") -> tuple[dict[str, Requirement], dict[str, str]]:
    """Returns ({id: Requirement}, {area: title}); refuses a malformed file with the entry at fault."""
    doc = yamlfile.read(Path(path))
    areas, found = doc["areas"], {}
    for entry in doc["requirements"]:
        req = Requirement(**entry)
        problems = [
            f"duplicate id {req.id}" if req.id in found else None,
            f"level {req.level!r} not in {LEVELS}" if req.level not in LEVELS else None,
            f"side {req.side!r} not in {SIDES}" if req.side not in SIDES else None,
            f"area {req.area!r} not declared under areas:" if req.area not in areas else None,
        ]
        problems_found = [p for p in problems if p]
        if problems_found:
            raise ValueError(f"{path}: requirement {req.id}: {'; '.join(problems_found)}")
        found[req.id] = req
    return found, areas


def requirements() -> dict[str, Requirement]:
    return load()[0]


def areas() -> dict[str, str]:
    return load()[1]


def structure_schema_path() -> Path:
    return SPEC_DIR / "structure.schema.json"


TABLE_BEGIN = "<!-- requirements:begin (rendered from requirements.yaml by `igny8 spec render`; do not edit) -->"
TABLE_END = "<!-- requirements:end -->"


def render_table() -> str:
    """The requirements as Markdown, one table per area, for PROTOCOL.md."""
    reqs, area_titles = load()
    lines = []
    for area, title in area_titles.items():
        lines += [f"### {area} — {title}", "", "| ID | Level | Binds | Requirement | Observed by |", "|---|---|---|---|---|"]
        for r in (r for r in reqs.values() if r.area == area):
            optional = f" *(optional: `{r.capability}`)*" if r.capability else ""
            lines.append(f"| **{r.id}** | {r.level} | {r.side} | **{r.title}.** {r.statement}{optional} | {r.observe} |")
        lines.append("")
    return "\n".join([TABLE_BEGIN, "", *lines, TABLE_END])


def render_into(protocol_path: Path = SPEC_DIR / "PROTOCOL.md") -> str:
    text = Path(protocol_path).read_text()
    head, _, rest = text.partition(TABLE_BEGIN)
    _, _, tail = rest.partition(TABLE_END)
    return head + render_table() + tail
