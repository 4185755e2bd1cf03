"""A plugin's manifest: defaults, renamed controls, capabilities, and clear refusals (spec/CONTRACT.md 1.1)."""

import json

import pytest

from harness import manifest
from harness.manifest import CONTROLS, PluginManifest
from harness.stack.config import REFERENCE_PLUGIN


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
    assert found.capabilities == {"content-sync", "event-log"} and (REFERENCE_PLUGIN / found.plugin_file).is_file()


@pytest.mark.parametrize(
    "text,message",
    [
        ("{nope", "not JSON"),
        ("[]", "a manifest is a JSON object"),
        ('{"capabilities": "content-sync"}', "must be a list"),
        ('{"capabilities": ["teleport"]}', "unknown capabilities"),
        ('{"controls": {"launch": "Launch"}}', "unknown controls"),
        ('{"controls": {"connect": ""}}', "maps control keys to accessible names"),
        ('{"plugin_file": "../evil.php"}', "names the main .php file"),
        ('{"settings_page": ""}', "must be non-empty strings"),
        ('{"colour": "red"}', "unknown fields"),
    ],
)
def test_a_bad_manifest_is_refused_naming_the_problem(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(manifest.ManifestError, match=message):
        manifest.load(path)
