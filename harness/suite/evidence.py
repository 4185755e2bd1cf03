"""Evidence for every step: what a test saw, attached to Allure and kept for the HTML report.

Everything passes through the stack's mask first: no secret reaches a report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import allure

from harness.base.masking import mask
from harness.clients.http import Exchange


class Evidence:
    def __init__(self, directory: Path | None, secrets: Iterable[str] = ()) -> None:
        self.directory = directory  # reports/<run-id>/evidence/<test>, or None when no report is written
        self.secrets = [s for s in secrets if s]
        self.items: list[dict[str, Any]] = []

    def _keep(self, name: str, kind: str, content: str | bytes, binary: bool = False) -> None:
        """On disk when the run has a report folder (results.json then holds the path); inline otherwise."""
        entry = {"name": name, "kind": kind}
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / f"{len(self.items):02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)[:60]}.{kind}"
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content)
            entry["path"] = str(path)
        elif isinstance(content, str):
            entry["text"] = content if len(content) < 20000 else content[:20000] + "\n…"
        self.items.append(entry)

    def text(self, name: str, text: object) -> None:
        text = mask(str(text), self.secrets)
        allure.attach(text, name=name, attachment_type=allure.attachment_type.TEXT)
        self._keep(name, "txt", text)

    def json(self, name: str, data: Any) -> None:
        text = mask(json.dumps(data, indent=2, ensure_ascii=False, default=str), self.secrets)
        allure.attach(text, name=name, attachment_type=allure.attachment_type.JSON)
        self._keep(name, "json", text)

    def png(self, name: str, data: bytes) -> None:
        allure.attach(data, name=name, attachment_type=allure.attachment_type.PNG)
        self._keep(name, "png", data, binary=True)

    def http(self, name: str, exchanges: Sequence[Exchange], keep: int = 12) -> None:
        """The last `keep` exchanges: a property test makes hundreds, and the end is where it failed."""
        if len(exchanges) > keep:
            self.text(f"{name}: {len(exchanges) - keep} earlier exchanges left out", f"{len(exchanges)} exchanges; the last {keep} follow.")
            exchanges = exchanges[-keep:]
        for i, exchange in enumerate(e.rendered() for e in exchanges):
            self.text(
                f"{name} {i + 1}: {exchange['request'].splitlines()[0][:80]}",
                f"{exchange['request']}\n\n--- {exchange['seconds']}s ---\n\n{exchange['response']}",
            )
