"""审计日志 (pages/audit.py, administrators only): the log filtered by user and action, in Chinese and
English, with its downloads."""
from __future__ import annotations

PAGE = "pages/audit.py"


def test_the_audit_page_filters_by_user_and_action(open_page, app_db):
    open_page("app.py", user="lizhou")
    at = open_page(PAGE)
    at.selectbox(key="audit_user").set_value("lizhou").run()
    at.selectbox(key="audit_action").set_value("login_ok").run()
    table = at.dataframe[0].value
    assert len(table) >= 1 and set(table["用户"]) == {"lizhou"} and set(table["操作"]) == {"登录成功"}
    assert [b.key for b in at.get("download_button")] == ["csv_audit_log", "xlsx_audit_log"]


def test_the_audit_page_in_english(open_page):
    open_page("app.py", user="lizhou")
    at = open_page(PAGE, lang="en")
    assert not at.exception
    assert at.title[0].value == "Audit log"
    at.selectbox(key="audit_user").set_value("lizhou").run()
    at.selectbox(key="audit_action").set_value("login_ok").run()
    table = at.dataframe[0].value
    assert list(table.columns) == ["Time", "User", "Action", "Target", "Details", "Result"]
    assert set(table["Action"]) == {"Login"}
