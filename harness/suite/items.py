"""What the plugin keeps about the session and each test item, read by its hooks, fixtures, planner
and collector alike: the plugin's manifest, the known failures, and the requirements a test names."""

from __future__ import annotations

import pytest

from harness.runs import baseline
from harness.spec.cases import case_of
from harness.target import manifest

MANIFEST = pytest.StashKey[manifest.PluginManifest]()  # the plugin's manifest: capabilities, settings page, controls
KNOWN = pytest.StashKey[list[baseline.KnownFailure]]()


def requirement_ids(item: pytest.Item) -> list[str]:
    return [rid for mark in item.iter_markers("requirement") for rid in mark.args]


def cases(item: pytest.Item) -> dict[str, str]:
    """{requirement id: positive | negative}: the kind of case the test is for each requirement it
    names (harness.spec.cases); a test may carry several markers, one per kind."""
    return {rid: case_of(mark.kwargs) for mark in item.iter_markers("requirement") for rid in mark.args}


def cell_claims(item: pytest.Item) -> dict[str, list[dict[str, object]]]:
    """{requirement id: [the `cells=` of each marker naming it]}: the cells of spec/dimensions.yaml the
    test covers for each requirement (harness.spec.dimensions), for the report's cells of each requirement."""
    found: dict[str, list[dict[str, object]]] = {}
    for mark in item.iter_markers("requirement"):
        if mark.kwargs.get("cells"):
            for rid in mark.args:
                found.setdefault(rid, []).append(dict(mark.kwargs["cells"]))
    return found
