"""Images of the reference backend other than the stack's own: a mutant (its source edited) or a
variant (built with other settings), built from a copy of the source with the engine's classic
builder, the same Dockerfile and the host's wheelhouse."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from harness.base.progress import step
from harness.spec import spec
from harness.stack.config import ROOT
from harness.stack.engine import Engine
from harness.stack.images import base_image, wheelhouse

SOURCE = ROOT / "reference" / "backend"
# Variants: the reference built with other settings, each with the observer file that goes with it.
RENAMED_TABLES = "igny8/backend:renamed-tables"
VARIANTS = {RENAMED_TABLES: ({"IGNY8_TABLE_STYLE": "renamed"}, SOURCE / "igny8-observer-renamed.yaml")}


def build(tag: str, revision: str, edit: Callable[[Path], None] | None = None, build_args: Mapping[str, str] | None = None) -> str:
    """Builds `tag` from a copy of the reference backend, edited by `edit` first; returns the tag."""
    with base_image.BUILDING:
        base = base_image.ensure("bookworm")
        houses = wheelhouse.ensure()
    with tempfile.TemporaryDirectory(prefix="igny8-backend-") as folder, step(f"building {tag}"):
        ctx = Path(folder)
        shutil.copytree(SOURCE, ctx / "reference" / "backend", ignore=shutil.ignore_patterns("__pycache__"))
        if edit:
            edit(ctx / "reference" / "backend")
        (ctx / "spec").mkdir()
        shutil.copy(spec.structure_schema_path(), ctx / "spec")
        shutil.copytree(ROOT / "wordpress-stack" / "backend", ctx / "wordpress-stack" / "backend")
        shutil.copytree(houses, ctx / "wordpress-stack" / "build" / "wheelhouse", copy_function=os.link)
        args = {"BASE_IMAGE": base, "IGNY8_REVISION": revision, **(build_args or {})}
        Engine().build(ctx, "wordpress-stack/backend/Dockerfile", tag, args)
    return tag


def variant(tag: str) -> tuple[str, Path]:
    """A variant's image (built if needed) and its observer file."""
    args, observer = VARIANTS[tag]
    return build(tag, tag.split(":")[-1], build_args=args), observer
