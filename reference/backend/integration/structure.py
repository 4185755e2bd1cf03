"""The structure payload, checked against spec/structure.schema.json (ERR-1)."""

import json
from datetime import datetime
from functools import lru_cache

import fastjsonschema
from django.conf import settings
from igny8_backend.errors import ApiError
from jsonschema import Draft7Validator

MAX_REPORTED_ERRORS = 50


@lru_cache(maxsize=1)
def _schema():
    schema = json.loads(settings.IGNY8_STRUCTURE_SCHEMA.read_text())
    Draft7Validator.check_schema(schema)
    return schema


@lru_cache(maxsize=1)
def _fast_check():
    # Compiled to Python: ~20x faster than jsonschema on a 1,000-type site, but it stops at the
    # first error, so a refused payload is walked again by jsonschema to name every path.
    return fastjsonschema.compile(_schema())


def _all_errors(payload):
    return sorted(Draft7Validator(_schema()).iter_errors(payload), key=lambda e: list(e.absolute_path))


def parse_generated_at(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def validate_structure(payload):
    """Returns the payload's generated_at as a datetime, or raises a 400 naming every failing path."""
    try:
        _fast_check()(payload)
        errors = []
    except fastjsonschema.JsonSchemaException:
        errors = _all_errors(payload)
    details = [{"path": e.json_path, "message": e.message} for e in errors[:MAX_REPORTED_ERRORS]]
    if not details:
        try:
            return parse_generated_at(payload["generated_at"])
        except ValueError as exc:
            details = [{"path": "$.generated_at", "message": f"not a real date-time: {exc}"}]
    count = len(errors) or 1
    raise ApiError(400, "invalid_structure", f"The structure is not valid against structure.schema.json ({count} problem(s)).", details)
