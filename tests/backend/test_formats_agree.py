"""One verdict on a format (ERR-5) across the suite and the backends: the suite's checker
(harness/spec/formats.py), the reference backend's two validators (integration/structure.py: jsonschema
and fastjsonschema, both given integration/formats.py) and the independent backend's
(reference/backend-alt/igny8alt) accept and refuse the same values, at each format's edges and on any
text made of the characters the grammars treat differently."""

import ast
import importlib.util
import json

import fastjsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from integration import structure as reference

from harness.base.paths import ROOT
from harness.spec.formats import FORMATS
from tests.test_formats import EDGES

INDEPENDENT_FORMATS = ROOT / "reference" / "backend-alt" / "igny8alt" / "formats.py"


def _independent_formats():
    """The independent backend's checks, loaded from its file: its package needs Flask and PostgreSQL, its
    formats only the two validator libraries (requirements-dev.txt)."""
    where = INDEPENDENT_FORMATS
    loaded = importlib.util.spec_from_file_location("igny8alt_formats", where)
    assert loaded and loaded.loader
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return {"date-time": module.is_date_time, "iri": module.is_iri, "uri": module.is_uri}


INDEPENDENT = _independent_formats()
FAST = {fmt: fastjsonschema.compile({"type": "string", "format": fmt}, formats=reference.FAST_FORMATS) for fmt in ("date-time", "iri", "uri")}


def _fast(fmt, value):
    try:
        FAST[fmt](value)
        return True
    except fastjsonschema.JsonSchemaException:
        return False


def verdicts(fmt, value):
    return {
        "suite": FORMATS.conforms(value, fmt),
        "reference (jsonschema)": reference.FORMATS.conforms(value, fmt),
        "reference (fastjsonschema)": _fast(fmt, value),
        "independent backend": INDEPENDENT[fmt](value),
    }


@pytest.mark.parametrize(("fmt", "value", "valid"), EDGES, ids=[f"{f}-{v!r}-{ok}" for f, v, ok in EDGES])
def test_the_suite_and_the_backends_agree_at_each_formats_edges(fmt, value, valid):
    assert verdicts(fmt, value) == dict.fromkeys(verdicts(fmt, value), valid)


# The characters where IRI, URI and a loose "no blank" check part: ASCII delimiters, %, hex digits,
# blanks and controls, ucschar, iprivate, noncharacters, a surrogate.
ASCII = list("aZ09-._~:/?#[]@!$&'()*+,;=% <>\"{}|\\^`\n\t")
PIECES = st.sampled_from([*ASCII, "é", "ü", "\u00a0", "\x85", "\ue000", "\ufffe", "\ud800", "𝒷", "::", "%C3", "%zz", "[::1]"])
TEXT = st.lists(PIECES, max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(prefix=st.sampled_from(["https://", "http://wp.example/", "mailto:", "x:", "", "//"]), rest=TEXT)
def test_the_suite_and_the_backends_agree_on_any_text(prefix, rest):
    for fmt in ("iri", "uri"):
        found = verdicts(fmt, prefix + rest)
        assert len(set(found.values())) == 1, f"{fmt} {prefix + rest!r}: {found}"


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?([Zz]|[+-][0-9]{2}:[0-9]{2})?\Z"))
def test_the_suite_and_the_backends_agree_on_date_times(value):
    found = verdicts("date-time", value)
    assert len(set(found.values())) == 1, f"{value!r}: {found}"


def test_the_structure_schema_is_applied_with_its_formats_by_both_reference_validators():
    """The reference's fast validator, compiled from the schema, refuses a site_url that is no IRI, as the full one does."""
    schema = json.loads(reference.settings.IGNY8_STRUCTURE_SCHEMA.read_text())
    assert schema["properties"]["site_url"]["format"] == "iri"
    compiled = fastjsonschema.compile(schema["properties"]["site_url"], formats=reference.FAST_FORMATS)
    compiled("https://bücher.example/blog/é")
    with pytest.raises(fastjsonschema.JsonSchemaException):
        compiled("https://wp.example/100%")


def test_the_independent_backend_shares_no_expression_with_the_suite_or_the_reference():
    """Its agreement is evidence only if it reached it another way: no piece of expression or
    character range of its checks is one of theirs (a copied one would agree with their mistakes too)."""

    def pieces(path):
        tree = ast.parse(path.read_text())
        docstrings = {id(node.body[0].value) for node in ast.walk(tree) if isinstance(node, (ast.Module, ast.FunctionDef)) and ast.get_docstring(node)}
        return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and len(n.value) >= 8 and id(n) not in docstrings}

    theirs = pieces(ROOT / "harness" / "spec" / "formats.py") | pieces(ROOT / "reference" / "backend" / "integration" / "formats.py")
    assert theirs, "the suite's expressions were not found: this check would pass on anything"
    assert pieces(INDEPENDENT_FORMATS) & theirs == set()
