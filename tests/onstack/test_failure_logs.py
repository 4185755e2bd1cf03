"""A failing test keeps what its stack's services logged while it ran (harness.suite.stack_logs): a
generated suite of two failing tests on one real stack, run by pytest with the harness's plugin. One
keeps evidence of its own, the other none; both get the logs in their evidence folder, which the
report links. Each asks WordPress for a path of its own, and the logs are read as each test ends,
so the first test's logs hold its own request and not the second's. Both requests carry a key, the
stack's and a tenant's made after it: neither is in the logs as kept. A third test, which passes,
counts what the backend's proxy logged (Stack.proxied, which the login tests read before sending a
dropped POST again)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness.base.paths import ROOT
from harness.runs.options import RunOptions, pytest_args
from harness.suite.stack_logs import TITLE
from tests.onstack.test_cancel import clean_environment

SUITE = """
import os
import time
from pathlib import Path

import pytest
import requests


def test_with_evidence(igny8_stack, igny8_evidence):
    key = igny8_stack.secrets.api_key  # in the web server's log as a person might put it in a URL
    Path(os.environ["IGNY8_TEST_KEY_FILE"]).write_text(key)
    requests.get(igny8_stack.urls.wordpress + "/igny8-asked-by-the-first-test?key=" + key, timeout=60)
    pytest.fail("on purpose")


def test_without_evidence(igny8_stack):
    key = igny8_stack.tenants.create("igny8 logs").api_key  # a tenant's made after the stack
    Path(os.environ["IGNY8_TEST_KEY_FILE"] + ".tenant").write_text(key)
    requests.get(igny8_stack.urls.wordpress + "/igny8-asked-by-the-second-test?key=" + key, timeout=60)
    pytest.fail("on purpose")


def test_the_proxy_log_counts_what_reached_it(igny8_stack):
    before = time.time()
    for _ in range(2):
        requests.post(igny8_stack.urls.backend + "/igny8-proxied?twice=1", verify=str(igny8_stack.ca_path), timeout=60)
    time.sleep(1)  # the proxy logs a request once it answered it
    assert igny8_stack.proxied("POST", "/igny8-proxied?twice=1", before) == 2
    assert igny8_stack.proxied("POST", "/igny8-proxied", before) == 0  # another target
    assert igny8_stack.proxied("GET", "/igny8-proxied?twice=1", before) == 0  # another method
    assert igny8_stack.proxied("POST", "/igny8-proxied?twice=1", time.time()) == 0  # after them
"""


def test_a_failing_test_keeps_its_stacks_logs_of_its_own_span(tmp_path: Path) -> None:
    (tmp_path / "test_generated.py").write_text(SUITE)
    report_dir = tmp_path / "report"
    options = pytest_args(RunOptions({"report_dir": str(report_dir), "no_allure_html": True, "no_rerun": True}))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(tmp_path / "test_generated.py"), *options, "-p", "no:cacheprovider"],
        cwd=ROOT,
        env={**clean_environment(), "IGNY8_TEST_KEY_FILE": str(tmp_path / "key")},
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, f"exit {done.returncode}:\n{output[-3000:]}"
    assert "2 failed, 1 passed" in output, output[-3000:]

    tests = {t["nodeid"].split("::")[-1]: t for t in json.loads((report_dir / "results.json").read_text())["tests"] if t["status"] == "FAIL"}
    logs = {name: logs_of(report_dir, test) for name, test in tests.items()}
    assert "/igny8-asked-by-the-first-test" in logs["test_with_evidence"], logs["test_with_evidence"][-2000:]
    assert "/igny8-asked-by-the-second-test" not in logs["test_with_evidence"], "the first test's logs hold the second test's request"
    assert "/igny8-asked-by-the-second-test" in logs["test_without_evidence"], logs["test_without_evidence"][-2000:]
    key, tenants_key = (tmp_path / "key").read_text(), (tmp_path / "key.tenant").read_text()
    assert key not in "".join(logs.values()) and "…(masked)" in logs["test_with_evidence"], "the stack's key is in its logs as kept"
    assert tenants_key not in "".join(logs.values()) and "…(masked)" in logs["test_without_evidence"], "a new tenant's key is in its logs as kept"


def logs_of(report_dir: Path, test: dict[str, Any]) -> str:
    kept = [item for item in test["evidence"] if item["name"] == TITLE]
    assert len(kept) == 1 and "path" in kept[0], f"{test['nodeid']}: no {TITLE!r} file in its evidence: {test['evidence']}"
    return (report_dir / kept[0]["path"]).read_text()
