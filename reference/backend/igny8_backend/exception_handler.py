"""The DRF exception handler: turns every APIException into the ERR-4 error body."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .errors import ApiError, error_body, too_large

_CODES = {
    exceptions.NotAuthenticated: "missing_api_key",
    exceptions.AuthenticationFailed: "invalid_api_key",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.ParseError: "malformed_json",
    exceptions.ValidationError: "invalid_request",
    exceptions.Throttled: "throttled",
}


def json_exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):  # Django's own guard (DATA_UPLOAD_MAX_MEMORY_SIZE) fired first
        exc = too_large(settings.IGNY8_MAX_PAYLOAD_BYTES)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Integration not found.")
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiError):
        body = error_body(exc.error_code, str(exc.detail), exc.details)
    elif isinstance(exc, exceptions.ValidationError):
        body = error_body("invalid_request", "The request body is not valid.", _flatten(exc.detail))
    elif isinstance(exc, exceptions.AuthenticationFailed) and getattr(exc, "error_code", None):
        body = error_body(exc.error_code, str(exc.detail))
    else:
        code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), "error")
        body = error_body(code, str(exc.detail))
    return Response(body, status=response.status_code, headers=_kept_headers(response))


def _kept_headers(response):
    # Retry-After: when a throttled client may try again (OPS-4), set by DRF from the throttle's wait().
    return {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Allow", "Retry-After")}


def _flatten(detail, path="$"):
    """DRF's nested error dict as a flat list of {path, message}."""
    if isinstance(detail, dict):
        return [item for key, value in detail.items() for item in _flatten(value, _child(path, key))]
    if isinstance(detail, list):
        if all(isinstance(d, str) for d in detail):
            return [{"path": path, "message": str(d)} for d in detail]
        return [item for i, value in enumerate(detail) for item in _flatten(value, f"{path}[{i}]")]
    return [{"path": path, "message": str(detail)}]


def _child(path, key):
    return f"{path}[{key}]" if isinstance(key, int) or str(key).isdigit() else f"{path}.{key}"
