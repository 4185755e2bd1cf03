"""The conformance suite observes the protocol and what spec/ publishes, never the reference's
private internals (spec/CONTRACT.md): no option name, form action, field name, notice sentence or
table name of the reference appears in the harness, the scenarios or the test-control plugin."""

import re
from pathlib import Path

import pytest

from harness.target.manifest import CONTROLS, DEFAULTS

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "reference" / "igny8-wp-plugin"
BACKEND = ROOT / "reference" / "backend"
SUITE = [
    *sorted((ROOT / "harness").rglob("*.py")),
    *sorted((ROOT / "scenarios").glob("*.py")),
    ROOT / "wordpress-stack" / "wordpress" / "igny8-test-control.php",
]

SPEC_TEXT = "\n".join(p.read_text() for p in (ROOT / "spec").glob("*.*"))
# What spec/ itself names is public: the design note's hook and phrase, the package's directory, the
# contract's control names, and every string the spec quotes (the tab's badges, say).
PUBLISHED = {
    "igny8_sync_site_structure", "igny8-wp-plugin", "Site structure synced", *CONTROLS.values(), *DEFAULTS.values(), "igny8-conformance.json",
    *re.findall(r'"([^"\n]{2,80})"', SPEC_TEXT),
}  # fmt: skip


def reference_internals() -> set[str]:
    php = "\n".join(p.read_text() for p in PLUGIN.rglob("*.php"))
    names = set(re.findall(r"'(igny8[_-][a-z0-9_-]+)'", php)) | set(re.findall(r'(?:name|id)="(igny8[_-][a-z0-9_-]+)"', php))
    sentences = {s for s in re.findall(r"__\(\s*'([^']{12,})'", php)}
    tables = set()
    for models in BACKEND.glob("*/models.py"):
        tables |= {f"{models.parent.name}_{m.lower()}" for m in re.findall(r"^class (\w+)\(models\.Model\)", models.read_text(), re.M)}
    return (names | sentences | tables) - PUBLISHED


INTERNALS = sorted(reference_internals())


def test_the_reference_has_internals_to_look_for():
    assert {"igny8_settings", "igny8_events", "igny8_connect", "igny8-notice", "integration_siteintegration"} <= set(INTERNALS)
    assert any(s.startswith("Test connection succeeded") for s in INTERNALS)


@pytest.mark.parametrize("path", SUITE, ids=[str(p.relative_to(ROOT)) for p in SUITE])
def test_the_suite_never_names_a_reference_internal(path):
    text = path.read_text()
    found = [name for name in INTERNALS if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)]
    assert not found, f"{path.relative_to(ROOT)} names the reference's private {found}: observe through spec/ and the manifests instead"
