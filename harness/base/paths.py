"""Where the checkout's folders are: the one place that knows how deep this package sits."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout: harness/base/paths.py is two below it
REPORTS = ROOT / "reports"  # every run folder, and the templates of its pages
