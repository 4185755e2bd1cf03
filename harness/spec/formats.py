"""The protocol's formats, checked as the spec states them (spec/openapi.yaml's and the JSON schemas'
`format`s), not as a parser happens to accept them: Python's fromisoformat takes many strings RFC 3339
does not, and a URL parser takes text with blanks.

The schemas are read as JSON Schema draft-07 says (spec/PROTOCOL.md, ERR-5): a pattern is an ECMA-262
regular expression and the formats are asserted. `FORMATS` is the suite's one format checker and
`schema_validator` its one way to validate against a schema: every validator of the suite is made here.

The IRI and URI checks follow the ABNF of RFC 3987 section 2.2 and RFC 3986 appendix A, written out
below. No library is used: `rfc3987` is GPL, and `rfc3987-syntax` (what jsonschema's format-nongpl
extra brings for "iri") refuses every IPv6 literal written with "::" (http://[::1]/), a valid IRI.
The reference backend carries the same expressions (reference/backend/integration/formats.py);
tests/backend/test_formats_agree.py holds the two to one verdict.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime
from functools import cache
from typing import Any

from jsonschema import Draft7Validator, FormatChecker, ValidationError, validators
from jsonschema.protocols import Validator

# RFC 3339, section 5.6: full-date "T" full-time, with seconds and an offset (Z or ±hh:mm) always.
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")
# The same with the ranges RFC 3339 gives each field (a leap second, :60, allowed), ASCII digits only.
_DATE_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])")


def _identifier(international: bool) -> re.Pattern[str]:
    """RFC 3987's IRI (international) or RFC 3986's URI: the same grammar, an IRI adding ucschar to
    the unreserved characters and iprivate to the query."""
    ucschar = (
        "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
        "\U00010000-\U0001fffd\U00020000-\U0002fffd\U00030000-\U0003fffd\U00040000-\U0004fffd"
        "\U00050000-\U0005fffd\U00060000-\U0006fffd\U00070000-\U0007fffd\U00080000-\U0008fffd"
        "\U00090000-\U0009fffd\U000a0000-\U000afffd\U000b0000-\U000bfffd\U000c0000-\U000cfffd"
        "\U000d0000-\U000dfffd\U000e1000-\U000efffd"
    )
    iprivate = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
    unreserved = "A-Za-z0-9\\-._~" + (ucschar if international else "")
    sub_delims = "!$&'()*+,;="
    pct = "%[0-9A-Fa-f]{2}"
    pchar = f"(?:[{unreserved}{sub_delims}:@]|{pct})"
    h16 = "[0-9A-Fa-f]{1,4}"
    octet = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
    ipv4 = rf"{octet}\.{octet}\.{octet}\.{octet}"
    ls32 = f"(?:{h16}:{h16}|{ipv4})"
    ipv6 = (
        "(?:"
        + "|".join(
            [
                f"(?:{h16}:){{6}}{ls32}",
                f"::(?:{h16}:){{5}}{ls32}",
                f"(?:{h16})?::(?:{h16}:){{4}}{ls32}",
                f"(?:(?:{h16}:){{0,1}}{h16})?::(?:{h16}:){{3}}{ls32}",
                f"(?:(?:{h16}:){{0,2}}{h16})?::(?:{h16}:){{2}}{ls32}",
                f"(?:(?:{h16}:){{0,3}}{h16})?::{h16}:{ls32}",
                f"(?:(?:{h16}:){{0,4}}{h16})?::{ls32}",
                f"(?:(?:{h16}:){{0,5}}{h16})?::{h16}",
                f"(?:(?:{h16}:){{0,6}}{h16})?::",
            ]
        )
        + ")"
    )
    ip_future = rf"v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~{sub_delims}:]+"
    # An IPv4 address is also a reg-name: the grammar accepts 1.2.3.999 as a name, so no separate case.
    host = rf"(?:\[(?:{ipv6}|{ip_future})\]|(?:[{unreserved}{sub_delims}]|{pct})*)"
    userinfo = f"(?:[{unreserved}{sub_delims}:]|{pct})*"
    authority = f"(?:{userinfo}@)?{host}(?::[0-9]*)?"
    segment = f"{pchar}*"
    hier_part = f"(?://{authority}(?:/{segment})*|/(?:{pchar}+(?:/{segment})*)?|{pchar}+(?:/{segment})*|)"
    query = f"(?:{pchar}|[/?{iprivate if international else ''}])*"
    fragment = f"(?:{pchar}|[/?])*"
    return re.compile(f"[A-Za-z][A-Za-z0-9+\\-.]*:{hier_part}(?:\\?{query})?(?:#{fragment})?")


IRI = _identifier(international=True)
URI = _identifier(international=False)


def is_date_time(value: object) -> bool:
    """RFC 3339's date-time, on a day its month has. Not a string: True, as JSON Schema's formats apply to strings only."""
    if not isinstance(value, str):
        return True
    found = _DATE_TIME.fullmatch(value)
    if not found:
        return False
    year, month, day = (int(g) for g in found.groups()[:3])
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def is_iri(value: object) -> bool:
    """An absolute IRI (RFC 3987, section 2.2): a URI, or one with characters beyond ASCII (https://bücher.example/é)."""
    return not isinstance(value, str) or IRI.fullmatch(value) is not None


def is_uri(value: object) -> bool:
    """An absolute URI (RFC 3986, section 3): ASCII only, no blank, every % followed by two hex digits."""
    return not isinstance(value, str) or URI.fullmatch(value) is not None


FORMATS = FormatChecker(())
FORMATS.checks("date-time")(is_date_time)
FORMATS.checks("iri")(is_iri)
FORMATS.checks("uri")(is_uri)


def rfc3339(text: object) -> datetime:
    """The time an RFC 3339 date-time names; ValueError, saying what is wrong, for anything else."""
    if not isinstance(text, str) or not RFC3339.fullmatch(text):
        raise ValueError(f"{text!r} is not an RFC 3339 date-time (YYYY-MM-DDThh:mm:ss[.frac] and Z or ±hh:mm)")
    return datetime.fromisoformat(text.upper().replace("Z", "+00:00"))


# ECMA-262's "$" ends the text; Python's also matches before a final newline.
_DOLLAR = re.compile(r"(?<!\\)\$")


@cache
def _ecma_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(_DOLLAR.sub(r"\\Z", pattern))


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    if validator.is_type(instance, "string") and not _ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


SpecValidator = validators.extend(Draft7Validator, {"pattern": _ecma_pattern})


def schema_validator(schema: dict[str, Any]) -> Validator:
    """A draft-07 validator of `schema` as the spec reads it: ECMA-262 patterns, the spec's formats asserted.
    The schema is checked first: a broken schema is named, not applied."""
    Draft7Validator.check_schema(schema)
    validator: Validator = SpecValidator(schema, format_checker=FORMATS)
    return validator
