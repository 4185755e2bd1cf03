"""Running the conformance suite in a pytest process, with its results in one run folder."""

import random
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports"


def new_run_dir(suffix=""):
    run_id = datetime.now(UTC).strftime("%Y%m%d-%H%M%S") + (f"-{suffix}" if suffix else "")
    path = REPORTS / run_id
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_suite(
    run_dir,
    *,
    wp="6.1",
    plugin=None,
    backend_image=None,
    stack=None,
    keep=False,
    k=None,
    requirements=None,
    extra=(),
    **igny8_options,
):
    """Runs pytest over scenarios/ (or the tests named in `extra`); returns pytest's exit status."""
    named = [a for a in extra if a.startswith("scenarios")]
    # A seed always, so the report can name it and a failure can be replayed exactly.
    seed = [] if any(a.startswith("--hypothesis-seed") for a in extra) else [f"--hypothesis-seed={random.randrange(2**32)}"]
    args = [
        *([] if named else ["scenarios"]),
        f"--igny8-report-dir={run_dir}",
        f"--junitxml={run_dir / 'junit.xml'}",
        f"--alluredir={run_dir / 'allure-results'}",
        f"--igny8-wp={wp}",
        *([f"--igny8-plugin={plugin}"] if plugin else []),
        *([f"--igny8-backend-image={backend_image}"] if backend_image else []),
        *([f"--igny8-stack={stack}"] if stack else []),
        *(["--igny8-keep"] if keep else []),
        *(["-k", k] if k else []),
        *([f"--igny8-requirements={','.join(requirements)}"] if requirements else []),
        *[f"--igny8-{name.replace('_', '-')}={value}" for name, value in igny8_options.items() if value],  # baseline, manifest, backend_url...
        *seed,
        *extra,
    ]
    return subprocess.call([sys.executable, "-m", "pytest", *args], cwd=ROOT)
