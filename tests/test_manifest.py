"""A plugin's manifest: defaults, renamed controls, capabilities, and clear refusals (spec/CONTRACT.md 1.1)."""

import json

import pytest

from harness.stack.config import REFERENCE_PLUGIN
from harness.target import manifest
from harness.target.manifest import CONTROLS, PluginManifest


def test_no_manifest_means_the_defaults_and_no_capability(tmp_path):
    found = manifest.load(tmp_path / "missing.json", default_name="acme")
    assert found == PluginManifest(name="acme") and found.capabilities == frozenset()
    assert found.settings_page == "options-general.php?page=igny8" and found.control("sync_now") == "Sync now"


def test_a_manifest_renames_controls_and_claims_capabilities(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(
        json.dumps({"name": "Acme", "capabilities": ["content-sync"], "controls": {"sync_now": "Sync structure"}, "settings_page": "admin.php?page=acme"})
    )
    found = manifest.load(path)
    assert found.claims("content-sync") and not found.claims("event-log")
    assert found.control("sync_now") == "Sync structure" and found.control("connect") == CONTROLS["connect"]
    assert found.settings_page == "admin.php?page=acme"


def test_the_reference_plugin_declares_itself():
    found = manifest.load(REFERENCE_PLUGIN / manifest.FILENAME)
    assert found.capabilities == {"content-sync", "event-log", "diagnostics-export"} and (REFERENCE_PLUGIN / found.plugin_file).is_file()


# What the refusal must say -> a manifest that deserves it.
BAD = {
    "not JSON": "{nope",
    "a manifest is a JSON object": "[]",
    "must be a list": '{"capabilities": "content-sync"}',
    "unknown capabilities": '{"capabilities": ["teleport"]}',
    "unknown controls": '{"controls": {"launch": "Launch"}}',
    "maps control keys to accessible names": '{"controls": {"connect": ""}}',
    "names the main .php file": '{"plugin_file": "../evil.php"}',
    "must be non-empty strings": '{"settings_page": ""}',
    "unknown fields": '{"colour": "red"}',
}


@pytest.mark.parametrize("message", BAD)
def test_a_bad_manifest_is_refused_naming_the_problem(refused_file, message):
    refused_file(manifest.load, BAD[message], manifest.ManifestError, message)
