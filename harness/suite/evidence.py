"""Evidence for every step: what a test saw, kept whole in memory while it runs; what the run keeps
of it is decided when the test's outcome is known (`retain`, called by harness.suite.collector as
each test's reports arrive), as Playwright's `retain-on-failure` does:

- every test keeps one line per HTTP exchange (method, path, status, time): the `exchanges` items;
- a failing, flaky or erroring test, and every test when the run says `--evidence all`, also keeps
  everything it saw (each exchange in full, log lines, database rows, screenshots), written once, to
  `evidence/<key>/` in the run folder. The Allure results get the same files as hard links
  (harness.outputs.allure_results): one copy on disk.

`<key>` is a short hash of the test's node id beside the whole node id made safe for a file name
(`folder_key`): never cut, so two tests never share a folder.

Everything passes through the stack's mask first: no secret reaches a report.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness.base.masking import mask
from harness.clients.http import Exchange
from harness.outputs.base import SUMMARY  # the kind of the one-line-per-exchange item that every test keeps
from harness.runs.results import ERROR, FAIL, FLAKY

MODES = ("failures", "all")  # --evidence: full evidence for failing, flaky and erroring tests only, or for every test
CONTENT = "content"  # an item's text or bytes while its test runs; gone once retained (a file, or inline text)
SUMMARY_LINES = 100  # the last lines of one source's exchanges that a summary keeps (a property test makes hundreds)
INLINE_LIMIT = 20000  # characters of a text kept inline when the run writes no report folder
NAME_MAX = 240  # bytes of one path component (most file systems allow 255)


class Evidence:
    def __init__(self, directory: Path | None, secrets: Iterable[str] = ()) -> None:
        # Where the run folder's evidence would go (reports/<run-id>/evidence/...), or None when no
        # report is written. Nothing is written while the test runs: `retain` writes what is kept.
        self.directory = directory
        self.secrets = [s for s in secrets if s]
        self.items: list[dict[str, Any]] = []

    def _keep(self, name: str, kind: str, content: str | bytes) -> None:
        self.items.append({"name": name, "kind": kind, CONTENT: content})

    def text(self, name: str, text: object) -> None:
        self._keep(name, "txt", mask(str(text), self.secrets))

    def json(self, name: str, data: Any) -> None:
        self._keep(name, "json", mask(json.dumps(data, indent=2, ensure_ascii=False, default=str), self.secrets))

    def summary(self, name: str, data: Any) -> None:
        """What a reader of a passing run needs too (the transitions a model covered, the timings a
        ceiling was judged by): kept inline whatever the test's outcome, as the exchanges' lines are.
        Small by nature; anything large belongs in `json`."""
        text = data if isinstance(data, str) else json.dumps(data, indent=1, ensure_ascii=False, default=str)
        self.items.append({"name": name, "kind": SUMMARY, "text": mask(text, self.secrets)})

    def png(self, name: str, data: bytes) -> None:
        self._keep(name, "png", data)

    def http(self, name: str, exchanges: Sequence[Exchange], keep: int = 12) -> None:
        """One line per exchange (every test keeps these), and the last `keep` exchanges in full
        (kept when the test fails): a property test makes hundreds, and the end is where it failed."""
        if not exchanges:
            return
        lines = [exchange_line(e, self.secrets) for e in exchanges]
        shown = lines[-SUMMARY_LINES:]
        if len(lines) > len(shown):
            shown.insert(0, f"… {len(lines) - len(shown)} earlier exchanges")
        self.items.append({"name": f"{name}: {len(lines)} exchanges", "kind": SUMMARY, "text": "\n".join(shown)})
        if len(exchanges) > keep:
            self.text(f"{name}: {len(exchanges) - keep} earlier exchanges left out", f"{len(exchanges)} exchanges; the last {keep} follow.")
            exchanges = exchanges[-keep:]
        for i, exchange in enumerate(e.rendered() for e in exchanges):
            self.text(
                f"{name} {i + 1}: {exchange['request'].splitlines()[0][:80]}",
                f"{exchange['request']}\n\n--- {exchange['seconds']}s ---\n\n{exchange['response']}",
            )


def exchange_line(exchange: Exchange, secrets: Iterable[str] = ()) -> str:
    """`POST /api/v1/integration/integrations/connect/ → 401 0.012s`: the path without the stack's
    host and port (they change every run), masked."""
    request = exchange.response.request
    url = urlsplit(str(request.url or ""))
    path = url.path + (f"?{url.query}" if url.query else "")
    if len(path) > 300:
        path = path[:300] + "…"
    return mask(f"{request.method} {path} → {exchange.response.status_code} {exchange.seconds:.3f}s", [*secrets, *exchange.secrets])


def keeps_everything(mode: str, statuses: Iterable[str]) -> bool:
    """Whether a test attempt keeps its full evidence: with `--evidence all`, or when this attempt or
    an earlier one of the same test did not pass (a FLAKY test's passing attempt is kept whole too,
    beside the failure it contradicts)."""
    return mode == "all" or any(s in (FAIL, ERROR, FLAKY) for s in statuses)


def retain(items: Sequence[dict[str, Any]], keep_all: bool, run_dir: Path | None, nodeid: str, attempt: int = 1) -> list[dict[str, Any]]:
    """What an attempt's evidence keeps, once its outcome is known: the summaries always; with
    keep_all, every item too, each written to `folder_for(run_dir, nodeid, attempt)` (its path in
    the item, relative to the run folder), or inline as text when there is no run folder. An item
    already retained (no content) stays as it is: retaining twice changes nothing."""
    kept: list[dict[str, Any]] = []
    folder = folder_for(run_dir, nodeid, attempt) if run_dir is not None else None
    for number, item in enumerate(items):
        if CONTENT not in item:  # a summary, or retained already
            kept.append(dict(item))
            continue
        if not keep_all:
            continue
        content = item[CONTENT]
        entry = {k: v for k, v in item.items() if k != CONTENT}
        if folder is not None and run_dir is not None:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / file_name(number, entry["name"], entry["kind"])
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content)
            entry["path"] = path.relative_to(run_dir).as_posix()
        elif isinstance(content, str):
            entry["text"] = content if len(content) < INLINE_LIMIT else content[:INLINE_LIMIT] + "\n…"
        kept.append(entry)
    return kept


def folder_key(nodeid: str) -> str:
    """`<8 hex digits of the node id's SHA-1>-<the whole node id, made safe>`: readable, and unique
    even where two node ids differ only where the safe form cannot tell (`a/b` and `a_b`)."""
    digest = hashlib.sha1(nodeid.encode()).hexdigest()[:8]
    return f"{digest}-{_safe(nodeid)}"


def folder_for(run_dir: Path, nodeid: str, attempt: int = 1) -> Path:
    """evidence/<key>/ in the run folder (attempt-N/ inside it for a re-run's later attempts). A key
    longer than a file name may be goes on in a subfolder: split, never cut."""
    folder = run_dir / "evidence" / Path(*_components(folder_key(nodeid)))
    return folder if attempt <= 1 else folder / f"attempt-{attempt}"


def file_name(number: int, name: str, kind: str) -> str:
    """`NN-<the item's name, made safe>.<kind>`, within one file name's length."""
    stem = f"{number:02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', name).strip('-.') or 'item'}"
    suffix = f".{kind}"
    return _components(stem, NAME_MAX - len(suffix))[0] + suffix


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_.[]=,+@" else "_" for c in text)


def _components(text: str, limit: int = NAME_MAX) -> list[str]:
    """`text` in pieces of at most `limit` bytes (UTF-8), each cut on a character boundary."""
    parts, current, size = [], "", 0
    for char in text:
        width = len(char.encode())
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    return [*parts, current] if current or not parts else parts
