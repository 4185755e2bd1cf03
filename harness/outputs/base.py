"""What most outputs share: nothing to configure, or nothing to write at the end."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from harness.runs.options import RunOptions


class FileOutput:
    name = ""
    filename = ""

    def configure(self, config: pytest.Config, run_dir: Path) -> None:
        """Nothing to turn on in pytest."""

    def write(self, doc: dict[str, Any], run_dir: Path, options: RunOptions) -> None:
        """Nothing to write at the end."""
