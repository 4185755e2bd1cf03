"""Evidence for every step: what a test saw, attached to Allure and kept for the HTML report.

Everything passes through the stack's mask first: no secret reaches a report.
"""

import json
import re

import allure

from .stack.project import mask


class Evidence:
    def __init__(self, directory, secrets=()):
        self.directory = directory  # reports/<run-id>/evidence/<test>, or None when no report is written
        self.secrets = [s for s in secrets if s]
        self.items = []

    def _keep(self, name, kind, content, binary=False):
        """On disk when the run has a report folder (results.json then holds the path); inline otherwise."""
        entry = {"name": name, "kind": kind}
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / f"{len(self.items):02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)[:60]}.{kind}"
            path.write_bytes(content) if binary else path.write_text(content)
            entry["path"] = str(path)
        elif not binary:
            entry["text"] = content if len(content) < 20000 else content[:20000] + "\n…"
        self.items.append(entry)

    def text(self, name, text):
        text = mask(str(text), self.secrets)
        allure.attach(text, name=name, attachment_type=allure.attachment_type.TEXT)
        self._keep(name, "txt", text)

    def json(self, name, data):
        text = mask(json.dumps(data, indent=2, ensure_ascii=False, default=str), self.secrets)
        allure.attach(text, name=name, attachment_type=allure.attachment_type.JSON)
        self._keep(name, "json", text)

    def png(self, name, data):
        allure.attach(data, name=name, attachment_type=allure.attachment_type.PNG)
        self._keep(name, "png", data, binary=True)

    def http(self, name, exchanges, keep=12):
        """The last `keep` exchanges: a property test makes hundreds, and the end is where it failed."""
        if len(exchanges) > keep:
            self.text(f"{name}: {len(exchanges) - keep} earlier exchanges left out", f"{len(exchanges)} exchanges; the last {keep} follow.")
            exchanges = exchanges[-keep:]
        for i, exchange in enumerate(exchanges):
            self.text(
                f"{name} {i + 1}: {exchange['request'].splitlines()[0][:80]}",
                f"{exchange['request']}\n\n--- {exchange['seconds']}s ---\n\n{exchange['response']}",
            )
