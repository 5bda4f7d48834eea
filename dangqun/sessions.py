"""Login sessions that survive a page reload (issue 12) and end on the server (issue 16).

A login creates a random token; the browser keeps it in an HttpOnly cookie (dangqun.web_session sets
it), the table `sessions` only its SHA-256 with the account and the times. A new browser connection (F5,
a shared link opened in another tab) carrying a live token gets its account back. Logout, the idle
timeout (auth.IDLE_TIME) and the age limit (auth.SESSION_MAX_AGE) end the row, so the same cookie
replayed later opens nothing; every deferred download asks `live` before it builds a byte.

The statements are the store's own bookkeeping (like db.get_meta), not page data: they are here, not
in queries/. Streamlit-free.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import duckdb

from dangqun import audit, auth

# states of a session as `check` finds it
LIVE, IDLE, EXPIRED, ENDED, UNKNOWN = "live", "idle", "expired", "ended", "unknown"


class SessionEnded(PermissionError):
    """A deferred download asked for data after its session ended (logout, idle, replaced)."""


def session_id(token: str) -> str:
    """The stored form of a token: the table never holds what a cookie must show."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start(con, user: str, at: dt.datetime | None = None) -> str:
    """A new session of `user` after a successful login: returns the token (for the cookie only)."""
    at = at or auth.now()
    token = secrets.token_urlsafe(32)
    cur = con.cursor()
    try:
        # rows of sessions that ended long ago are of no use: the audit log keeps the history
        cur.execute("delete from sessions where coalesce(ended_at, last_seen) < $old",
                    {"old": at - dt.timedelta(days=7)})
        cur.execute("insert into sessions values ($sid, $user, $at, $at, null, null)",
                    {"sid": session_id(token), "user": user, "at": at})
    finally:
        cur.close()
    return token


def check(con, sid: str, at: dt.datetime | None = None) -> tuple[str | None, str]:
    """(account name, state) of session `sid` now. A session found idle or too old is ended here, on
    the server, with its audit row (logout, result idle/expired), whichever tab or download finds it;
    once ended so, it stays IDLE / EXPIRED (the login form says why), any other end is ENDED."""
    at = at or auth.now()
    cur = con.cursor()
    try:
        row = cur.execute("select user_name, created_at, last_seen, ended_at, end_reason from sessions "
                          "where session_id = $sid", {"sid": sid}).fetchone()
    finally:
        cur.close()
    if row is None:
        return None, UNKNOWN
    user, created, last_seen, ended, reason = row
    if ended is not None:      # ended by the idle or age limit: said so again, not audited again
        return user, reason if reason in (IDLE, EXPIRED) else ENDED
    state = IDLE if auth.idle(last_seen, at) else EXPIRED if at - created > auth.SESSION_MAX_AGE else LIVE
    if state != LIVE:
        end(con, sid, state, at)
    return user, state


def live(con, sid: str | None) -> bool:
    return bool(sid) and check(con, sid)[1] == LIVE


def touch(con, sid: str, at: dt.datetime | None = None) -> None:
    """Note use of the session. Written at most every twentieth of the idle time (a run is a write
    otherwise); two tabs touching at once conflict in DuckDB, and one touch is as good as the other."""
    at = at or auth.now()
    cur = con.cursor()
    try:
        cur.execute("update sessions set last_seen = $at where session_id = $sid and ended_at is null "
                    "and last_seen < $due", {"at": at, "sid": sid, "due": at - auth.IDLE_TIME / 20})
    except duckdb.TransactionException:
        pass
    finally:
        cur.close()


def end(con, sid: str, reason: str, at: dt.datetime | None = None) -> bool:
    """End the session (logout / idle / expired / account_unusable) and write its audit row; False
    when it had already ended (another tab or a download got there first: one row, not two)."""
    at = at or auth.now()
    for _ in range(5):
        cur = con.cursor()
        try:
            ended = cur.execute("update sessions set ended_at = $at, end_reason = $reason "
                                "where session_id = $sid and ended_at is null returning user_name",
                                {"at": at, "reason": reason, "sid": sid}).fetchall()
            break
        except duckdb.TransactionException:     # a touch of the same row at the same moment: again
            continue
        finally:
            cur.close()
    else:
        return False
    if ended:
        audit.record(con, ended[0][0], "logout",
                     result="ok" if reason == "logout" else reason, at=at)
    return bool(ended)


def logged_download(con, user: str, table: str, file_format: str, rows: int, make_bytes, *, session: str | None):
    """A zero-argument function building a download's bytes, which st.download_button calls when the
    official clicks, outside any script run. It first asks whether the login `session` that drew the
    button is still live (no logout, not idle): if not, it writes a refused row and
    raises SessionEnded before any data is built; else the audit row (what table, which format, how
    many rows), then the bytes."""
    def _build() -> bytes:
        detail = f"{file_format} · {rows} 行"
        if not live(con, session):
            audit.record(con, user, "download", target=table, detail=detail, result="refused")
            raise SessionEnded("会话已结束，请重新登录后再下载")
        touch(con, session)
        audit.record(con, user, "download", target=table, detail=detail)
        return make_bytes()
    return _build
