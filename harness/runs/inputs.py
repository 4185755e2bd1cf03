"""The files and images a run is given, checked once before anything starts: a bad --backend-observer,
--manifest or --backend-image ends the run with one message (exit 2, harness.cli), not with one error
per test after the stacks are up (issue 34: an observer with its queries at the top level once gave
280 errors)."""

from __future__ import annotations

import re
from pathlib import Path

from harness.runs.options import RunOptions
from harness.stack.config import REFERENCE_BACKEND_IMAGE, REFERENCE_PLUGIN
from harness.stack.engine import Engine
from harness.target import manifest
from harness.target.observer import ObserverError, ObserverSpec


class RunInputError(ValueError):
    """An option names a file or an image the run cannot use: the message names the option and what is wrong."""


# A Docker image reference (the distribution project's grammar): [registry[:port]/]path[:tag][@digest].
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_HOST = r"(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?::[0-9]+)?|[A-Za-z0-9-]+:[0-9]+"
_TAG = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
IMAGE_REFERENCE = re.compile(rf"(?:(?:{_HOST})/)?{_COMPONENT}(?:/{_COMPONENT})*(?::{_TAG})?(?:@{_DIGEST})?")


def check_observer(path: str | None) -> None:
    """--backend-observer: readable, its layout spec/CONTRACT.md 2.2's, its queries the harness's own tenant's."""
    if path is None:
        return
    try:
        ObserverSpec.load(path)
    except ObserverError as exc:
        raise RunInputError(f"--backend-observer: {exc}") from exc


def check_manifest(path: str | None, plugin_dir: str | None) -> None:
    """--manifest, or the plugin's own manifest when none is named: the one the run will read."""
    folder = Path(plugin_dir or REFERENCE_PLUGIN)
    if path is not None and not Path(path).is_file():  # a plugin without one claims nothing; a manifest named must be there
        raise RunInputError(f"--manifest: {path}: no such file")
    try:
        manifest.load(path or folder / manifest.FILENAME, default_name=folder.name)
    except manifest.ManifestError as exc:
        raise RunInputError(f"--manifest: {exc}" if path else f"the plugin's manifest: {exc}") from exc


def check_backend_image(image: str | None, engine: Engine | None) -> None:
    """--backend-image: a well-formed image reference, and, when the engine answers, an image it has
    or can pull. The reference image is the harness's to build, so it is never looked for."""
    if image is None or image == REFERENCE_BACKEND_IMAGE:
        return
    if not IMAGE_REFERENCE.fullmatch(image):
        raise RunInputError(f"--backend-image: {image!r} is not an image reference (name[:tag][@digest], lower case)")
    if engine is not None and engine.answers() and not engine.image_exists(image) and not engine.pull(image):
        raise RunInputError(f"--backend-image: the Docker engine has no image {image!r} and could not pull it (docker images; docker load)")


def check_run_inputs(run: RunOptions, engine: Engine | None = None) -> None:
    """Every file and image option of `run`, before any stack starts; RunInputError for the first bad one."""
    check_observer(run["backend_observer"])
    check_manifest(run["manifest"], run["plugin"])
    check_backend_image(run["backend_image"], engine)
