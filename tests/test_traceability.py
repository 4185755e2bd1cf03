"""The spec and the conformance suite stay in step: every MUST has a test, no test names an
unknown requirement, and every conformance test names at least one."""

from harness import spec
from harness.traceability import named_requirements


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
