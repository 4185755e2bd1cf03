"""The build stamp's fingerprints (harness.stack.images.build_stamp): an image counts as built only while
nothing it was built from has changed. A wrong "unchanged" would run a stale image, so every kind of
change must show."""

import os
from pathlib import Path

import pytest
import yaml

from harness.stack.compose import Ports, services_to_build, stack_env
from harness.stack.config import COMPOSE_FILE, StackConfig
from harness.stack.images.build_stamp import fingerprints, images_named
from harness.stack.placement import of_engine
from harness.stack.secrets import Secrets

BASE = "igny8/debian:bookworm"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A compose file with a service built from its own folder and one from the project's root, sent
    through an allow-list .dockerignore (as the backend's is)."""
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "Dockerfile").write_text("FROM ${BASE_IMAGE}\n")
    (tmp_path / "web" / "site.conf").write_text("listen 80;\n")
    (tmp_path / "src" / "__pycache__").mkdir(parents=True)
    (tmp_path / "src" / "app.py").write_text("print('app')\n")
    (tmp_path / "src" / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"\0")
    (tmp_path / "notes.txt").write_text("not sent\n")
    (tmp_path / ".dockerignore").write_text("# sent: only what the image copies\n*\n!src\n**/__pycache__\n")
    (tmp_path / "api.Dockerfile").write_text("FROM ${BASE_IMAGE}\nCOPY src /src\n")
    services = {
        "web": {"build": {"context": "web", "args": {"BASE_IMAGE": "${BASE}"}}, "image": "igny8/web:${SUITE}"},
        "api": {"build": {"context": ".", "dockerfile": "api.Dockerfile", "args": {"BASE_IMAGE": "${BASE}"}}, "image": "igny8/api:x"},
    }
    (tmp_path / "compose.yaml").write_text(yaml.safe_dump({"services": services}))
    return tmp_path / "compose.yaml"


def prints(compose: Path, ids: dict[str, str] | None = None, suite: str = "bookworm") -> dict[str, tuple[str, str]]:
    return fingerprints(compose, {"BASE": BASE, "SUITE": suite}, ["web", "api"], ids if ids is not None else {BASE: "sha256:1"})


def touch_later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def test_the_same_files_and_arguments_give_the_same_fingerprints_and_the_images_tags(project):
    first = prints(project)
    assert first == prints(project)
    assert {service: tag for service, (tag, _) in first.items()} == {"web": "igny8/web:bookworm", "api": "igny8/api:x"}


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "web" / "site.conf").write_text("listen 8080;\n"),  # edited
        lambda root: touch_later(root / "web" / "site.conf"),  # touched: what compose would send again
        lambda root: (root / "web" / "extra.conf").write_text(""),  # added
        lambda root: (root / "web" / "site.conf").unlink(),  # removed
        lambda root: (root / "web" / "Dockerfile").write_text("FROM ${BASE_IMAGE}\nRUN true\n"),
    ],
    ids=["edited", "touched", "added", "removed", "dockerfile"],
)
def test_any_change_to_a_context_changes_its_services_fingerprint_alone(project, change):
    before = prints(project)
    change(project.parent)
    after = prints(project)
    assert after["web"] != before["web"]
    assert after["api"] == before["api"]


def test_only_what_the_dockerignore_lets_through_counts(project):
    before = prints(project)
    (project.parent / "notes.txt").write_text("changed, and never sent\n")
    (project.parent / "src" / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"\1\2")
    assert prints(project)["api"] == before["api"]
    (project.parent / "src" / "app.py").write_text("print('changed')\n")
    edited = prints(project)["api"]
    assert edited != before["api"]
    (project.parent / "api.Dockerfile").write_text("FROM ${BASE_IMAGE}\n")  # named by the service, not sent in its context
    assert prints(project)["api"] != edited


def test_a_build_argument_or_the_base_images_id_changes_every_fingerprint_that_uses_it(project):
    before = prints(project)
    rebased = prints(project, ids={BASE: "sha256:2"})  # the base image made again
    assert rebased["web"] != before["web"] and rebased["api"] != before["api"]
    assert prints(project, suite="trixie")["web"][0] == "igny8/web:trixie"


def test_a_dockerignore_the_stamp_cannot_read_leaves_its_service_to_compose(project):
    (project.parent / ".dockerignore").write_text("*\n!src\nsrc/secret*\n")
    assert set(prints(project)) == {"web"}


def test_every_image_of_the_stacks_compose_file_is_fingerprinted():
    """The repository's own contexts stay in a form the stamp reads: else every start builds again."""
    config = StackConfig()
    env = stack_env("igny8-test", config, Secrets(), Ports(1, 2, 3), "host:1", of_engine())
    found = fingerprints(COMPOSE_FILE, env, services_to_build(config), {})
    assert set(found) == set(services_to_build(config))
    assert found["backend"][0] == config.backend_image
    # Asked of the engine by ID: every image built, and the bases they are built from.
    named = images_named(COMPOSE_FILE, env, services_to_build(config))
    assert {tag for tag, _ in found.values()} | {env["IGNY8_BASE_IMAGE"], env["IGNY8_WP_BASE_IMAGE"]} == set(named)
