"""The WSGI application: host and scheme checks, HSTS, error pages, and the two blueprints."""

from __future__ import annotations

import hashlib
import logging
import os
from datetime import timedelta
from typing import Any

import psycopg
from flask import Flask, Response, g, redirect, render_template, request
from werkzeug.exceptions import HTTPException

from . import api, db, web
from .config import settings

log = logging.getLogger("igny8alt")

HSTS = "max-age=63072000; includeSubDomains"  # two years (SEC-11: at least one)
API_PATHS = ("/api/",)


def source_revision() -> str:
    """The hash of the code that runs (OPS-1): IGNY8_REVISION, or the SHA-256 of this package's files."""
    if settings().revision:
        return settings().revision
    root = os.path.dirname(os.path.abspath(__file__))
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(folder, name)
            digest.update(os.path.relpath(path, root).encode() + b"\0")
            with open(path, "rb") as fh:
                digest.update(hashlib.sha256(fh.read()).digest())
    return digest.hexdigest()


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    host = host.strip().lower()
    if host.startswith("["):
        name = host[: host.find("]") + 1] if "]" in host else host
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name.rstrip(".")
    if not name:
        return False
    for pattern in allowed:
        if pattern == "*" or name == pattern:
            return True
        if pattern.startswith(".") and (name == pattern[1:] or name.endswith(pattern)):
            return True
    return False


def is_api(path: str) -> bool:
    return path.startswith(API_PATHS)


def create_app() -> Flask:
    cfg = settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=cfg.secret_key,
        SESSION_COOKIE_NAME="igny8alt_session",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        MAX_CONTENT_LENGTH=None,
        JSON_SORT_KEYS=False,
    )
    revision = source_revision()
    app.register_blueprint(api.bp)
    app.register_blueprint(web.bp)

    @app.before_request
    def _guard() -> Any:
        g.revision = revision
        g.body, g.body_too_large = b"", False
        if is_api(request.path):
            api.read_body()  # always read the whole body first: an early answer never cuts an upload
        if not host_allowed(request.host or "", cfg.allowed_hosts):
            return _refuse(400, "invalid_request", "The Host header names no host this backend serves.")
        # Only the proxy says what the scheme was (SEC-10): it sets X-Forwarded-Proto on every request,
        # overwriting a client's. Without it, the request reached port 8000 directly: plain HTTP.
        scheme = request.headers.get("X-Forwarded-Proto", "http").split(",")[0].strip().lower()
        g.https = scheme == "https"
        if not g.https:
            target = "https://" + request.host + request.full_path.rstrip("?")
            code = 301 if request.method in ("GET", "HEAD") else 308
            if is_api(request.path):
                resp = api.json_response(
                    {
                        "error": {
                            "code": "https_required",
                            "message": "This API answers over HTTPS only.",
                            "details": [{"path": "$", "message": f"use {target}"}],
                        }
                    },
                    code,
                )
                resp.headers["Location"] = target
                return resp
            return redirect(target, code)
        return None

    @app.after_request
    def _headers(resp: Response) -> Response:
        if getattr(g, "https", False):
            resp.headers["Strict-Transport-Security"] = HSTS
        resp.headers.setdefault("Cache-Control", "no-store")
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "same-origin"
        return resp

    @app.errorhandler(api.ApiError)
    def _api_error(exc: api.ApiError) -> Response:
        return exc.response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        code = exc.code or 500
        if is_api(request.path):
            names = {404: "not_found", 405: "method_not_allowed", 400: "invalid_request", 413: "payload_too_large"}
            resp = api.error_response(code, names.get(code, "http_error"), exc.description or exc.name)
            if code == 405 and exc.get_response().headers.get("Allow"):
                resp.headers["Allow"] = exc.get_response().headers["Allow"]
            return resp
        titles = {404: "Page not found", 403: "Forbidden", 405: "Method not allowed"}
        return Response(
            render_template("error.html", title=titles.get(code, exc.name), user=None, message="There is nothing here for you."),
            code,
            content_type="text/html; charset=utf-8",
        )

    @app.errorhandler(db.DatabaseUnavailable)
    @app.errorhandler(psycopg.OperationalError)
    def _db_down(exc: Exception) -> Response:
        log.warning("database unavailable: %s", type(exc).__name__)
        return _refuse(503, "service_unavailable", "The backend's database does not answer; try again later.", headers={"Retry-After": "5"})

    @app.errorhandler(Exception)
    def _crash(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _refuse(500, "server_error", "The backend failed to handle this request.")

    return app


def _refuse(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    if is_api(request.path):
        return api.error_response(status, code, message, headers=headers)
    resp = Response(render_template("error.html", title="Sorry", user=None, message=message), status, content_type="text/html; charset=utf-8")
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp
