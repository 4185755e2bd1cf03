"""harness.spec.formats: RFC 3339 as the spec states it, stricter than Python's fromisoformat; the
schemas' formats (date-time, iri, uri) asserted at their edges by the suite's one format checker."""

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from jsonschema.exceptions import SchemaError

from harness.base.paths import ROOT
from harness.generate.structures import structure
from harness.spec import spec
from harness.spec.formats import FORMATS, rfc3339, schema_validator


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-07T03:17:55Z", datetime(2026, 12, 7, 3, 17, 55, tzinfo=UTC)),
        ("2026-12-07t03:17:55.123456+00:00", datetime(2026, 12, 7, 3, 17, 55, 123456, tzinfo=UTC)),
        ("2026-12-07T05:17:55+02:00", datetime(2026, 12, 7, 5, 17, 55, tzinfo=timezone(timedelta(hours=2)))),
    ],
)
def test_rfc3339_times_are_read(text, expected):
    assert rfc3339(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2026-12-07 03:17:55", "2026-12-07T03:17:55", "2026-12-07", "20261207T031755Z", "2026-12-07T03:17Z", None, 1765077475, ""],
)
def test_what_fromisoformat_takes_but_rfc3339_does_not_is_refused(text):
    with pytest.raises(ValueError, match="not an RFC 3339"):
        rfc3339(text)


# ---- The schemas' formats, as the suite's one checker (FORMATS) asserts them ---------------------------

# Each format at its edges: (format, value, valid). A "uri" is ASCII (RFC 3986); an "iri" adds
# characters beyond ASCII (RFC 3987, section 2.2), iprivate ones in the query only.
EDGES = [
    ("date-time", "2024-02-29T00:00:00Z", True),
    ("date-time", "2026-12-31T23:59:60Z", True),  # a leap second: RFC 3339 allows :60
    ("date-time", "2026-12-31t23:59:59.123456789-12:00", True),
    ("date-time", "2026-12-31T23:59:59+14:59", True),
    ("date-time", "2023-02-29T00:00:00Z", False),  # a day February lacks that year
    ("date-time", "2026-04-31T00:00:00Z", False),
    ("date-time", "2026-13-01T00:00:00Z", False),
    ("date-time", "2026-12-31T24:00:00Z", False),
    ("date-time", "2026-12-31T23:60:00Z", False),
    ("date-time", "2026-12-31T23:59:59", False),  # no offset
    ("date-time", "2026-12-31 23:59:59Z", False),
    ("date-time", "2026-12-31T23:59:59Z\n", False),
    ("date-time", "２０２６-12-31T23:59:59Z", False),  # digits of another script
    ("date-time", "2026-12-31T23:59:59+24:00", False),
    ("date-time", "0000-02-29T00:00:00Z", True),  # year 0000 is RFC 3339's, and a leap year
    ("date-time", "2026-12-31T23:59:59z", True),
    ("iri", "https://wp.example/blog/é?lang=fr&x=1#top", True),
    ("iri", "http://bücher.example/", True),
    ("iri", "http://[::1]:8080/", True),
    ("iri", "http://[2001:db8::1]/", True),
    ("iri", "http://[v1.fe]/", True),
    ("iri", "https://user:pw@host:/", True),
    ("iri", "https://wp.example/%C3%A9/é", True),
    ("iri", "https://wp.example/𝒷𝓁ℴℊ", True),  # beyond the BMP
    ("iri", "https://wp.example/?\ue000", True),  # iprivate: in the query only
    ("iri", "mailto:someone@wp.example", True),
    ("iri", "http:", True),  # an empty path is an IRI; the schema's pattern asks more of site_url
    ("iri", "https://wp.example/\ue000", False),
    ("iri", "https://wp.example/a b", False),
    ("iri", "https://wp.example/\n", False),
    ("iri", "https://wp.example/100%", False),
    ("iri", "https://wp.example/%zz", False),
    ("iri", "https://wp.example/a<b>", False),
    ("iri", "https://wp.example/\ufffe", False),  # a noncharacter
    ("iri", "https://wp.example/\x85", False),  # a C1 control
    ("iri", "https://wp.example/\ud800", False),  # a lone surrogate
    ("iri", "https://wp.example/#a#b", False),
    ("iri", "http://[::1/", False),
    ("iri", "http://[1:2:3:4:5:6:7:8:9]/", False),
    ("iri", "http://[::01.2.3.4]/", False),  # dec-octet has no leading zero
    ("iri", "https://wp.example/\n", False),
    ("iri", "http://host:80a/", False),
    ("iri", "//wp.example/", False),  # a reference, not an IRI: no scheme
    ("iri", "1http://wp.example/", False),
    ("iri", "", False),
    ("uri", "https://wp.example/%C3%A9?lang=fr#top", True),
    ("uri", "http://[::ffff:1.2.3.4]/", True),
    ("uri", "urn:isbn:0451450523", True),
    ("uri", "https://wp.example/blog/é", False),
    ("uri", "http://bücher.example/", False),
    ("uri", "https://wp.example/a b", False),
]


@pytest.mark.parametrize(("fmt", "value", "valid"), EDGES, ids=[f"{f}-{v!r}-{ok}" for f, v, ok in EDGES])
def test_each_format_is_asserted_at_its_edges(fmt, value, valid):
    assert FORMATS.conforms(value, fmt) is valid


@pytest.mark.parametrize("fmt", ["date-time", "iri", "uri"])
def test_a_format_applies_to_strings_only(fmt):
    assert all(FORMATS.conforms(value, fmt) for value in (None, 1, 1.5, True, [], {}))


def test_the_schemas_are_read_with_their_formats_and_ecma_patterns():
    """structure.schema.json's site_url is an IRI: the é is accepted, a blank refused; its patterns'
    "$" ends the text (ECMA-262), so a version with a final newline is refused."""
    validator = schema_validator(json.loads(spec.structure_schema_path().read_text()))
    assert not list(validator.iter_errors(structure(site_url="https://bücher.example/blog/é")))
    refused = {
        "a blank in site_url": structure(site_url="https://wp.example/a b"),
        "a lone % in site_url": structure(site_url="https://wp.example/100%"),
        "a day its month lacks": structure(generated_at="2025-02-29T00:00:00.000000Z"),
        "a final newline after a version": {**structure(), "wp_version": "6.1.9\n"},
    }
    assert [name for name, payload in refused.items() if not list(validator.iter_errors(payload))] == []


def test_a_broken_schema_is_named_not_applied():
    with pytest.raises(SchemaError):
        schema_validator({"type": "no such type"})


def test_every_validator_of_the_suite_is_made_in_one_place():
    """No Draft7Validator(...) but harness.spec.formats's: one made elsewhere would skip the formats."""
    made_elsewhere = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("harness", "scenarios", "tests")
        for path in (ROOT / folder).rglob("*.py")
        if path != ROOT / "harness" / "spec" / "formats.py" and path != Path(__file__)
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\bDraft\d+Validator\(|\bjsonschema\.validate\(", line)
    ]
    assert made_elsewhere == []
