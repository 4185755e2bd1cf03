"""Validation of request bodies against JSON Schema draft-07, read as the spec reads it (ERR-1, ERR-5).

Python's ``re`` is not ECMA-262: its ``$`` also matches before a final newline and its ``.`` matches
``\\r``. Patterns are therefore translated before they are compiled, and the asserted formats,
``date-time`` and ``iri`` (and ``uri``), refuse what their Python checkers would let through the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from jsonschema import Draft7Validator, FormatChecker, ValidationError, validators

from . import formats
from .config import settings

SUPPORTED_SCHEMA_VERSIONS = (1,)


# --- ECMA-262 patterns --------------------------------------------------------------------------------


def ecma_to_python(pattern: str) -> str:
    """Translate an ECMA-262 pattern (no flags) to Python ``re`` with the same meaning.

    ``$`` (end of input) becomes ``\\Z``; ``.`` matches anything but a line terminator; ``\\d``,
    ``\\w`` and their negations are ASCII, as in ECMA-262.
    """
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "d":
                out.append("0-9" if in_class else "[0-9]")
            elif nxt == "D":
                out.append(r"\D" if in_class else "[^0-9]")
            elif nxt == "w":
                out.append("A-Za-z0-9_" if in_class else "[A-Za-z0-9_]")
            elif nxt == "W":
                out.append(r"\W" if in_class else "[^A-Za-z0-9_]")
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
            out.append(ch)
        elif ch == "[":
            negated = pattern[i + 1 : i + 2] == "^"
            start = i + 2 if negated else i + 1
            if pattern[start : start + 1] == "]":  # ECMA: "[]" matches nothing, "[^]" any character
                out.append(r"[\s\S]" if negated else "(?!)")
                i = start + 1
                continue
            in_class = True
            out.append("[^" if negated else "[")
            i = start
            continue
        elif ch == "$":
            out.append(r"\Z")
        elif ch == ".":
            out.append("[^\n\r\u2028\u2029]")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


@lru_cache(maxsize=256)
def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(ecma_to_python(pattern))


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not compiled(pattern).search(instance):
        yield ValidationError(f"{_short(instance)} does not match {pattern!r}")


FORMATS = FormatChecker(formats=())


# RFC 3339 with a day its month has, ASCII digits, no final newline (formats.py); PROTOCOL.md 3 and
# ERR-5: a site's address is an IRI, as WordPress holds it (https://größe.example/é); "uri" is RFC 3986's.
FORMATS.checks("date-time")(formats.is_date_time)
FORMATS.checks("iri")(formats.is_iri)
FORMATS.checks("uri")(formats.is_uri)


StrictValidator = validators.extend(Draft7Validator, validators={"pattern": _ecma_pattern})


def _self_check() -> None:
    # Formats are only asserted when their checkers are installed: refuse to run without them.
    bad = {"date-time": "2026-02-30T00:00:00Z", "iri": "https://a b", "uri": "https://blog.example/é"}
    good = {"date-time": "2026-02-28T00:00:00Z", "iri": "https://bücher.example/é", "uri": "https://blog.example/"}
    for name in bad:
        if FORMATS.conforms(bad[name], name) or not FORMATS.conforms(good[name], name):
            raise RuntimeError(f"the {name} format checker does not work")
    if compiled("^a$").search("a\n"):
        raise RuntimeError("pattern translation does not work")


_self_check()


# --- Schemas ------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def structure_validator() -> Any:
    with open(settings().schema_path, encoding="utf-8") as fh:
        schema = json.load(fh)
    StrictValidator.check_schema(schema)
    return StrictValidator(schema, format_checker=FORMATS)


NO_NUL = "^[^\\u0000]*$"

SYNC_CONTENT_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {
        "items": {
            "type": "array",
            "maxItems": 500,  # CONTENT-1: at most 500 items, 500 deletions a batch
            "items": {
                "type": "object",
                "required": ["external_id", "post_type", "status", "title"],
                "properties": {
                    "external_id": {"type": "integer", "minimum": 1, "maximum": 9223372036854775807},
                    "post_type": {"type": "string", "pattern": "^[a-z0-9_-]{1,20}$"},
                    "title": {"type": "string", "maxLength": 10000, "pattern": NO_NUL},
                    "status": {"type": "string", "minLength": 1, "maxLength": 20, "pattern": NO_NUL},
                    "url": {
                        "oneOf": [
                            {"type": "string", "format": "iri", "maxLength": 2048},
                            {"type": "string", "maxLength": 0},
                        ]
                    },
                    "modified_gmt": {"type": ["string", "null"], "format": "date-time"},
                    "terms": {
                        "type": "object",
                        "maxProperties": 5000,
                        "propertyNames": {"minLength": 1, "maxLength": 32, "pattern": "^[^\\u0000]+$"},
                        "additionalProperties": {
                            "type": "array",
                            "maxItems": 1000,
                            "items": {"type": "string", "maxLength": 200, "pattern": NO_NUL},
                        },
                    },
                },
            },
        },
        "deleted": {
            "type": "array",
            "maxItems": 500,  # CONTENT-1: at most 500 items, 500 deletions a batch
            "items": {
                "type": "object",
                "required": ["external_id"],
                "properties": {"external_id": {"type": "integer", "minimum": 1, "maximum": 9223372036854775807}},
            },
        },
        "walk": {
            "type": "object",
            "required": ["id", "batch"],
            "properties": {
                "id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
                "batch": {"type": "integer", "minimum": 0, "maximum": 2147483647},
                "last": {"type": "boolean"},
            },
        },
    },
}

CONNECT_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {
        "site_url": {"type": "string", "format": "iri", "maxLength": 2048},
        "wp_version": {"type": "string", "maxLength": 64, "pattern": NO_NUL},
        "plugin_version": {"type": "string", "maxLength": 64, "pattern": NO_NUL},
    },
}

sync_content_validator = StrictValidator(SYNC_CONTENT_SCHEMA, format_checker=FORMATS)
connect_validator = StrictValidator(CONNECT_SCHEMA, format_checker=FORMATS)


# --- Errors as paths -----------------------------------------------------------------------------------

MAX_DETAILS = 200


def json_path(parts: Iterable[Any]) -> str:
    """``$.post_types.post.label``, ``$.items[3].terms``: the failing place in the body."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def details_of(validator: Any, instance: Any) -> list[dict[str, str]]:
    """Every failing path of ``instance``, one entry each, in a stable order."""
    details: dict[tuple[str, str], None] = {}
    for error in validator.iter_errors(instance):
        for path, message in _explain(error):
            details.setdefault((path, message), None)
            if len(details) >= MAX_DETAILS:
                break
    return [{"path": p, "message": m} for p, m in sorted(details)]


