"""A backend's observer (spec/CONTRACT.md, 2.2): named SQL queries over its database, each scoped
to one integration, that show what the API cannot (what is stored, and that a refused request
stored nothing), and the statements that reset one integration. The harness reads and resets only
the tenants it made, through this file, and refuses a file that could reach further."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import yaml
from psycopg.rows import dict_row

from harness.base import yamlfile

PARAMETER = "%(integration_id)s"
QUERIES = ("integration", "synced_items", "synced_terms", "key_material")
INTEGRATION_COLUMNS = {"site_id", "status", "is_active", "structure", "last_structure_fetch", "structure_synced_at", "connected_at"}
FORBIDDEN = re.compile(r"\b(TRUNCATE|DROP|ALTER|GRANT|REVOKE|CREATE)\b", re.I)


class ObserverError(ValueError):
    pass


@dataclass(frozen=True)
class ObserverSpec:
    name: str
    queries: dict[str, str]
    reset: list[str]
    path: Path

    @classmethod
    def load(cls, path: Path | str) -> ObserverSpec:
        path = Path(path)
        try:
            doc = yamlfile.read(path)
        except (OSError, yaml.YAMLError) as exc:
            raise ObserverError(f"{path}: cannot read the observer ({exc})") from exc
        if not isinstance(doc, dict) or not isinstance(doc.get("queries"), dict) or not isinstance(doc.get("reset"), list):
            raise ObserverError(f"{path}: an observer has `queries:` (a mapping) and `reset:` (a list); see spec/CONTRACT.md 2.2")
        missing = [q for q in QUERIES if q not in doc["queries"]]
        if missing:
            raise ObserverError(f"{path}: the observer lacks the queries {missing}")
        problems = [f"query {name}: {p}" for name, sql in doc["queries"].items() for p in _problems(str(sql), select=True)]
        problems += [f"reset statement {n}: {p}" for n, sql in enumerate(doc["reset"], 1) for p in _problems(str(sql), select=False)]
        if problems:
            raise ObserverError(f"{path}: the harness touches only its own tenant, so it refuses this observer:\n  " + "\n  ".join(problems))
        return cls(str(doc.get("name") or path.stem), {k: str(v) for k, v in doc["queries"].items()}, [str(s) for s in doc["reset"]], path)


def _problems(sql: str, select: bool) -> list[str]:
    found = []
    if PARAMETER not in sql:
        found.append(f"not scoped by {PARAMETER}")
    if not re.search(r"\bWHERE\b", sql, re.I):
        found.append("has no WHERE")
    if FORBIDDEN.search(sql):
        found.append(f"uses {FORBIDDEN.search(sql).group(1).upper()}")  # type: ignore[union-attr]
    if select and not re.match(r"\s*(SELECT|WITH)\b", sql, re.I):
        found.append("is not a SELECT")
    if ";" in sql.strip().rstrip(";"):
        found.append("holds more than one statement")
    return found


class Observer:
    def __init__(self, spec: ObserverSpec, dsn: str) -> None:
        self.spec, self.dsn = spec, dsn
        self._conn: psycopg.Connection[dict[str, Any]] | None = None

    def _rows(self, sql: str, integration_id: int) -> list[dict[str, Any]]:
        for attempt in (1, 2):
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = psycopg.connect(self.dsn, row_factory=dict_row, autocommit=True)
                cursor = self._conn.execute(sql, {"integration_id": integration_id})
                return cursor.fetchall() if cursor.description else []
            except psycopg.OperationalError:  # the database restarted: connect once more
                self._conn = None
                if attempt == 2:
                    raise
        return []

    def integration(self, integration_id: int) -> dict[str, Any] | None:
        rows = self._rows(self.spec.queries["integration"], integration_id)
        if rows and not INTEGRATION_COLUMNS <= set(rows[0]):
            raise ObserverError(f"{self.spec.path}: query integration must return {sorted(INTEGRATION_COLUMNS)}; it returns {sorted(rows[0])}")
        return rows[0] if rows else None

    def synced_items(self, integration_id: int) -> list[dict[str, Any]]:
        return self._rows(self.spec.queries["synced_items"], integration_id)

    def synced_terms(self, integration_id: int) -> list[dict[str, Any]]:
        return self._rows(self.spec.queries["synced_terms"], integration_id)

    def key_material(self, integration_id: int) -> list[dict[str, Any]]:
        return self._rows(self.spec.queries["key_material"], integration_id)

    def reset(self, integration_id: int) -> None:
        for statement in self.spec.reset:
            self._rows(statement, integration_id)

    def server_version(self) -> str:
        """The database's own version ("15.8 (Debian 15.8-0+deb12u1)"): for the run's record, and
        what the backend's anonymous health must not tell (OPS-3). Reads no tenant's rows."""
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else ""

    def snapshot(self, integration_id: int) -> str:
        """Everything the observer shows of one integration, as text: equal text, equal rows."""
        rows = {name: self._rows(self.spec.queries[name], integration_id) for name in QUERIES}
        return json.dumps(rows, sort_keys=True, default=str)
