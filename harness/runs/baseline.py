"""Known failures: a baseline file per implementation, so a run fails only on what is new.

    # baselines/acme-plugin.yaml
    - test: scenarios/test_labels.py::test_labels_in_any_script_arrive_unchanged
      reason: emoji labels are cut at the first astral character
      bug: https://tracker.example/ACME-12
      expires: 2026-12-31
    - requirement: LOG-2          # every test naming LOG-2
      reason: ...
      bug: ...
      expires: 2026-12-01

An entry matches a test by node id or by a requirement it names. A matched failure is reported
as a known FAIL and does not fail the run; an expired entry matches nothing, so it fails again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from harness.base import yamlfile
from harness.spec import spec

FIELDS = ("reason", "bug", "expires")


class BaselineError(ValueError):
    pass


@dataclass(frozen=True)
class KnownFailure:
    reason: str
    bug: str
    expires: date
    test: str | None = None
    requirement: str | None = None

    def matches(self, nodeid: str, requirement_ids: Iterable[str]) -> bool:
        return self.test in (nodeid.split("[")[0], nodeid) or (self.requirement is not None and self.requirement in set(requirement_ids))

    def expired(self, today: date | None = None) -> bool:
        return (today or date.today()) > self.expires


def load(path: Path | str) -> list[KnownFailure]:
    path = Path(path)
    try:
        entries = yamlfile.read(path) or []
    except (OSError, yaml.YAMLError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline ({exc})") from exc
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: a baseline is a list of entries")
    known = []
    for n, entry in enumerate(entries, 1):
        where = f"{path}: entry {n}"
        if not isinstance(entry, dict):
            raise BaselineError(f"{where}: not a mapping")
        missing = [f for f in FIELDS if not entry.get(f)]
        if missing or not (entry.get("test") or entry.get("requirement")):
            raise BaselineError(f"{where}: needs test or requirement, and {', '.join(FIELDS)} (missing: {', '.join(missing) or 'test/requirement'})")
        if entry.get("requirement") and entry["requirement"] not in spec.requirements():
            raise BaselineError(f"{where}: unknown requirement {entry['requirement']}")
        expires = entry["expires"]
        if not isinstance(expires, date):
            try:
                expires = date.fromisoformat(str(expires))
            except ValueError as exc:
                raise BaselineError(f"{where}: expires must be a date (YYYY-MM-DD), not {expires!r}") from exc
        known.append(KnownFailure(str(entry["reason"]), str(entry["bug"]), expires, entry.get("test"), entry.get("requirement")))
    return known


def find(known: Iterable[KnownFailure], nodeid: str, requirement_ids: Iterable[str], today: date | None = None) -> KnownFailure | None:
    """The unexpired entry that covers this test, if any."""
    return next((k for k in known if k.matches(nodeid, requirement_ids) and not k.expired(today)), None)
