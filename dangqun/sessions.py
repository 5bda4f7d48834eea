"""Login sessions that survive a page reload and end on the server (README 部署与安全).

A login creates a random token; the browser keeps it in an HttpOnly cookie (dangqun.web_session sets
it), the table `sessions` only its SHA-256 with the account and the times. A new browser connection (F5,
a shared link opened in another tab) carrying a live token gets its account back. Logout, the idle
timeout (auth.IDLE_TIME) and the age limit (auth.SESSION_MAX_AGE) end the row, so the same cookie
replayed later opens nothing; every deferred download asks `live` before it builds a byte.

The table is in the operational store (dangqun.state): every server process and the command line share
it, so a login made through one process is live in all of them. Streamlit-free.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa

from dangqun import audit, auth
from dangqun.state import sessions as table

# states of a session as `check` finds it
LIVE, IDLE, EXPIRED, ENDED, UNKNOWN = "live", "idle", "expired", "ended", "unknown"


class SessionEnded(PermissionError):
    """A deferred download asked for data after its session ended (logout, idle, replaced)."""


def session_id(token: str) -> str:
    """The stored form of a token: the table never holds what a cookie must show."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start(store, user: str, at: dt.datetime | None = None) -> str:
    """A new session of `user` after a successful login: returns the token (for the cookie only)."""
    at = at or auth.now()
    token = secrets.token_urlsafe(32)
    with store.writing() as conn:
        # rows of sessions that ended long ago are of no use: the audit log keeps the history
        conn.execute(sa.delete(table).where(sa.func.coalesce(table.c.ended_at, table.c.last_seen)
                                            < at - dt.timedelta(days=7)))
        conn.execute(sa.insert(table).values(session_id=session_id(token), user_name=user, created_at=at,
                                             last_seen=at))
    return token


def check(store, sid: str, at: dt.datetime | None = None) -> tuple[str | None, str]:
    """(account name, state) of session `sid` now. A session found idle or too old is ended here, on
    the server, with its audit row (logout, result idle/expired), whichever tab or download finds it;
    once ended so, it stays IDLE / EXPIRED (the login form says why), any other end is ENDED."""
    at = at or auth.now()
    with store.reading() as conn:
        row = conn.execute(sa.select(table.c.user_name, table.c.created_at, table.c.last_seen, table.c.ended_at,
                                     table.c.end_reason).where(table.c.session_id == sid)).first()
    if row is None:
        return None, UNKNOWN
    user, created, last_seen, ended, reason = row
    if ended is not None:      # ended by the idle or age limit: said so again, not audited again
        return user, reason if reason in (IDLE, EXPIRED) else ENDED
    state = IDLE if auth.idle(last_seen, at) else EXPIRED if at - created > auth.SESSION_MAX_AGE else LIVE
    if state != LIVE:
        end(store, sid, state, at)
    return user, state


def live(store, sid: str | None) -> bool:
    return bool(sid) and check(store, sid)[1] == LIVE


def touch(store, sid: str, at: dt.datetime | None = None) -> None:
    """Note use of the session. Written at most every twentieth of the idle time (a run is a write
    otherwise)."""
    at = at or auth.now()
    due = at - auth.IDLE_TIME / 20
    # read first: most runs come within the twentieth, and a write takes SQLite's write lock for every process
    with store.reading() as conn:
        last = conn.execute(sa.select(table.c.last_seen).where(table.c.session_id == sid,
                                                               table.c.ended_at.is_(None))).scalar()
    if last is None or last >= due:
        return
    with store.writing() as conn:
        conn.execute(sa.update(table).where(table.c.session_id == sid, table.c.ended_at.is_(None),
                                            table.c.last_seen < due).values(last_seen=at))


def end(store, sid: str, reason: str, at: dt.datetime | None = None) -> bool:
    """End the session (logout / idle / expired / account_unusable) and write its audit row, in one
    transaction; False when it had already ended (another tab, process or download got there first: one
    row, not two)."""
    at = at or auth.now()
    with store.writing() as conn:
        user = conn.execute(sa.select(table.c.user_name).where(table.c.session_id == sid,
                                                               table.c.ended_at.is_(None))
                            .with_for_update()).scalar()
        if user is None:
            return False
        conn.execute(sa.update(table).where(table.c.session_id == sid).values(ended_at=at, end_reason=reason))
        audit.record_rows(store, [audit.row(user, "logout", result="ok" if reason == "logout" else reason, at=at)],
                          conn)
    return True


def logged_download(store, user: str, table: str, file_format: str, rows: int, make_bytes, *, session: str | None):
    """A zero-argument function building a download's bytes, which st.download_button calls when the
    official clicks, outside any script run. It first asks whether the login `session` that drew the
    button is still live (no logout, not idle): if not, it writes a refused row and
    raises SessionEnded before any data is built; else the audit row (what table, which format, how
    many rows), then the bytes."""
    def _build() -> bytes:
        detail = f"{file_format} · {rows} 行"
        if not live(store, session):
            audit.record(store, user, "download", target=table, detail=detail, result="refused")
            raise SessionEnded("会话已结束，请重新登录后再下载")
        touch(store, session)
        audit.record(store, user, "download", target=table, detail=detail)
        return make_bytes()
    return _build
