"""Whether a stack's images are already built from the files on disk now, told without compose.

`docker compose build` costs about 1.2 s of every warm start even when every layer is cached: a
compose start, and a build context sent, per image. After a build, the stamp records for each image
a fingerprint of what it was built from (its Dockerfile, its build arguments, and the path, size and
modification time of every file its context sends) with the ID the engine gave it. At the next start,
images whose fingerprint and ID both still match are not built again; anything else (a file edited,
touched or added, an image removed or rebuilt by hand) goes to compose, which builds as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from harness.base import yamlfile
from harness.base.progress import step
from harness.stack.engine import ComposeProject
from harness.stack.images import base_image

STAMP = base_image.CACHE / "built-images.json"
IMAGES = "igny8/"  # the prefix of every image the stack's compose file builds or builds from
_VARIABLE = re.compile(r"\$\{(\w+)\}")


def _resolve(text: str, env: Mapping[str, str]) -> str:
    return _VARIABLE.sub(lambda m: env.get(m.group(1), ""), text)


def _sent_files(context: Path) -> Iterator[Path] | None:
    """The files a build of `context` sends; None when its .dockerignore is more than this
    repository's allow-list form (`*`, then `!path` lines, and `**/__pycache__`): then no stamp."""
    ignore = context / ".dockerignore"
    if not ignore.exists():
        return (p for p in sorted(context.rglob("*")) if p.is_file())
    allowed = []
    for line in ignore.read_text().splitlines():
        line = line.strip()
        if line.startswith("!"):
            allowed.append(context / line[1:])
        elif line and not line.startswith("#") and line not in ("*", "**/__pycache__"):
            return None
    found = [ignore]
    for path in allowed:
        found += [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return iter(sorted(found))


def fingerprints(compose_file: Path, env: Mapping[str, str], services: Sequence[str], image_ids: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """{service: (its image's tag, the fingerprint of what it is built from)}, where a build
    argument naming an image (the base) counts by that image's ID; a service whose context cannot
    be fingerprinted is left out, and so always built."""
    declared = yamlfile.read(compose_file)["services"]
    found = {}
    for service in services:
        build = declared[service]["build"]
        context = (compose_file.parent / build["context"]).resolve()
        files = _sent_files(context)
        if files is None:
            continue
        digest = hashlib.sha256()
        for name, value in sorted(build.get("args", {}).items()):
            resolved = _resolve(str(value), env)
            digest.update(f"{name}={resolved}\0{image_ids.get(resolved, '')}\0".encode())
        for path in (context / build.get("dockerfile", "Dockerfile"), *files):
            stat = path.stat()
            digest.update(f"{path.relative_to(context)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
        found[service] = (_resolve(declared[service]["image"], env), digest.hexdigest())
    return found


def _recorded() -> dict[str, dict[str, str]]:
    try:
        return dict(json.loads(STAMP.read_text()))
    except (OSError, ValueError):
        return {}  # none yet, or unreadable: build


def images_named(compose_file: Path, env: Mapping[str, str], services: Sequence[str]) -> list[str]:
    """The images `services` are built as, and those their build arguments name (the bases)."""
    declared = yamlfile.read(compose_file)["services"]
    named = set()
    for service in services:
        values = [declared[service]["image"], *map(str, declared[service]["build"].get("args", {}).values())]
        named |= {resolved for value in values if (resolved := _resolve(value, env)).startswith(IMAGES)}
    return sorted(named)


def build(project: ComposeProject, compose_file: Path, env: Mapping[str, str], services: Sequence[str]) -> list[str]:
    """Builds those of `services` whose image is not known to be built from these files, stamps
    them, and returns them."""
    images = images_named(compose_file, env, services)
    ids = project.engine.image_ids(images)
    wanted = fingerprints(compose_file, env, services, ids)
    recorded = _recorded()
    built_already = {s for s, (tag, digest) in wanted.items() if tag in ids and recorded.get(tag) == {"built_from": digest, "id": ids[tag]}}
    to_build = [s for s in services if s not in built_already]
    if not to_build:
        return []
    with step(f"building images for {project.name} (cached layers make this quick)"):
        project.build(to_build)
    ids = project.engine.image_ids(images)
    # Read again: another run may have stamped its own images meanwhile.
    stamps = _recorded() | {tag: {"built_from": digest, "id": ids[tag]} for s, (tag, digest) in wanted.items() if s in to_build and tag in ids}
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    partial = STAMP.with_suffix(f".{os.getpid()}.partial")
    partial.write_text(json.dumps(stamps, indent=1, sort_keys=True))
    partial.replace(STAMP)  # whole or not at all: another run may be reading it
    return to_build
