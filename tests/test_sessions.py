"""The server side of login sessions (dangqun.sessions, in the operational store: every case on SQLite and
PostgreSQL), the download gate in front of deferred data (sessions.logged_download) and what the middleware
lets through (dangqun.web_session); the browser side is tests/test_browser_session.py."""
from __future__ import annotations

import datetime as dt

import pytest

from dangqun import audit, auth, sessions, streamlit_door, web_session

T0 = dt.datetime(2024, 3, 1, 9, 0)


def audit_rows(store):
    from tests.test_audit import rows

    return rows(store)


def session_rows(store, *columns):
    import sqlalchemy as sa

    from dangqun.state import sessions as table

    with store.reading() as conn:
        return [tuple(r) for r in conn.execute(sa.select(*[table.c[c] for c in columns]))]


def test_the_table_holds_the_token_hash_never_the_token(store):
    token = sessions.start(store, "dg", at=T0)
    stored = session_rows(store, "session_id", "user_name", "created_at", "last_seen", "ended_at")
    assert stored == [(sessions.session_id(token), "dg", T0, T0, None)]
    assert token not in str(stored) and len(token) >= 40


def test_live_until_idle_then_ended_on_the_server_with_one_audit_row(store):
    sid = sessions.session_id(sessions.start(store, "dg", at=T0))
    assert sessions.check(store, sid, at=T0 + auth.IDLE_TIME) == ("dg", sessions.LIVE)
    late = T0 + auth.IDLE_TIME + dt.timedelta(seconds=1)
    assert sessions.check(store, sid, at=late) == ("dg", sessions.IDLE)
    # found again (another tab, a download): still idle, no second row, and never live again
    assert sessions.check(store, sid, at=late) == ("dg", sessions.IDLE)
    assert sessions.check(store, sid, at=T0) == ("dg", sessions.IDLE)
    assert audit_rows(store) == [("dg", "logout", "", "", "idle")]
    assert session_rows(store, "end_reason") == [("idle",)]


def test_use_keeps_it_live_past_the_idle_time(store):
    sid = sessions.session_id(sessions.start(store, "dg", at=T0))
    step = auth.IDLE_TIME * 0.6
    for i in range(1, 4):
        assert sessions.check(store, sid, at=T0 + step * i)[1] == sessions.LIVE
        sessions.touch(store, sid, at=T0 + step * i)
    assert sessions.check(store, sid, at=T0 + step * 3 + auth.IDLE_TIME)[1] == sessions.LIVE


def test_the_age_limit_ends_a_session_in_use(store):
    sid = sessions.session_id(sessions.start(store, "dg", at=T0))
    at = T0
    while at - T0 <= auth.SESSION_MAX_AGE:
        at += auth.IDLE_TIME / 2
        sessions.touch(store, sid, at=at)
    assert sessions.check(store, sid, at=at) == ("dg", sessions.EXPIRED)


def test_logout_ends_it_once_and_a_replayed_token_is_refused(store):
    token = sessions.start(store, "dg", at=T0)
    sid = sessions.session_id(token)
    assert sessions.end(store, sid, "logout", at=T0) is True
    assert sessions.end(store, sid, "logout", at=T0) is False
    assert sessions.check(store, sessions.session_id(token), at=T0) == ("dg", sessions.ENDED)
    assert sessions.check(store, sessions.session_id("made up"), at=T0) == (None, sessions.UNKNOWN)
    assert audit_rows(store) == [("dg", "logout", "", "", "ok")]


def test_a_download_after_logout_builds_nothing_and_is_audited_as_refused(store):
    sid = sessions.session_id(sessions.start(store, "dg"))
    built = []
    build = sessions.logged_download(store, "dg", "服务记录明细", "csv", 163309,
                                  lambda: built.append(1) or b"rows", session=sid)
    sessions.end(store, sid, "logout")
    with pytest.raises(sessions.SessionEnded):
        build()
    assert built == []
    assert audit_rows(store)[-1] == ("dg", "download", "服务记录明细", "csv · 163309 行", "refused")


def test_a_download_after_the_idle_time_builds_nothing(store, monkeypatch):
    sid = sessions.session_id(sessions.start(store, "dg", at=T0))
    monkeypatch.setattr(auth, "now", lambda: T0 + auth.IDLE_TIME + dt.timedelta(minutes=1))
    build = sessions.logged_download(store, "dg", "月度趋势", "xlsx", 24, lambda: b"rows", session=sid)
    with pytest.raises(sessions.SessionEnded):
        build()
    assert [r[1:] for r in audit_rows(store)] == [("logout", "", "", "idle"),
                                                         ("download", "月度趋势", "xlsx · 24 行", "refused")]


def test_grants_work_once_and_downloads_only_for_their_session():
    grant = web_session.offer("the token")
    assert web_session.pending(grant)
    assert web_session._take(grant) == "the token"
    assert web_session._take(grant) is None and not web_session.pending(grant)
    data = web_session.expect_download("sid-a", b"a,b\r\n1,2\r\n", "text/csv", "x.csv")
    # the id Streamlit stores the file under (tests/test_streamlit_door.py checks it against Streamlit)
    file_id = streamlit_door.media_file_id(data, "text/csv", "x.csv")
    assert web_session.may_fetch(file_id, "sid-a")
    assert not web_session.may_fetch(file_id, "sid-b") and not web_session.may_fetch(file_id, None)
    web_session.forget("sid-a")
    assert not web_session.may_fetch(file_id, "sid-a")


def test_scripts_carry_only_a_grant_or_a_session_id():
    assert "X-Dangqun-Grant': 'abc_-1'" in web_session.bind_script("abc_-1")
    with pytest.raises(ValueError):
        web_session.bind_script("x'); alert(1); ('")
