"""A bad --backend-observer, --manifest or --backend-image ends `igny8 run` once, before any stack
starts: one message naming the option, exit status 2 (issue 34). The command line runs for real, with
DOCKER_HOST pointing nowhere: a run that got as far as Docker would end with status 3 (the engine does
not answer), so status 2 with the option's message shows that it stopped before anything started."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.base.paths import ROOT
from harness.runs.inputs import IMAGE_REFERENCE, RunInputError, check_backend_image, check_run_inputs
from harness.runs.options import RunOptions
from harness.stack.config import REFERENCE_BACKEND_IMAGE
from harness.stack.engine import Engine

IGNY8 = Path(sys.executable).parent / "igny8"
NOWHERE = {**os.environ, "DOCKER_HOST": "unix:///nonexistent/igny8-test/docker.sock"}

# The independent backend's first observer file: each query under its own name at the top level.
TOP_LEVEL_QUERIES = """\
integration: SELECT status FROM ig_integrations WHERE id = %(integration_id)s
synced_items: SELECT * FROM ig_items WHERE integration_id = %(integration_id)s
"""


def igny8_run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(IGNY8), "run", *args], cwd=ROOT, env=NOWHERE, capture_output=True, text=True, timeout=120)


@pytest.fixture
def bad_observer(tmp_path):
    path = tmp_path / "observer.yaml"
    path.write_text(TOP_LEVEL_QUERIES)
    return path


@pytest.fixture
def bad_manifest(tmp_path):
    path = tmp_path / "igny8-conformance.json"
    path.write_text('{"capabilities": ["no-such-capability"]')
    return path


def test_an_observer_with_its_queries_at_the_top_level_ends_the_run_once_with_status_2(bad_observer):
    done = igny8_run("--backend-observer", str(bad_observer))
    assert done.returncode == 2, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert done.stderr.splitlines() == [
        f"igny8 run: --backend-observer: {bad_observer}: an observer has `queries:` (a mapping) and `reset:` (a list); see spec/CONTRACT.md 2.2"
    ]
    assert done.stdout == "", "the run began (it chose its stacks) before refusing the observer"


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--manifest", "bad_manifest", "--manifest: "),
        ("--manifest", "/nonexistent/igny8-conformance.json", "--manifest: "),
        ("--backend-image", "Igny8/Backend:latest", "--backend-image: 'Igny8/Backend:latest' is not an image reference"),
        ("--backend-observer", "/nonexistent/observer.yaml", "--backend-observer: /nonexistent/observer.yaml: cannot read the observer"),
    ],
)
def test_a_bad_manifest_image_or_observer_ends_the_run_once_with_status_2(request, option, value, said):
    value = str(request.getfixturevalue(value)) if value == "bad_manifest" else value
    done = igny8_run(option, value)
    assert done.returncode == 2, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"igny8 run: {said}"), lines
    assert done.stdout == ""


def test_with_good_inputs_the_same_command_goes_on_to_docker():
    """The control: the independent backend's observer and the reference's manifest pass, and the run
    goes as far as the engine, which does not answer here (status 3), so the refusals above are the checks'."""
    done = igny8_run("--backend-observer", str(ROOT / "reference" / "backend-alt" / "observer.yaml"))
    assert done.returncode == 3, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert "does not answer" in done.stderr


def test_the_reference_inputs_pass():
    check_run_inputs(RunOptions({"backend_observer": str(ROOT / "reference" / "backend" / "igny8-observer.yaml")}))
    check_run_inputs(RunOptions({"backend_image": REFERENCE_BACKEND_IMAGE}), Engine())  # the harness builds it: never looked for


@pytest.mark.parametrize("image", ["igny8/backend:latest", "localhost:5000/team/backend:1.2", "ghcr.io/a/b@sha256:" + "0" * 64, "nginx"])
def test_image_references_are_read_as_docker_reads_them(image):
    assert IMAGE_REFERENCE.fullmatch(image)


@pytest.mark.parametrize("image", ["Igny8/backend", "igny8/backend:", "igny8//backend", "a b", "-x", "igny8/backend@sha256:xyz"])
def test_malformed_image_references_are_refused(image):
    with pytest.raises(RunInputError, match="not an image reference"):
        check_backend_image(image, None)


def test_an_image_the_engine_neither_has_nor_can_pull_is_refused():
    engine = Engine()
    if not engine.answers():
        pytest.skip("no Docker engine answers here")
    with pytest.raises(RunInputError, match="has no image 'igny8/no-such-backend:never' and could not pull it"):
        check_backend_image("igny8/no-such-backend:never", engine)
