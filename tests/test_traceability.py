"""The spec and the conformance suite stay in step: every MUST has a test, no test names an
unknown requirement, and every conformance test names at least one."""

import pytest

from harness.base import yamlfile
from harness.base.paths import ROOT
from harness.spec import dimensions, spec
from harness.spec.traceability import cases_by_requirement, cell_claims, named_requirements


def test_every_conformance_test_names_a_requirement():
    unnamed = [test for test, ids in named_requirements().items() if not ids]
    assert not unnamed, f"conformance tests without @pytest.mark.requirement: {unnamed}"


def test_tests_name_only_requirements_the_spec_has():
    known = spec.requirements()
    unknown = {test: [i for i in ids if i not in known] for test, ids in named_requirements().items()}
    unknown = {test: ids for test, ids in unknown.items() if ids}
    assert not unknown, f"tests name requirements spec/requirements.yaml does not have: {unknown}"


def test_every_must_requirement_has_a_test():
    tested = {rid for ids in named_requirements().values() for rid in ids}
    untested = [r.id for r in spec.requirements().values() if r.level == "MUST" and r.id not in tested]
    assert not untested, f"MUST requirements no conformance test checks: {untested}"


def test_every_should_requirement_has_a_test_too():
    tested = {rid for ids in named_requirements().values() for rid in ids}
    untested = [r.id for r in spec.requirements().values() if r.level != "MUST" and r.id not in tested]
    assert not untested, f"SHOULD/MAY requirements no conformance test checks: {untested}"


def test_the_reader_finds_markers_as_pytest_would(tmp_path):
    (tmp_path / "test_sample.py").write_text(
        "import pytest\n@pytest.mark.requirement('A-1', 'B-2')\ndef test_a():\n    pass\n\ndef test_b():\n    pass\n\ndef helper():\n    pass\n"
    )
    assert named_requirements(tmp_path) == {f"{tmp_path.name}/test_sample.py::test_a": ["A-1", "B-2"], f"{tmp_path.name}/test_sample.py::test_b": []}


def test_every_must_requirement_is_checked_holding_and_noticed_broken():
    """A positive case (it holds in the ordinary state) and a negative one (a violation, another state,
    a bad input is noticed) for every MUST: a suite that checks only the happy state lets bugs through."""
    cases = cases_by_requirement()
    lacking = {r.id: sorted({"positive", "negative"} - cases.get(r.id, set())) for r in spec.requirements().values() if r.level == "MUST"}
    lacking = {rid: kinds for rid, kinds in lacking.items() if kinds}
    assert not lacking, f"MUST requirements lacking a kind of case: {lacking}"


def test_the_reader_finds_the_kind_of_case(tmp_path):
    (tmp_path / "test_kinds.py").write_text(
        "import pytest\n@pytest.mark.requirement('A-1', case='negative')\ndef test_a():\n    pass\n\n@pytest.mark.requirement('A-1')\ndef test_b():\n    pass\n"
    )
    assert cases_by_requirement(tmp_path) == {"A-1": {"negative", "positive"}}


def test_an_unknown_kind_of_case_is_refused(tmp_path):
    (tmp_path / "test_kinds.py").write_text("import pytest\n@pytest.mark.requirement('A-1', case='sideways')\ndef test_a():\n    pass\n")
    with pytest.raises(ValueError, match="a case is positive or negative"):
        cases_by_requirement(tmp_path)


# ---- spec/dimensions.yaml: every cell a requirement binds has a test case, or a reason ----------


def test_every_bound_cell_has_a_test_or_a_reason():
    missing = dimensions.uncovered(dimensions.load(), cell_claims())
    shown = {rid: [dimensions.shown(cell) for cell in cells] for rid, cells in missing.items()}
    assert not shown, f"cells of spec/dimensions.yaml that no test covers and no reason excuses: {shown}"


def test_a_cell_with_no_test_and_no_reason_is_found(tmp_path):
    (tmp_path / "dims.yaml").write_text(
        "dimensions:\n  refusal: {values: [no_key, revoked_key]}\n  operation: {values: [connect, health]}\n"
        "bindings:\n  - requirement: A-1\n    cells: {operation: '*', refusal: '*'}\n"
        "    not_applicable:\n      - {cell: {operation: health}, reason: no key needed}\n"
    )
    (tmp_path / "test_grid.py").write_text(
        "import pytest\n@pytest.mark.requirement('A-1', cells={'operation': 'connect', 'refusal': 'no_key'})\ndef test_a():\n    pass\n"
    )
    dims = dimensions.load(tmp_path / "dims.yaml")
    missing = dimensions.uncovered(dims, cell_claims(tmp_path))
    assert {rid: [dimensions.shown(c) for c in cells] for rid, cells in missing.items()} == {"A-1": ["operation=connect x refusal=revoked_key"]}


def test_a_claim_of_an_unknown_dimension_or_value_is_refused(tmp_path):
    dims = dimensions.load()
    with pytest.raises(ValueError, match="no dimension 'endpoint'"):
        dims.expand({"endpoint": "*"})
    with pytest.raises(ValueError, match="refusal has no value teapot"):
        dims.expand({"refusal": "teapot"})


def test_the_operations_are_the_openapi_documents():
    paths = yamlfile.read(ROOT / "spec" / "openapi.yaml")["paths"]
    named = {path.rstrip("/").rsplit("/", 1)[-1] for path in paths}
    assert set(dimensions.load().values["operation"]) == named, f"spec/openapi.yaml's operations: {sorted(named)}"
