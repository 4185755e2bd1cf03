"""What most outputs share: nothing to configure, or nothing to write at the end; the kinds of
evidence item they read."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from harness.runs.options import RunOptions

# An evidence item's kind (harness.suite.evidence): one line per HTTP exchange, which every test
# keeps; the other kinds (txt, json, png) are files that only a test keeping everything keeps.
SUMMARY = "exchanges"


class FileOutput:
    name = ""
    filename = ""

    def configure(self, config: pytest.Config, run_dir: Path) -> None:
        """Nothing to turn on in pytest."""

    def write(self, doc: dict[str, Any], run_dir: Path, options: RunOptions) -> None:
        """Nothing to write at the end."""
