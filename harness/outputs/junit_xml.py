"""junit.xml, for CI systems: pytest's own junitxml plugin writes it, turned on here."""

from __future__ import annotations

from pathlib import Path

import pytest

from .base import FileOutput


class JunitXml(FileOutput):
    name, filename = "junit", "junit.xml"

    def configure(self, config: pytest.Config, run_dir: Path) -> None:
        if not config.option.xmlpath:
            config.option.xmlpath = str(run_dir / self.filename)


OUTPUT = JunitXml()
