"""Wheels for the backend image, downloaded on the host (whose pip reaches PyPI) once.

Inside a container PyPI may fail TLS verification (a proxy's CA lives only on the host), so the
image installs with --no-index from this folder. The backend image is bookworm's Python 3.11.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
import sys
from pathlib import Path

from harness.base.paths import ROOT
from harness.base.progress import step

REQUIREMENTS = ROOT / "reference" / "backend" / "requirements.txt"
WHEELHOUSE = ROOT / "wordpress-stack" / "build" / "wheelhouse"
ARCH = platform.machine()
TARGET = ["--python-version", "3.11", "--implementation", "cp", "--abi", "cp311"] + [
    arg for tag in (f"manylinux2014_{ARCH}", f"manylinux_2_17_{ARCH}", f"manylinux_2_28_{ARCH}", "any") for arg in ("--platform", tag)
]


def ensure(requirements: Path = REQUIREMENTS, folder: Path = WHEELHOUSE) -> Path:
    """`folder` holding the wheels of `requirements` (the reference backend's by default), downloaded once."""
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:16]
    stamp = folder / ".requirements-sha256"
    if stamp.exists() and stamp.read_text() == digest and any(folder.glob("*.whl")):  # a stamp left beside no wheels is stale
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    with step(f"downloading the wheels of {requirements.relative_to(ROOT)} on the host"):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--disable-pip-version-check",
                "-q",
                "--only-binary=:all:",
                *TARGET,
                "-r",
                str(requirements),
                "-d",
                str(folder),
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise RuntimeError(f"pip download failed:\n{result.stderr[-3000:]}")
    stamp.write_text(digest)
    return folder
