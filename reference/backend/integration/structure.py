"""The structure payload, checked against spec/structure.schema.json (ERR-1, ERR-5)."""

import json
import re
from datetime import datetime
from functools import cache, lru_cache
from typing import NamedTuple

import fastjsonschema
from django.conf import settings
from igny8_backend.errors import ApiError
from jsonschema import Draft7Validator, FormatChecker, ValidationError, validators

from . import formats

MAX_REPORTED_ERRORS = 50
# ERR-6: the versions of spec/structure.schema.json this backend accepts, offered in connect's answer.
# A new version is added here with its schema; the old ones stay accepted while plugins send them.
SCHEMA_VERSIONS = (1,)


@lru_cache(maxsize=1)
def _schema():
    schema = json.loads(settings.IGNY8_STRUCTURE_SCHEMA.read_text())
    Draft7Validator.check_schema(schema)
    return schema


@lru_cache(maxsize=1)
def _fast_check():
    # Compiled to Python: ~20x faster than jsonschema on a 1,000-type site, but it stops at the
    # first error, so a refused payload is walked again by jsonschema to name every path.
    return fastjsonschema.compile(_schema(), formats=FAST_FORMATS)


# ERR-5: the validator that names every error applies the schema as the fast one does, so that both
# give one verdict. A pattern is ECMA-262's, as JSON Schema says: "$" ends the text (Python's re lets
# it match before a final newline); and the schema's formats (date-time, iri) are asserted, not just
# annotations, by the same functions in both validators (formats.py).
_DOLLAR = re.compile(r"(?<!\\)\$")
FORMATS = FormatChecker(())
FORMATS.checks("date-time")(formats.is_date_time)
FORMATS.checks("iri")(formats.is_iri)
FORMATS.checks("uri")(formats.is_uri)
FAST_FORMATS = {"date-time": formats.is_date_time, "iri": formats.is_iri, "uri": formats.is_uri}


@cache
def _ecma_regex(pattern):
    return re.compile(_DOLLAR.sub(r"\\Z", pattern))


def _ecma_pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not _ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_FullValidator = validators.extend(Draft7Validator, {"pattern": _ecma_pattern})


@lru_cache(maxsize=1)
def _full_check():
    return _FullValidator(_schema(), format_checker=FORMATS)


class _Finding(NamedTuple):
    json_path: str
    message: str


def _fast_finding(refusal):
    """The fast validator's own refusal, as a path and a message: fastjsonschema names the value
    "data", "data.post_types.post.count", "data.taxonomies.x.object_types[1]"."""
    path = "$" + refusal.name[len("data") :] if refusal.name.startswith("data") else "$"
    return _Finding(path, refusal.message.replace(refusal.name, path, 1))


def _all_errors(payload):
    return sorted(_full_check().iter_errors(payload), key=lambda e: [str(p) for p in e.absolute_path])


def parse_generated_at(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def refuse_unspoken_version(payload):
    """ERR-6: a whole-number schema_version this backend does not speak is named as such, not as a
    schema violation, so that a newer plugin knows to send a version it does speak."""
    version = payload.get("schema_version") if isinstance(payload, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version not in SCHEMA_VERSIONS:
        spoken = ", ".join(str(v) for v in SCHEMA_VERSIONS)
        raise ApiError(
            400,
            "unsupported_schema_version",
            f"This backend accepts structure schema version(s) {spoken}, not {version}.",
            [{"path": "$.schema_version", "message": f"not one of {spoken}"}],
        )


def validate_structure(payload):
    """Returns the payload's generated_at as a datetime, or raises a 400 naming every failing path.
    A refusal is final (ERR-5): where the fast validator refuses and the full one finds nothing to
    name, the fast one's own finding is named."""
    refuse_unspoken_version(payload)
    try:
        _fast_check()(payload)
        errors = []
    except fastjsonschema.JsonSchemaException as refusal:
        errors = _all_errors(payload) or [_fast_finding(refusal)]
    details = [{"path": e.json_path, "message": e.message} for e in errors[:MAX_REPORTED_ERRORS]]
    if not details:
        try:
            return parse_generated_at(payload["generated_at"])
        except ValueError as exc:
            details = [{"path": "$.generated_at", "message": f"not a real date-time: {exc}"}]
    count = len(errors) or 1
    raise ApiError(400, "invalid_structure", f"The structure is not valid against structure.schema.json ({count} problem(s)).", details)
