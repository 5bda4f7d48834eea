"""审计日志 (app_pages/audit.py, administrators only): the log filtered by user and action, in Chinese and
English, with its downloads."""
from __future__ import annotations

PAGE = "app_pages/audit.py"


def test_the_audit_page_filters_by_user_and_action(open_page, app_db):
    open_page("app_pages/overview.py", user="lizhou")
    at = open_page(PAGE)
    at.selectbox(key="audit_user").set_value("lizhou").run()
    at.selectbox(key="audit_action").set_value("login_ok").run()
    table = at.dataframe[0].value
    assert len(table) >= 1 and set(table["用户"]) == {"lizhou"} and set(table["操作"]) == {"登录成功"}
    assert [b.key for b in at.get("download_button")] == ["csv_audit_log", "xlsx_audit_log"]


def test_the_audit_page_reads_as_chinese(open_page):
    open_page("app_pages/overview.py", county="210681000000")
    at = open_page(PAGE)
    at.selectbox(key="audit_action").set_value("page_view").run()
    table = at.dataframe[0].value
    assert "ok" not in set(table["结果"]) and "成功" in set(table["结果"])
    # the view of 总览 opened above, in words instead of its URL parameters
    assert any(d.startswith("地区=东港市；周期=2022年；对比=同比") for d in table["详情"]), table["详情"].tolist()
    assert not table["详情"].str.contains("start=|&", regex=True).any()


def test_the_audit_page_in_english(open_page):
    open_page("app_pages/overview.py", user="lizhou")
    at = open_page(PAGE, lang="en")
    assert not at.exception
    assert at.title[0].value == "Audit log"
    at.selectbox(key="audit_user").set_value("lizhou").run()
    at.selectbox(key="audit_action").set_value("login_ok").run()
    table = at.dataframe[0].value
    assert list(table.columns) == ["Time", "User", "Action", "Target", "Details", "Result"]
    assert set(table["Action"]) == {"Login"}



def test_a_login_after_the_log_was_opened_shows_up(open_page):
    # the audit log grows with every login while the data version stays: a cached read would hide it
    def logins():
        at = open_page(PAGE)
        at.selectbox(key="audit_user").set_value("donggang").run()
        at.selectbox(key="audit_action").set_value("login_ok").run()
        return len(at.dataframe[0].value)

    open_page("app_pages/overview.py", user="donggang")
    before = logins()
    open_page("app_pages/overview.py", user="donggang")
    assert logins() == before + 1
