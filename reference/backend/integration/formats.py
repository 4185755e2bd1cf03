"""The formats the structure schema and the API use, asserted as the spec says (PROTOCOL.md ERR-5):
date-time (RFC 3339, on a day its month has), iri (RFC 3987, section 2.2) and uri (RFC 3986).

The grammars are written out from the RFCs' ABNF: no library checks "iri" well under a licence the
backend can take (rfc3987 is GPL; rfc3987-syntax refuses IPv6 literals written with "::"). The suite
carries the same expressions (harness/spec/formats.py); tests/backend/test_formats_agree.py holds the
two to one verdict. Both of this backend's validators (structure.py) use these functions.
"""

import calendar
import re

# The same with the ranges RFC 3339 gives each field (a leap second, :60, allowed), ASCII digits only.
_DATE_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])")


def _identifier(international):
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


def is_date_time(value):
    """RFC 3339's date-time, on a day its month has. Not a string: True, as JSON Schema's formats apply to strings only."""
    if not isinstance(value, str):
        return True
    found = _DATE_TIME.fullmatch(value)
    if not found:
        return False
    year, month, day = (int(g) for g in found.groups()[:3])
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def is_iri(value):
    """An absolute IRI (RFC 3987, section 2.2): a URI, or one with characters beyond ASCII (https://bücher.example/é)."""
    return not isinstance(value, str) or IRI.fullmatch(value) is not None


def is_uri(value):
    """An absolute URI (RFC 3986, section 3): ASCII only, no blank, every % followed by two hex digits."""
    return not isinstance(value, str) or URI.fullmatch(value) is not None
