"""The independent backend's image (reference/backend-alt/: Flask, written from spec/ alone): built
from a copy of its source with its own Dockerfile, on the project's Debian base, with a wheelhouse of
its own downloaded on the host (a build reaches no package index). Its tag names its source's digest,
so an unchanged backend is not built again."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from harness.base.progress import step
from harness.spec import spec
from harness.stack.config import ROOT
from harness.stack.engine import Engine
from harness.stack.images import base_image, wheelhouse

SOURCE = ROOT / "reference" / "backend-alt"
OBSERVER = SOURCE / "observer.yaml"
WHEELS = ROOT / "wordpress-stack" / "build" / "wheelhouse-backend-alt"
_BUILT_FROM = ("Dockerfile", "requirements.txt", "manage.py", "gunicorn.conf.py", "igny8alt")


def tag() -> str:
    """igny8/backend-alt:<digest of what the image is built from, the structure schema included>."""
    digest = hashlib.sha256(spec.structure_schema_path().read_bytes())
    for name in _BUILT_FROM:
        path = SOURCE / name
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(file.relative_to(SOURCE).as_posix().encode() + b"\0" + file.read_bytes())
    return f"igny8/backend-alt:{digest.hexdigest()[:12]}"


def ensure() -> tuple[str, Path]:
    """The image (built unless the engine has it) and its observer file."""
    wanted = tag()
    engine = Engine()
    if engine.image_ids([wanted]):
        return wanted, OBSERVER
    with base_image.BUILDING:
        base = base_image.ensure("bookworm")
        wheels = wheelhouse.ensure(SOURCE / "requirements.txt", WHEELS)
    with tempfile.TemporaryDirectory(prefix="igny8-backend-alt-") as folder, step(f"building {wanted}"):
        ctx = Path(folder)
        for name in (*_BUILT_FROM, ".dockerignore"):
            source = SOURCE / name
            if source.is_dir():
                shutil.copytree(source, ctx / name, ignore=shutil.ignore_patterns("__pycache__"))
            elif source.exists():
                shutil.copy(source, ctx / name)
        shutil.copytree(wheels, ctx / "build" / "wheels", copy_function=os.link)
        shutil.copy(spec.structure_schema_path(), ctx / "build" / "structure.schema.json")
        engine.build(ctx, "Dockerfile", wanted, {"BASE": base})
    return wanted, OBSERVER
