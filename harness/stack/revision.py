"""Which code the reference backend runs: a hash of its source, baked into its image and
answered by its health endpoint, so a test can tell it runs this checkout (OPS-1)."""

import hashlib
from pathlib import Path

from harness.stack.config import ROOT


def source_revision(tree: Path = ROOT / "reference" / "backend") -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in tree.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(tree)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]
