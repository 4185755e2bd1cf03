"""Where the checkout's folders are: the one place that knows how deep this package sits."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout: harness/base/paths.py is two below it
REPORTS = ROOT / "reports"  # every run folder, and the templates of its pages
# The real third-party plugins of fixtures/plugins/corpus.json live outside the checkout: their code is
# not the project's to commit. fixtures/plugins/README.md says how to put them here.
PLUGIN_CORPUS = Path(os.environ.get("IGNY8_PLUGIN_CORPUS") or Path.home() / ".cache" / "igny8" / "plugin-corpus").expanduser()
