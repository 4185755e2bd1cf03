"""The integration API under /api/v1/integration/integrations/ and the health check (spec/openapi.yaml)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, g, request

from . import __version__, db, security, store, validation
from .config import settings
from .store import Refusal

bp = Blueprint("api", __name__)

PREFIX = "/api/v1/integration/integrations"
FUTURE_TOLERANCE = timedelta(minutes=5)  # CONC-3
DRAIN_CHUNK = 64 * 1024
_BEARER = re.compile(r"^[Bb][Ee][Aa][Rr][Ee][Rr] +([^\s]+) *$")
_ID = re.compile(r"^[0-9]{1,18}$")


def error_response(status: int, code: str, message: str, details: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None) -> Response:
    body = {"error": {"code": code, "message": message, "details": details or []}}
    resp = json_response(body, status)
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp


def json_response(body: Any, status: int = 200) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text.encode("utf-8"), status=status, content_type="application/json; charset=utf-8")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.response = error_response(status, code, message, details, headers)


def _refused(refusal: Refusal) -> ApiError:
    return ApiError(refusal.status, refusal.code, refusal.message, refusal.details)


# --- Body ---------------------------------------------------------------------------------------------------


def read_body() -> None:
    """Read the whole body, keeping at most the limit, so that an early answer never cuts an upload."""
    limit = settings().max_payload_bytes
    declared = request.content_length
    kept: list[bytes] = []
    size = 0
    stream = request.stream
    while True:
        chunk = stream.read(DRAIN_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size <= limit:
            kept.append(chunk)
    g.body_too_large = size > limit or (declared is not None and declared > limit)
    g.body = b"" if g.body_too_large else b"".join(kept)


def json_body(required: bool) -> Any:
    """The request's JSON, or an ApiError: 413, 415, 400 malformed_json (ERR-2, ERR-3)."""
    limit = settings().max_payload_bytes
    if g.body_too_large:
        raise ApiError(
            413,
            "payload_too_large",
            f"The request body is larger than the limit of {limit} bytes.",
            [{"path": "$", "message": f"at most {limit} bytes (IGNY8_MAX_PAYLOAD_BYTES)"}],
        )
    if not g.body and not required:
        return None
    if request.mimetype != "application/json" or (request.mimetype_params.get("charset", "utf-8").lower().replace("-", "") not in ("utf8",)):
        raise ApiError(
            415,
            "unsupported_media_type",
            "The body must be JSON sent as application/json (UTF-8).",
            [{"path": "$", "message": f"Content-Type was {request.content_type or 'missing'}"}],
        )
    try:
        text = g.body.decode("utf-8")
        return json.loads(text, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        where = f"at character {exc.pos}" if isinstance(exc, json.JSONDecodeError) else "not UTF-8 JSON text"
        raise ApiError(400, "malformed_json", "The body is not valid JSON.", [{"path": "$", "message": where}]) from None


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _check(validator: Any, body: Any, code: str, message: str) -> None:
    details = validation.details_of(validator, body)
    if details:
        raise ApiError(400, code, message, details)
    bad = validation.has_bad_text(body)
    if bad is not None:
        raise ApiError(400, code, message, [{"path": validation.json_path(bad), "message": "text that cannot be stored (U+0000 or a lone surrogate)"}])


# --- Keys ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    integration_id: int
    site_id: int


def authorize(path_id: str | None = None) -> Caller:
    """SEC-1 (the key, from the Authorization header only), OPS-4 (its rate), SEC-2/SEC-9 (its id)."""
    header = request.headers.get("Authorization")
    if header is None or not header.strip():
        raise ApiError(401, "missing_api_key", "Send the integration's API key as 'Authorization: Bearer <key>'.")
    match = _BEARER.match(header.strip())
    if not match:
        raise ApiError(401, "malformed_authorization", "The Authorization header must be 'Bearer <key>'.")
    key = match.group(1)
    with db.connection() as conn:
        holder = store.find_key(conn, key)
        refusal = store.key_refusal(holder)
        if refusal is not None:
            raise _refused(refusal)
        verdict = security.api_hit(conn, holder.integration_id)
    if not verdict.allowed:
        raise ApiError(
            429, "throttled", f"Too many requests for this key: retry after {verdict.retry_after} seconds.", headers={"Retry-After": str(verdict.retry_after)}
        )
    if path_id is not None and (not _ID.match(path_id) or int(path_id) != holder.integration_id):
        raise not_found()
    return Caller(holder.integration_id, holder.site_id)


def not_found() -> ApiError:
    return ApiError(404, "not_found", "No integration with this id.")


# --- Endpoints ----------------------------------------------------------------------------------------------


@bp.get("/api/v1/health/")
def health() -> Response:
    up = db.ping()
    body = {
        "status": "ok" if up else "degraded",
        "version": __version__,
        "revision": g.revision,
        "database": "ok" if up else "unavailable",
    }
    return json_response(body, 200 if up else 503)


@bp.post(f"{PREFIX}/connect/")
def connect() -> Response:
    caller = authorize()
    body = json_body(required=False)
    if body is None and not g.body:  # no body counts as {}; a JSON null is a body, and not an object
        body = {}
    _check(validation.connect_validator, body, "invalid_request", "The connect request is not valid.")
    with db.transaction() as conn:
        row = _run(store.connect, conn, caller.integration_id, body.get("site_url"))
    return json_response(
        {
            "integration_id": row["id"],
            "site_id": row["site_id"],
            "site_name": row["site_name"],
            "status": "connected",
            "schema_versions": list(validation.SUPPORTED_SCHEMA_VERSIONS),
        }
    )


@bp.post(f"{PREFIX}/<path_id>/test-connection/")
def test_connection(path_id: str) -> Response:
    caller = authorize(path_id)
    json_body(required=False)
    with db.connection() as conn:
        row = store.state(conn, caller.integration_id)
    return json_response({"ok": True, "integration_id": row["id"], "site_id": row["site_id"], "status": row["status"]})


@bp.post(f"{PREFIX}/<path_id>/disconnect/")
def disconnect(path_id: str) -> Response:
    caller = authorize(path_id)
    json_body(required=False)
    with db.transaction() as conn:
        row = _run(store.disconnect, conn, caller.integration_id)
    return json_response({"ok": True, "integration_id": row["id"], "site_id": row["site_id"], "status": "disconnected"})


@bp.post(f"{PREFIX}/<path_id>/update-structure/")
def update_structure(path_id: str) -> Response:
    caller = authorize(path_id)
    body = json_body(required=True)
    version = body.get("schema_version") if isinstance(body, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version not in validation.SUPPORTED_SCHEMA_VERSIONS:
        speaks = ", ".join(str(v) for v in validation.SUPPORTED_SCHEMA_VERSIONS)
        raise ApiError(
            400,
            "unsupported_schema_version",
            f"schema_version {version} is not supported: this backend accepts schema_version {speaks}.",
            [{"path": "$.schema_version", "message": f"accepted versions: [{speaks}]"}],
        )
    _check(validation.structure_validator(), body, "invalid_structure", "The structure is not valid against the schema.")
    generated_at = _parse_time(body["generated_at"])
    if generated_at > datetime.now(UTC) + FUTURE_TOLERANCE:
        raise ApiError(
            400,
            "generated_at_in_future",
            "generated_at is more than 5 minutes ahead of the backend's clock.",
            [{"path": "$.generated_at", "message": "more than 5 minutes in the future"}],
        )
    with db.transaction() as conn:
        accepted = _run(store.store_structure, conn, caller.integration_id, body, generated_at)
    return json_response(
        {
            "success": True,
            "last_structure_fetch": store.rfc3339(accepted),
            "post_types": len(body["post_types"]),
            "taxonomies": len(body["taxonomies"]),
        }
    )


@bp.get(f"{PREFIX}/<path_id>/content-types/")
def content_types(path_id: str) -> Response:
    caller = authorize(path_id)
    with db.connection() as conn:
        return json_response(store.read_back(conn, caller.integration_id))


@bp.post(f"{PREFIX}/<path_id>/sync-content/")
def sync_content(path_id: str) -> Response:
    caller = authorize(path_id)
    body = json_body(required=True)
    _check(validation.sync_content_validator, body, "invalid_request", "The content batch is not valid.")
    with db.transaction() as conn:
        result = _run(store.sync_content, conn, caller.integration_id, body)
    return json_response(result)


def _run(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except Refusal as refusal:
        raise _refused(refusal) from None


def _parse_time(text: str) -> datetime:
    # The schema's pattern: YYYY-MM-DDTHH:MM:SS[.ffffff]Z
    base, _, rest = text[:-1].partition(".")
    leap = base.endswith(":60")  # RFC 3339's leap second, which the date-time format accepts: the next second
    moment = datetime.strptime(base[:-2] + "59" if leap else base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC) + timedelta(seconds=leap)
    if rest:
        moment += timedelta(microseconds=int(rest.ljust(6, "0")))
    return moment
