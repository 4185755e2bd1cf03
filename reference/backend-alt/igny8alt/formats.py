"""The formats the spec asserts (PROTOCOL.md 3 and 4, ERR-5): date-time (RFC 3339, on a day its month
has), iri (RFC 3987: a WordPress address as it is, https://bücher.example/blog/é) and uri (RFC 3986).

This backend is the suite's independent witness, so it shares no expression with the suite
(harness/spec/formats.py) or the reference backend. It checks with the libraries jsonschema's
format-nongpl extra brings (rfc3339-validator, rfc3986-validator) and Python's ipaddress, and closes
where a library differs from its RFC, each said where it is done:
- both libraries end their expression with `$`, which also matches before a final newline;
- rfc3339-validator takes no leap second (:60), no lower-case "t" or "z" (RFC 3339, 5.6 and its NOTE)
  and no year 0000;
- rfc3986-validator takes an IPv4 address with leading zeros inside an IPv6 literal ([::01.2.3.4]);
- an IRI is checked as RFC 3987, 3.1 maps it to a URI (rfc3987-syntax, the extra's "iri", refuses
  every IPv6 literal written with "::", http://[::1]/, a valid IRI).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import quote

from rfc3339_validator import validate_rfc3339
from rfc3986_validator import validate_rfc3986

# RFC 3987, 2.2: the characters beyond ASCII an IRI may hold anywhere a URI may hold %XX (ucschar),
# and those it may hold in its query only (iprivate).
UCSCHAR = ((0xA0, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFEF), *((p << 16, (p << 16) + 0xFFFD) for p in range(1, 14)), (0xE1000, 0xEFFFD))
IPRIVATE = ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))
IP_LITERAL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#\[]*@)?\[([^\]]*)\]")


def _within(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def is_date_time(value: object) -> bool:
    """RFC 3339's date-time, on a day its month has. Not a string: True, as JSON Schema's formats apply to strings only."""
    if not isinstance(value, str):
        return True
    if value.endswith("\n"):
        return False
    # YYYY-MM-DDTHH:MM:SS... has a fixed prefix, so each place below is the field it names, or the
    # library refuses the text whatever it holds there.
    text = value
    if text[:4] == "0000":
        text = "2000" + text[4:]  # the same calendar: the Gregorian one repeats every 400 years
    if text[10:11] == "t":
        text = text[:10] + "T" + text[11:]
    if text[17:19] == "60":
        text = text[:17] + "59" + text[19:]  # a leap second
    if text[-1:] == "z":
        text = text[:-1] + "Z"
    return validate_rfc3339(text)


def _is_absolute_uri(text: str) -> bool:
    if text.endswith("\n") or not validate_rfc3986(text, rule="URI"):
        return False
    literal = IP_LITERAL.match(text)
    if literal and literal.group(1)[:1] not in ("v", "V"):
        try:
            ipaddress.IPv6Address(literal.group(1))  # refuses leading zeros in the IPv4 part
        except ValueError:
            return False
    return True


def _iri_as_uri(iri: str) -> str | None:
    """RFC 3987, 3.1: each ucschar (and, in the query, iprivate) as its UTF-8 bytes percent-encoded; None
    for any other character beyond ASCII, which no IRI holds."""
    fragment = iri.find("#")
    end = fragment if fragment >= 0 else len(iri)
    question = iri.find("?", 0, end)
    query = range(question + 1, end) if question >= 0 else range(0)
    mapped = []
    for at, char in enumerate(iri):
        code = ord(char)
        if code < 0x80:
            mapped.append(char)
        elif _within(code, UCSCHAR) or (at in query and _within(code, IPRIVATE)):
            mapped.append(quote(char, safe=""))
        else:
            return None
    return "".join(mapped)


def is_iri(value: object) -> bool:
    """An absolute IRI (RFC 3987, 2.2): a URI, or one with characters beyond ASCII (https://bücher.example/é)."""
    if not isinstance(value, str):
        return True
    uri = _iri_as_uri(value)
    return uri is not None and _is_absolute_uri(uri)


def is_uri(value: object) -> bool:
    """An absolute URI (RFC 3986, 3): ASCII only, no blank, every % followed by two hex digits."""
    return not isinstance(value, str) or (value.isascii() and _is_absolute_uri(value))
