"""The Content Types tab and its login (spec/CONTRACT.md 2.3; UI-1..3, SEC-7, SEC-13..17).

The session cookie is Flask's, signed on the client; what it names is a session held on the server
too (ig_web_sessions, by the SHA-256 of a random id), which a logout deletes. A signed cookie alone
cannot be ended: a copy taken before the logout would open the tab until it expired (SEC-16)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, make_response, redirect, render_template, request, session, url_for
from markupsafe import Markup, escape
from psycopg import Connection

from . import db, security, store

bp = Blueprint("web", __name__)


def _csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(24)
    return token


def _csrf_ok() -> bool:
    sent = request.form.get("csrf", "")
    token = session.get("csrf", "")
    return bool(token) and hmac.compare_digest(sent.encode(), token.encode())


def _password_mark(password_hash: str) -> str:
    secret = current_app.secret_key.encode() if isinstance(current_app.secret_key, str) else current_app.secret_key
    return hmac.new(secret, password_hash.encode(), hashlib.sha256).hexdigest()[:24]


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("web.home")


def _sid_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _lifetime_seconds() -> int:
    return int(current_app.permanent_session_lifetime.total_seconds())


def _start_session(conn: Connection[Any], user_id: int) -> str:
    """A new server-side session for the user (expired ones swept on the way); its id, for the cookie."""
    sid = secrets.token_urlsafe(32)
    conn.execute("DELETE FROM ig_web_sessions WHERE created_at < now() - make_interval(secs => %s)", (_lifetime_seconds(),))
    conn.execute("INSERT INTO ig_web_sessions (sid_sha256, user_id) VALUES (%s, %s)", (_sid_hash(sid), user_id))
    return sid


def _current_user() -> dict[str, Any] | None:
    user_id, sid = session.get("uid"), session.get("sid")
    if not isinstance(user_id, int) or not isinstance(sid, str):
        return None
    with db.connection() as conn:
        user = conn.execute(
            """SELECT u.id, u.account_id, u.username, u.password_hash
                 FROM ig_users u JOIN ig_web_sessions s ON s.user_id = u.id
                WHERE u.id = %s AND s.sid_sha256 = %s AND s.created_at >= now() - make_interval(secs => %s)""",
            (user_id, _sid_hash(sid), _lifetime_seconds()),
        ).fetchone()
    # A password changed since the login ends the session.
    if user is None or not hmac.compare_digest(str(session.get("pwd", "")), _password_mark(user["password_hash"])):
        return None
    return user


@bp.app_template_filter("dom_text")
def dom_text(value: str) -> Markup:
    """Text that an HTML parser gives back exactly: escaped, and CR kept (the parser turns a raw one into LF)."""
    return Markup(str(escape(value)).replace("\r", "&#13;"))


@bp.app_template_filter("human_time")
def human_time(moment: datetime) -> str:
    return moment.strftime("%-d %b %Y, %H:%M:%S UTC")


@bp.get("/")
def home() -> Response:
    user = _current_user()
    if user is None:
        return redirect(url_for("web.login"))
    with db.connection() as conn:
        sites = conn.execute("SELECT id, name FROM ig_sites WHERE account_id = %s ORDER BY id", (user["account_id"],)).fetchall()
    return _page("home.html", user=user, sites=sites)


@bp.get("/sites/<site_id>/content-types/")
def content_types(site_id: str) -> Response:
    user = _current_user()
    if user is None:
        return redirect(url_for("web.login") + "?" + urlencode({"next": request.path}))
    if not site_id.isascii() or not site_id.isdigit() or len(site_id) > 18:
        abort(404)
    with db.connection() as conn:
        site = store.site_for_user(conn, int(site_id), user["id"])
        if site is None:  # another account's site answers as a missing one (SEC-7)
            abort(404)
        integration = store.primary_integration(conn, site["id"])
        view = None
        if integration is not None:
            data = store.read_back(conn, integration["id"])
            view = {
                "badge": store.badge(integration),
                "synced_at": integration["structure_synced_at"],
                "stored_time": integration["last_structure_fetch"],
                "post_types": sorted(data["post_types"].items()),
                "taxonomies": sorted(data["taxonomies"].items()),
            }
    return _page("content_types.html", user=user, site=site, view=view)


@bp.route("/accounts/sign-in/", methods=["GET", "POST"])
def login() -> Response:
    target = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return _page("login.html", next=target, error=None, username="")
    if not _csrf_ok():
        return _page("login.html", next=target, username="", error="Your sign-in form expired. Please try again.", status=403)
    typed = request.form.get("username", "")
    password = request.form.get("password", "")
    key = security.login_key(typed)
    with db.connection() as conn:
        user = conn.execute("SELECT id, account_id, password_hash FROM ig_users WHERE login_key = %s", (key,)).fetchone() if key else None
        throttle_key = f"user:{user['id']}" if user else f"name:{key}"
        verdict = security.login_wait(conn, throttle_key)
        if not verdict.allowed:
            resp = _page(
                "login.html",
                next=target,
                username=typed,
                status=429,
                error=f"Too many failed sign-in attempts for this user. Try again in {verdict.retry_after} seconds.",
            )
            resp.headers["Retry-After"] = str(verdict.retry_after)
            return resp
        if user is not None and security.check_password(password, user["password_hash"]):
            session.clear()  # a new session, whatever the browser held (SEC-15)
            session["sid"] = _start_session(conn, user["id"])
            session["uid"] = user["id"]
            session["pwd"] = _password_mark(user["password_hash"])
            return redirect(target)
        if user is None:
            security.burn_password_check(password)
        with conn.transaction():
            security.login_failed(conn, throttle_key)
    return _page("login.html", next=target, username=typed, status=200, error="That username and password do not match an account.")


@bp.post("/accounts/sign-out/")
def logout() -> Response:
    if _csrf_ok():
        sid = session.get("sid")
        if isinstance(sid, str):  # ended on the server: a copy of the cookie opens nothing (SEC-16)
            with db.connection() as conn:
                conn.execute("DELETE FROM ig_web_sessions WHERE sid_sha256 = %s", (_sid_hash(sid),))
        session.clear()
    return redirect(url_for("web.login"))


def _page(template: str, status: int = 200, **context: Any) -> Response:
    resp = make_response(render_template(template, csrf=_csrf_token(), **context), status)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
    return resp
