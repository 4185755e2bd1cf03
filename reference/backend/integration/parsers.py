"""ERR-2 / ERR-3: JSON only, and never more than IGNY8_MAX_PAYLOAD_BYTES read into memory."""

import json

from django.conf import settings
from igny8_backend.errors import too_large
from rest_framework import exceptions, parsers


def _drain(stream) -> None:
    """Reads the rest of a refused body and drops it, a chunk at a time (PROTOCOL.md 1: a backend MAY read
    a body to its end). Answering before the proxy has sent it all makes nginx answer 502 instead: it
    meets a closed connection while it still writes the body (a FLAKY 413 in the CI of f6c1975)."""
    while stream is not None and stream.read(64 * 1024):
        pass


class LimitedJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.IGNY8_MAX_PAYLOAD_BYTES
        request = parser_context["request"]
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if declared.isdigit() and int(declared) > limit:
            _drain(stream)
            raise too_large(limit)
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            _drain(stream)
            raise too_large(limit)
        try:
            data = json.loads(raw.decode("utf-8"))
            json.dumps(data, ensure_ascii=False).encode("utf-8")  # a lone surrogate ("\ud800") no UTF-8 text holds
            return data
        except UnicodeEncodeError as exc:
            raise exceptions.ParseError("The body holds a lone surrogate (an unpaired \\uD800-\\uDFFF escape), which no UTF-8 text can hold.") from exc
        except UnicodeDecodeError as exc:
            raise exceptions.ParseError(f"The body is not UTF-8: {exc}") from exc
        except json.JSONDecodeError as exc:
            raise exceptions.ParseError(f"The body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}.") from exc