def _explain(error: ValidationError) -> Iterator[tuple[str, str]]:
    """The error at its JSON Schema instance location (the object that fails), and, for a name that
    is missing, not allowed or not a field, that name's own path as well."""
    where = list(error.absolute_path)
    if "propertyNames" in error.absolute_schema_path:
        message = f"the name {_short(error.instance)} is not allowed: {_trim(error.message)}"
        yield json_path(where), message
        yield json_path([*where, error.instance]), message
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        patterns = [compiled(p) for p in error.schema.get("patternProperties", {})]
        for name in error.instance:
            if name not in allowed and not any(p.search(name) for p in patterns):
                message = f"{_short(name)} is not a field of this schema version"
                yield json_path(where), message
                yield json_path([*where, name]), message
    elif error.validator == "required" and isinstance(error.instance, dict):
        for name in error.validator_value:
            if name not in error.instance:
                yield json_path(where), f"{name!r} is required"
                yield json_path([*where, name]), f"{name!r} is required"
    elif error.validator in ("oneOf", "anyOf") and error.context:
        yield json_path(where), "matches none of the allowed forms: " + "; ".join(sorted({_trim(e.message) for e in error.context}))
    else:
        yield json_path(where), _trim(error.message)


def _trim(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[:limit] + "..."


def has_bad_text(value: Any, path: list[Any] | None = None) -> list[Any] | None:
    """The path of the first string (or key) that no UTF-8 store can hold: a lone surrogate or U+0000."""
    path = path or []
    if isinstance(value, str):
        return path if _unstorable(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if _unstorable(key):
                return [*path, key]
            found = has_bad_text(item, [*path, key])
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = has_bad_text(item, [*path, index])
            if found is not None:
                return found
    return None


def _unstorable(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
