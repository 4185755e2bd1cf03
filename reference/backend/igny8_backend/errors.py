"""ERR-4: every refusal is {"error": {"code", "message", "details"}}; this module makes them."""

from django.http import JsonResponse
from rest_framework import exceptions


class ApiError(exceptions.APIException):
    """A refusal with a stable machine-readable code and optional per-path details."""

    def __init__(self, status_code, code, message, details=None):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.error_code = code
        self.details = details or []


def error_body(code, message, details=None):
    return {"error": {"code": code, "message": message, "details": details or []}}


def too_large(limit):
    """ERR-3's refusal, whichever guard (Django's or the parser's) noticed first."""
    return ApiError(
        413,
        "payload_too_large",
        f"The body is larger than the limit of {limit} bytes.",
        [{"path": "$", "message": f"limit is {limit} bytes"}],
    )


def api_not_found(request, exception=None):
    """A JSON 404 for unknown URLs under /api/, so API clients never parse HTML."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", f"No endpoint at {request.path}."), status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def api_server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("server_error", "The server failed; see its log."), status=500)
    from django.views.defaults import server_error

    return server_error(request)
