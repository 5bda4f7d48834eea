"""The gate in front of Streamlit's own endpoints (README 启动方式与服务端守卫), mounted by serve.py as
middleware of st.App: what a connection may do before, and apart from, the app's login form.

Streamlit serves these to anyone who can open the page, logged in or not, and has no setting to
restrict them:
- `/_stcore/upload_file/<session>/<file>` takes files for any live session, so a session that never
  logged in could park gigabytes in the server's memory. Here only a session logged in as an
  administrator (the only one with an upload page) and not idle may upload, each file at most
  server.maxUploadSize MB (.streamlit/config.toml, checked by Streamlit) and all the files a session
  holds at once at most SESSION_FILES times that.
- a `clear_cache` message on the websocket empties every st.cache_data and st.cache_resource of the
  process (everyone's cached queries, the database connection). Nobody needs it here (an import
  changes the data version, which retires cached answers by itself), so it is dropped from everyone.
- `/_stcore/metrics` lists the names of the cached functions and session counts: refused.

What the guard reads of Streamlit (the sessions, the uploads they hold, the websocket's messages) it reads
through dangqun.streamlit_door; when that is not there (another Streamlit), it refuses: no upload, no
websocket.
"""
from __future__ import annotations

import collections
import logging

from dangqun import auth, streamlit_door as door

SESSION_FILES = 2           # a session holds at most this many largest files' worth of uploads

SESSION_KEY = "_session"    # dangqun.ui.SESSION: {"account": auth.Account, "seen": datetime}

NOT_LOGGED_IN = "请先以管理员身份登录后再上传文件"
NO_LENGTH = "上传请求缺少文件大小（Content-Length）"
TOO_MUCH = "本次会话上传的文件合计不能超过 {mb} MB，请先移除已上传的文件"
# the guard cannot see the session or the files it holds (streamlit_door.Missing): no upload at all
UNCHECKABLE = "服务器无法核对本次上传（看板与所装的 Streamlit 版本不符），上传已拒绝，请联系运维人员"

_log = logging.getLogger(__name__)


class Guard:
    """ASGI middleware: st.App("app.py", middleware=[Middleware(Guard)])."""

    def __init__(self, app):
        self.app = app
        self._in_flight: collections.Counter[str] = collections.Counter()   # session → bytes arriving

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] == "http" and path.endswith(door.METRICS_PATH):
            return await _respond(send, 404, "Not Found")
        if scope["type"] == "http" and door.UPLOAD_PATH in path and scope["method"] == "PUT":
            return await self._upload(scope, receive, send, path.split(door.UPLOAD_PATH, 1)[1].split("/")[0])
        if scope["type"] == "websocket" and path.endswith(door.STREAM_PATH):
            if not door.clear_cache_known():
                _log.error("websocket refused: Streamlit's BackMsg has no %s field to drop", door.CLEAR_CACHE)
                await receive()                                      # websocket.connect
                return await send({"type": "websocket.close", "code": 1011})
            receive = _without_cache_control(receive)
        await self.app(scope, receive, send)

    async def _upload(self, scope, receive, send, session_id: str):
        length = _content_length(scope)
        try:
            refusal = self._refusal(session_id, length)
        except door.Missing as err:
            _log.error("upload refused, the guard cannot check it: %s", err)
            refusal = 503, UNCHECKABLE
        if refusal:
            return await _respond(send, *refusal)
        self._in_flight[session_id] += length
        try:
            await self.app(scope, receive, send)
        finally:
            self._in_flight[session_id] -= length
            if self._in_flight[session_id] <= 0:
                del self._in_flight[session_id]

    def _refusal(self, session_id: str, length: int | None) -> tuple[int, str] | None:
        if not _admin_logged_in(session_id):
            return 403, NOT_LOGGED_IN
        if length is None:
            return 411, NO_LENGTH
        # checked here and reserved by the caller in one step on the event loop (no await between),
        # so parallel uploads cannot all pass
        cap_mb = session_upload_mb()
        if door.held_upload_bytes(session_id) + self._in_flight[session_id] + length > cap_mb * 1024 * 1024:
            return 413, TOO_MUCH.format(mb=cap_mb)
        return None


def session_upload_mb() -> int:
    from streamlit import config

    return SESSION_FILES * config.get_option("server.maxUploadSize")


def _admin_logged_in(session_id: str) -> bool:
    """The session is live, logged in as an administrator and not idle (what dangqun.ui's login gate
    would decide on its next run)."""
    state = door.session_state(session_id)
    if state is None:
        return False
    try:
        login = state[SESSION_KEY]
    except KeyError:
        return False
    return login["account"].is_admin and not auth.idle(login["seen"])


def _content_length(scope) -> int | None:
    for key, value in scope.get("headers", ()):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _without_cache_control(receive):
    async def _receive():
        while True:
            message = await receive()
            data = message.get("bytes") if message["type"] == "websocket.receive" else None
            if data:
                if door.back_msg_type(data) == door.CLEAR_CACHE:
                    _log.warning("dropped a clear_cache message from a client")
                    continue
            return message

    return _receive


async def _respond(send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
