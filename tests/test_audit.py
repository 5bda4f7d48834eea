"""The audit trail (dangqun.audit, audit_log of the operational store): what is written for each audited
action and that nothing deletes it (the administrators' page: test_page_audit.py). The store's own cases
run on SQLite and PostgreSQL (the `store` fixture)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from dangqun import audit, auth, db, metric_registry, sessions

T0 = dt.datetime(2024, 3, 1, 9, 0)


def rows(store, action=None, since: int = 0):
    """(user, action, target, detail, result) of the audit rows after `since`, in order."""
    import sqlalchemy as sa

    from dangqun.state import audit_log as log

    with store.reading() as conn:
        out = conn.execute(sa.select(log.c.user_name, log.c.action, log.c.target, log.c.detail, log.c.result)
                           .where(log.c.audit_id > since).order_by(log.c.audit_id)).all()
    return [tuple(r) for r in out if action is None or r[1] == action]


def last_audit_id(store) -> int:
    import sqlalchemy as sa

    from dangqun.state import audit_log as log

    with store.reading() as conn:
        return conn.execute(sa.select(sa.func.coalesce(sa.func.max(log.c.audit_id), 0))).scalar()


def test_record_appends_one_row(store):
    audit.record(store, "dg", "page_view", target="总览", detail="county=210681000000", at=T0)
    assert audit.page(store, "", "", T0.date(), T0.date(), 10)[["logged_at", "user_name", "action", "target", "detail",
                                                                 "result"]].values.tolist() \
        == [[T0, "dg", "page_view", "总览", "county=210681000000", "ok"]]


def test_record_refuses_unknown_actions_and_cuts_long_text(store):
    with pytest.raises(ValueError, match="unknown audit action 'drop'"):
        audit.record(store, "dg", "drop")
    audit.record(store, "u" * 1000, "login_failed", detail="d" * 10_000, result="bad_credentials")
    (user, _, _, detail, _), = rows(store)
    assert (len(user), len(detail)) == (64, 2000)


def test_a_download_is_audited_when_its_bytes_are_built(store):
    sid = sessions.session_id(sessions.start(store, "dg"))
    build = sessions.logged_download(store, "dg", "月度趋势", "csv", 24, lambda: b"data", session=sid)
    assert rows(store) == []          # drawing the button writes nothing
    assert build() == b"data"
    assert rows(store) == [("dg", "download", "月度趋势", "csv · 24 行", "ok")]


def test_imports_are_audited_with_their_counts(scratch_con, store, tmp_path):
    from dangqun import ingest

    good = tmp_path / "记录.csv"
    good.write_text("受理编号,中心编码,受理时间,事项编码,办理状态\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    for report in ingest.import_files(scratch_con, [good, bad]):
        audit.record_import(store, "admin", report)
    logged = rows(store, "import")
    assert logged[0] == ("admin", "import", "记录.csv", "读取 0，新增 0，更新 0，重复 0，隔离 0", "ok")
    assert logged[1][2] == "bad.csv" and logged[1][4] == "rejected"


def test_the_cli_import_is_audited(tmp_path, demo_db, capsys):
    import shutil

    from dangqun import cli, state

    path = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, path)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    assert cli.main(["import", str(bad), "--db", str(path)]) == 2
    (user, action, target, _, result), = rows(state.open_store(db_path=path), "import")
    assert (user.startswith("cli:"), action, target, result) == (True, "import", "bad.csv", "rejected")


def test_nothing_deletes_or_updates_the_audit_log():
    """The application only inserts into audit_log: no statement of it deletes, updates or drops the table
    (the one drop is of an older release's DuckDB table, after its rows moved to the operational store)."""
    sources = list((db.ROOT / "queries").glob("*.sql")) + list((db.ROOT / "dangqun").rglob("*.py")) \
        + list((db.ROOT / "dangqun").glob("*.sql")) + list((db.ROOT / "app_pages").glob("*.py"))
    pattern = re.compile(r"(delete\s+from|update|truncate|drop\s+table)\s+(if\s+exists\s+)?audit_log"
                         r"|sa\.(delete|update)\(audit_log", re.I)
    assert [p.name for p in sources if pattern.search(p.read_text(encoding="utf-8"))] == []


# ── through the pages ──

def audit_since(app_db, audit_id):
    from dangqun import ui

    return rows(ui.state(), since=audit_id)


def last_id(app_db):
    from dangqun import ui

    return last_audit_id(ui.state())


def test_login_page_view_and_logout_are_audited(open_page, app_db):
    open_page("app_pages/overview.py")                         # the app's connection exists from here on
    start = last_id(app_db)
    at = open_page("app_pages/funds.py", user="donggang", town="210681107000")
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

    open_page("app_pages/overview.py")
    start = last_id(app_db)
    at = AppTest.from_file(str(db.ROOT / "app.py"), default_timeout=120)
    at.run()
    log_in(at, "donggang", "wrong password")
    assert [e.value for e in at.error] == ["用户名或密码错误"]
    assert len(at.metric) == 0
    assert audit_since(app_db, start) == [("donggang", "login_failed", "", "", "bad_credentials")]


def test_an_idle_session_ends_after_thirty_minutes(open_page, app_db, monkeypatch):
    at = open_page("app_pages/overview.py", user="dandong")
    start = last_id(app_db)
    later = dt.datetime.now() + dt.timedelta(minutes=31)
    monkeypatch.setattr(auth, "now", lambda: later)
    at.run()
    assert [i.value for i in at.info] == ["长时间未操作，已自动退出，请重新登录"]
    assert len(at.metric) == 0 and at.text_input(key="login_user") is not None
    assert audit_since(app_db, start) == [("dandong", "logout", "", "", "idle")]


def test_a_session_just_under_thirty_minutes_stays(open_page, monkeypatch):
    at = open_page("app_pages/overview.py", user="dandong")
    later = dt.datetime.now() + dt.timedelta(minutes=29)
    monkeypatch.setattr(auth, "now", lambda: later)
    at.run()
    assert len(at.metric) == len(metric_registry.shown_in(metric_registry.CARDS))


def test_no_accounts_shows_how_to_create_the_first_admin(app_db, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DANGQUN_STATE_URL", f"sqlite:///{tmp_path}/empty.sqlite")
    monkeypatch.setenv("DANGQUN_USERS", str(tmp_path / "none.toml"))
    at = AppTest.from_file(str(db.ROOT / "app.py"), default_timeout=120)
    at.run()
    assert [w.value for w in at.warning] == ["还没有可用的账号。请在服务器上创建第一个管理员账号："]
    assert at.code[0].value == "python -m dangqun user add NAME --role admin --region 210000000000 --password-stdin"
    assert at.get("text_input") == [] and len(at.metric) == 0
