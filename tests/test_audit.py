"""The audit trail (dangqun.audit, audit_log): what is written for each audited action and that
nothing deletes it (the administrators' page: test_page_audit.py)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from dangqun import audit, auth, db, sessions

T0 = dt.datetime(2024, 3, 1, 9, 0)


def rows(con, action=None):
    out = con.execute("select user_name, action, target, detail, result from audit_log order by audit_id").fetchall()
    return [r for r in out if action is None or r[1] == action]


def test_record_appends_one_row(scratch_con):
    audit.record(scratch_con, "dg", "page_view", target="总览", detail="county=210681000000", at=T0)
    assert scratch_con.execute("select logged_at, user_name, action, target, detail, result from audit_log").fetchall() \
        == [(T0, "dg", "page_view", "总览", "county=210681000000", "ok")]


def test_record_refuses_unknown_actions_and_cuts_long_text(scratch_con):
    with pytest.raises(ValueError, match="unknown audit action 'drop'"):
        audit.record(scratch_con, "dg", "drop")
    audit.record(scratch_con, "u" * 1000, "login_failed", detail="d" * 10_000, result="bad_credentials")
    (user, detail), = scratch_con.execute("select user_name, detail from audit_log").fetchall()
    assert (len(user), len(detail)) == (64, 2000)


def test_a_download_is_audited_when_its_bytes_are_built(scratch_con):
    from dangqun import sessions

    sid = sessions.session_id(sessions.start(scratch_con, "dg"))
    build = sessions.logged_download(scratch_con, "dg", "月度趋势", "csv", 24, lambda: b"data", session=sid)
    assert rows(scratch_con) == []          # drawing the button writes nothing
    assert build() == b"data"
    assert rows(scratch_con) == [("dg", "download", "月度趋势", "csv · 24 行", "ok")]


def test_imports_are_audited_with_their_counts(scratch_con, tmp_path):
    from dangqun import ingest

    good = tmp_path / "记录.csv"
    good.write_text("受理编号,中心编码,受理时间,事项编码,办理状态\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    for report in ingest.import_files(scratch_con, [good, bad]):
        audit.record_import(scratch_con, "admin", report)
    logged = rows(scratch_con, "import")
    assert logged[0] == ("admin", "import", "记录.csv", "读取 0，新增 0，更新 0，重复 0，隔离 0", "ok")
    assert logged[1][2] == "bad.csv" and logged[1][4] == "rejected"


def test_the_cli_import_is_audited(tmp_path, demo_db, capsys):
    import shutil

    from dangqun import cli

    path = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, path)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    assert cli.main(["import", str(bad), "--db", str(path)]) == 2
    with db.opened(path) as con:
        (user, action, target, _, result), = rows(con, "import")
    assert (user.startswith("cli:"), action, target, result) == (True, "import", "bad.csv", "rejected")


def test_the_only_writer_is_an_insert():
    assert db.query_sql("audit_record").lower().startswith("insert into audit_log")


def test_nothing_deletes_or_updates_the_audit_log():
    """Only queries/audit_record.sql writes audit_log, and only by insert."""
    sources = list((db.ROOT / "queries").glob("*.sql")) + list((db.ROOT / "dangqun").rglob("*.py")) \
        + list((db.ROOT / "dangqun").glob("*.sql")) + list((db.ROOT / "pages").glob("*.py"))
    pattern = re.compile(r"(delete\s+from|update|truncate|drop\s+table)\s+(if\s+exists\s+)?audit_log", re.I)
    assert [p.name for p in sources if pattern.search(p.read_text(encoding="utf-8"))] == []


# ── through the pages ──

def audit_since(app_db, audit_id):
    # the app holds the file read-write in this process: read through the app's own connection
    from dangqun import ui

    return ui.connection().execute(
        "select user_name, action, target, detail, result from audit_log where audit_id > ? order by audit_id",
        [audit_id]).fetchall()


def last_id(app_db):
    from dangqun import ui

    return ui.connection().execute("select coalesce(max(audit_id), 0) from audit_log").fetchone()[0]


def test_login_page_view_and_logout_are_audited(open_page, app_db):
    open_page("app.py")                         # the app's connection exists from here on
    start = last_id(app_db)
    at = open_page("pages/funds.py", user="donggang", town="210681107000")
    at.button(key="logout").click().run()
    assert at.text_input(key="login_user").value == ""   # back at the login form
    assert [i.value for i in at.info] == ["已退出登录"]
    logged = audit_since(app_db, start)
    assert logged[0] == ("donggang", "login_ok", "county", "210681000000", "ok")
    views = [r for r in logged if r[1] == "page_view"]
    assert views[0][2] == "总览" and "town=210681107000" in views[0][3]
    assert views[-1][2] == "资金投入"
    assert logged[-1] == ("donggang", "logout", "", "", "ok")


def test_a_failed_login_is_audited_and_shows_the_neutral_message(open_page, app_db):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import log_in

    open_page("app.py")
    start = last_id(app_db)
    at = AppTest.from_file(str(db.ROOT / "app.py"), default_timeout=120)
    at.run()
    log_in(at, "donggang", "wrong password")
    assert [e.value for e in at.error] == ["用户名或密码错误"]
    assert len(at.metric) == 0
    assert audit_since(app_db, start) == [("donggang", "login_failed", "", "", "bad_credentials")]


def test_an_idle_session_ends_after_thirty_minutes(open_page, app_db, monkeypatch):
    at = open_page("app.py", user="dandong")
    start = last_id(app_db)
    later = dt.datetime.now() + dt.timedelta(minutes=31)
    monkeypatch.setattr(auth, "now", lambda: later)
    at.run()
    assert [i.value for i in at.info] == ["长时间未操作，已自动退出，请重新登录"]
    assert len(at.metric) == 0 and at.text_input(key="login_user") is not None
    assert audit_since(app_db, start) == [("dandong", "logout", "", "", "idle")]


def test_a_session_just_under_thirty_minutes_stays(open_page, monkeypatch):
    at = open_page("app.py", user="dandong")
    later = dt.datetime.now() + dt.timedelta(minutes=29)
    monkeypatch.setattr(auth, "now", lambda: later)
    at.run()
    assert len(at.metric) == 8


def test_no_accounts_file_shows_how_to_create_the_first_admin(app_db, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DANGQUN_USERS", str(tmp_path / "none.toml"))
    at = AppTest.from_file(str(db.ROOT / "app.py"), default_timeout=120)
    at.run()
    assert [w.value for w in at.warning] == ["还没有可用的账号。请在服务器上创建第一个管理员账号："]
    assert at.code[0].value == "python -m dangqun user add NAME --role admin --region 210000000000 --password-stdin"
    assert at.get("text_input") == [] and len(at.metric) == 0
