"""The files Allure reads beside the results: environment, executor and categories."""

import json


def write(allure_dir, run, system):
    if not allure_dir or not allure_dir.exists():
        return
    versions = system.get("versions", {})
    environment = {
        "WordPress": versions.get("wordpress"),
        "PHP": versions.get("php"),
        "MariaDB": versions.get("database"),
        "PostgreSQL": versions.get("postgres"),
        "Plugin": f"{system.get('plugin', {}).get('name')} {system.get('plugin', {}).get('version')}",
        "Backend": f"{system.get('backend', {}).get('version')} rev {system.get('backend', {}).get('revision')}",
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
