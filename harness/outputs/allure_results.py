"""allure-results/: allure-pytest writes each test's result (turned on here); at the end, the files
Allure reads beside them: environment, executor and categories."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ..options import RunOptions
from .base import FileOutput


class AllureResults(FileOutput):
    name, filename = "allure-results", "allure-results"

    def configure(self, config: pytest.Config, run_dir: Path) -> None:
        if not getattr(config.option, "allure_report_dir", None):
            config.option.allure_report_dir = str(run_dir / self.filename)

    def write(self, doc: dict[str, Any], run_dir: Path, options: RunOptions) -> None:
        allure_dir = run_dir / self.filename
        if not allure_dir.exists():
            return
        run, system = doc["run"], doc["run"].get("system", {})
        versions, plugin, backend = system.get("versions", {}), system.get("plugin", {}), system.get("backend", {})
        environment = {
            "WordPress": versions.get("wordpress"),
            "PHP": versions.get("php"),
            "MariaDB": versions.get("database"),
            "PostgreSQL": versions.get("postgres"),
            "Plugin": f"{plugin.get('name')} {plugin.get('version')}",
            "Backend": f"{backend.get('version')} rev {backend.get('revision')}",
        }
        (allure_dir / "environment.properties").write_text("".join(f"{k}={v}\n" for k, v in environment.items() if v))
        executor = {"name": "igny8 conformance harness", "type": "igny8", "buildName": run["id"], "reportName": f"IGNY8 conformance {run['id']}"}
        (allure_dir / "executor.json").write_text(json.dumps(executor, indent=2))
        categories = [
            {"name": "Known failures (baseline)", "matchedStatuses": ["skipped"], "messageRegex": ".*known failure.*"},
            {"name": "Not applicable (capability not claimed)", "matchedStatuses": ["skipped"], "messageRegex": ".*NOT APPLICABLE.*"},
            {"name": "Setup broke (ERROR)", "matchedStatuses": ["broken"]},
            {"name": "Conformance failures", "matchedStatuses": ["failed"]},
        ]
        (allure_dir / "categories.json").write_text(json.dumps(categories, indent=2))


OUTPUT = AllureResults()
