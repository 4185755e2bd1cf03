"""`igny8 run --matrix SET`: the suite once per cell of SET (harness/stack/config.py MATRICES),
each in a run folder of its own, then one merged report across them (harness.runs.merge).

A cell whose Debian suite cannot be fetched (bullseye may leave the mirrors) is UNAVAILABLE, with
the reason, and the rest of the matrix still runs."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from harness.base.progress import say
from harness.launch.runner import new_run_dir, run_suite
from harness.runs import results
from harness.runs.options import RunOptions
from harness.stack.config import MATRICES, PHP, Cell
from harness.stack.engine import DockerError
from harness.stack.images import base_image


def run_matrix(matrix: str, run: RunOptions, extra: Sequence[str] = ()) -> tuple[int, Path]:
    """Every cell of `matrix`, one after another (each builds its own stack), then the merge.
    Returns the exit status (0: every cell that may not fail passed) and the merged folder."""
    from harness.outputs.merged_html import write_merged

    cells = MATRICES[matrix]
    run_dirs: list[Path] = []
    for n, cell in enumerate(cells, 1):
        run_dir = new_run_dir(cell.name)
        run_dirs.append(run_dir)
        started = time.monotonic()
        say(f"cell {n}/{len(cells)}: WordPress {cell.wordpress} on PHP {cell.php} -> {run_dir}")
        reason = _unavailable(cell)
        if reason:
            write_unavailable(run_dir, cell, reason)
            say(f"cell {cell.name}: {results.UNAVAILABLE}: {reason}")
            continue
        status = run_suite(run_dir, run.replace(wp=cell.wordpress, php=cell.php, matrix=None), extra, quiet=True)
        verdict = _verdict(run_dir)
        say(f"cell {cell.name}: {verdict} in {time.monotonic() - started:.0f} s (exit {status})")
    merged = write_merged(run_dirs, new_run_dir(f"{matrix}-merged"))
    return exit_status(merged), merged.parent


def exit_status(merged_results: Path) -> int:
    """0 only when the merged verdict is PASS: a cell that may not fail failed, was incomplete or
    could not be built (UNAVAILABLE) all make the matrix run fail."""
    verdict = json.loads(merged_results.read_text())["merged"]["verdict"]
    return 0 if verdict == results.PASS else 1


def _unavailable(cell: Cell) -> str:
    """Why this cell cannot be built here ("" when it can): its base suite cannot be fetched."""
    try:
        base_image.ensure(PHP[cell.php])
    except (subprocess.CalledProcessError, DockerError) as exc:  # debootstrap's or the engine's own message says what failed
        detail = exc.stderr.decode(errors="replace").strip().splitlines()[-1:] if isinstance(exc, subprocess.CalledProcessError) and exc.stderr else [str(exc)]
        return f"the Debian suite {PHP[cell.php]} cannot be fetched: {' '.join(detail)}"
    return ""


def write_unavailable(run_dir: Path, cell: Cell, reason: str) -> None:
    now = datetime.now(UTC).isoformat()
    doc = results.document({"id": run_dir.name, "started": now, "finished": now, "system": {"cell": cell.record()}}, [])
    doc["run"].update(verdict=results.UNAVAILABLE, unavailable=reason)
    (run_dir / "results.json").write_text(json.dumps(doc, indent=2))


def _verdict(run_dir: Path) -> str:
    try:
        return str(json.loads((run_dir / "results.json").read_text())["run"]["verdict"])
    except (OSError, ValueError, KeyError):
        return results.ERROR  # pytest ended before writing its results: see pytest.log
