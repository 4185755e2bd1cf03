"""The Debian base image every service builds FROM: from a registry when one answers, else made here.

With no registry (as on CI), `debootstrap --variant=minbase` makes the root filesystem and
`docker import` turns it into an image; the rootfs tarball is cached, so this happens once.
"""

import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from harness.base.progress import say, step
from harness.stack.engine import Engine, EngineUnavailable

# Stacks and images made side by side (the lanes of `igny8 test`) build the same base, wheelhouse
# and images: one at a time.
BUILDING = threading.RLock()
CACHE = Path(os.environ.get("IGNY8_CACHE", Path.home() / ".cache" / "igny8"))
MIRROR = os.environ.get("IGNY8_DEBIAN_MIRROR", "http://deb.debian.org/debian")


def name(suite: str) -> str:
    return f"igny8/debian:{suite}"


def ensure(suite: str) -> str:
    """Returns the base image's name for `suite` (bookworm, trixie), making it if needed."""
    engine = Engine()
    image = name(suite)
    if engine.image_exists(image):
        return image
    if os.environ.get("IGNY8_BASE_FROM_REGISTRY", "1") == "1" and _from_registry(engine, suite, image):
        return image
    _bootstrap(engine, suite, image)
    return image


def _from_registry(engine: Engine, suite: str, image: str) -> bool:
    with step(f"pulling debian:{suite}-slim"):
        pulled = engine.pull(f"debian:{suite}-slim")
    if not pulled:
        say("no registry answers; making the base image with debootstrap instead")
        return False
    engine.tag(f"debian:{suite}-slim", image)
    return True


def _bootstrap(engine: Engine, suite: str, image: str) -> None:
    if not shutil.which("debootstrap"):
        raise EngineUnavailable("No registry answers and debootstrap is missing: `apt-get install -y debootstrap`.")
    tarball = CACHE / f"rootfs-{suite}.tar"
    if not tarball.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f"igny8-{suite}-") as root, step(f"debootstrap {suite} (once; ~40 s)"):
            subprocess.run(["debootstrap", "--variant=minbase", suite, root, MIRROR], check=True, capture_output=True)
            # Images are rebuilt often: keep apt's cache out of them.
            Path(root, "etc/apt/apt.conf.d/docker-clean").write_text('DPkg::Post-Invoke { "rm -rf /var/cache/apt/archives/*.deb"; };\n')
            partial = tarball.with_suffix(".partial")
            subprocess.run(["tar", "-C", root, "-cf", partial, "."], check=True)
            partial.rename(tarball)
    with step(f"importing {image}"):
        engine.import_tarball(tarball, image)
