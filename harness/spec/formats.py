"""The protocol's formats, checked as the spec states them (spec/openapi.yaml's `format`s), not as a
parser happens to accept them: Python's fromisoformat takes many strings RFC 3339 does not."""

from __future__ import annotations

import re
from datetime import datetime

# RFC 3339, section 5.6: full-date "T" full-time, with seconds and an offset (Z or ±hh:mm) always.
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")


def rfc3339(text: object) -> datetime:
    """The time an RFC 3339 date-time names; ValueError, saying what is wrong, for anything else."""
    if not isinstance(text, str) or not RFC3339.fullmatch(text):
        raise ValueError(f"{text!r} is not an RFC 3339 date-time (YYYY-MM-DDThh:mm:ss[.frac] and Z or ±hh:mm)")
    return datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
