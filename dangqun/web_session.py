"""The HTTP side of sessions (README 部署与安全, 会话与下载), mounted by serve.py as middleware of st.App.

Streamlit's script talks to the browser over a websocket and cannot set a cookie, and a cookie set by
JavaScript is readable by any script on the page. So the login is handed over in two steps: the script
registers a one-time grant for the new token (`offer`) and sends a small script that POSTs the grant to
`_dangqun/session`; this middleware answers with the token in an HttpOnly, SameSite=Strict cookie. The
grant lives a minute and works once; the token never reaches JavaScript. A DELETE of the same path
(after logout, or when a cookie no longer opens a session) clears the cookie, if it is the one named.

Downloads: Streamlit serves a built download at `/media/<id>.<ext>` to whoever has the URL, until the
owner's next rerun. Here a downloadable file is served only to a request carrying the cookie of the
session that built it (`expect_download`, called as the bytes are built), within DOWNLOAD_TTL; any
other request gets 404, and so does any downloadable file nobody registered.

The state is in this process's memory: the script and the server run in one process. What it needs of
Streamlit's media files (their ids, their kind) it reads through dangqun.streamlit_door; when that is not
there (another Streamlit), no /media/ file is served at all.
"""
from __future__ import annotations

import hashlib
import http.cookies
import logging
import os
import secrets
import threading
import time

from dangqun import streamlit_door as door

_log = logging.getLogger(__name__)

COOKIE = "dangqun_session"
PATH = "/_dangqun/session"
GRANT_HEADER = "x-dangqun-grant"
CLEAR_HEADER = "x-dangqun-session"      # the session id (hash) whose cookie is to be cleared
GRANT_TTL = 60.0        # seconds a grant waits for the browser to fetch it
DOWNLOAD_TTL = 60.0     # seconds a built download stays fetchable by its session (the browser fetches at once)

_lock = threading.Lock()
_grants: dict[str, tuple[str, float]] = {}          # grant → (token, expires)
_downloads: dict[str, dict[str, float]] = {}        # media file id → {session id: expires}


def _sid(token: str) -> str:
    from dangqun.sessions import session_id

    return session_id(token)


def offer(token: str) -> str:
    """A one-time grant the browser exchanges for a cookie holding `token`."""
    grant = secrets.token_urlsafe(24)
    with _lock:
        _prune(time.monotonic())
        _grants[grant] = (token, time.monotonic() + GRANT_TTL)
    return grant


def pending(grant: str) -> bool:
    with _lock:
        entry = _grants.get(grant)
        return entry is not None and entry[1] > time.monotonic()


def _take(grant: str) -> str | None:
    with _lock:
        token, expires = _grants.pop(grant, (None, 0.0))
    return token if expires > time.monotonic() else None


def bind_script(grant: str) -> str:
    """The HTML (st.html with JavaScript) that trades the grant for the cookie. The URL is relative to
    the page, so it works under server.baseUrlPath too (every page of the app is one path segment)."""
    return ("<script>fetch('_dangqun/session', {method: 'POST', credentials: 'same-origin', "
            f"cache: 'no-store', headers: {{'X-Dangqun-Grant': '{_js(grant)}'}}}});</script>")


def clear_script(sid: str) -> str:
    return ("<script>fetch('_dangqun/session', {method: 'DELETE', credentials: 'same-origin', "
            f"cache: 'no-store', headers: {{'X-Dangqun-Session': '{_js(sid)}'}}}});</script>")


def _js(text: str) -> str:
    # grants are URL-safe base64 and ids hex: refuse anything else rather than escape it
    if not all(c.isalnum() or c in "-_" for c in text):
        raise ValueError("not a grant or session id")
    return text


def expect_download(sid: str, data: bytes, mimetype: str, file_name: str) -> bytes:
    """Register the download about to be stored (Streamlit derives its file id from these three) as
    fetchable by session `sid` for DOWNLOAD_TTL; returns `data` unchanged."""
    file_id = door.media_file_id(data, mimetype, file_name)
    with _lock:
        _prune(time.monotonic())
        _downloads.setdefault(file_id, {})[sid] = time.monotonic() + DOWNLOAD_TTL
    return data


def forget(sid: str) -> None:
    """A session ended: none of its downloads is served any more."""
    with _lock:
        for owners in _downloads.values():
            owners.pop(sid, None)
        _prune(time.monotonic())


def held(file_id: str) -> bool:
    """Whether some session may still fetch the download `file_id`: Streamlit keeps it stored until then
    (streamlit_door.keep_media_files)."""
    now = time.monotonic()
    with _lock:
        return any(exp > now for exp in _downloads.get(file_id, {}).values())


def may_fetch(file_id: str, sid: str | None) -> bool:
    with _lock:
        return bool(sid) and _downloads.get(file_id, {}).get(sid, 0.0) > time.monotonic()


def _prune(now: float) -> None:
    for grant in [g for g, (_, exp) in _grants.items() if exp <= now]:
        del _grants[grant]
    for file_id in list(_downloads):
        owners = {s: exp for s, exp in _downloads[file_id].items() if exp > now}
        if owners:
            _downloads[file_id] = owners
        else:
            del _downloads[file_id]


# ── the middleware ───────────────────────────────────────────────────────────────────────────

class SessionCookies:
    """ASGI middleware: st.App("app.py", middleware=[Middleware(SessionCookies)])."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            path = scope.get("path", "")
            if path.endswith(PATH):
                return await self._session(scope, send)
            if door.MEDIA_PATH in path and not self._may_serve(scope, path):
                return await _respond(send, 404, [])
        await self.app(scope, receive, send)

    async def _session(self, scope, send):
        headers = _headers(scope)
        if scope["method"] == "POST":
            token = _take(headers.get(GRANT_HEADER, ""))
            if token is None:
                return await _respond(send, 403, [])
            return await _respond(send, 204, [_cookie(scope, token)])
        if scope["method"] == "DELETE":
            current = _cookie_token(headers)
            if current is None or _sid(current) == headers.get(CLEAR_HEADER):
                return await _respond(send, 204, [_cookie(scope, "", clear=True)])
            return await _respond(send, 204, [])     # the browser has since logged in again: keep it
        return await _respond(send, 405, [])

    def _may_serve(self, scope, path) -> bool:
        name = path.rsplit("/", 1)[-1]
        try:
            if not door.is_download(name):
                return True      # images and the like, or nothing: Streamlit answers as it would
        except door.Missing as err:
            _log.error("media file refused, cannot tell whether it is a download: %s", err)
            return False
        token = _cookie_token(_headers(scope))
        return may_fetch(os.path.splitext(name)[0], _sid(token) if token else None)


def _headers(scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}


def _cookie_token(headers: dict[str, str]) -> str | None:
    jar = http.cookies.SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except http.cookies.CookieError:
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel and morsel.value else None


def _cookie(scope, token: str, clear: bool = False) -> tuple[bytes, bytes]:
    https = scope.get("scheme") == "https" or _headers(scope).get("x-forwarded-proto") == "https"
    parts = [f"{COOKIE}={token}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if clear:
        parts.append("Max-Age=0")
    if https:
        parts.append("Secure")
    return b"set-cookie", "; ".join(parts).encode("latin-1")


async def _respond(send, status: int, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"cache-control", b"no-store"), (b"content-length", b"0"), *headers]})
    await send({"type": "http.response.body", "body": b""})
