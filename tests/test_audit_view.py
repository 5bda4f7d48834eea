"""The audit log in words (dangqun.views.audit): results and page views an official can read."""
import pandas as pd

from dangqun.views.audit import audit_frame, describe_view

NAMES = {"210000000000": "辽宁省", "210600000000": "丹东市", "210681000000": "东港市"}
CATS = {"01": "党员服务"}


def test_a_page_view_in_words():
    detail = "city=210600000000&county=210681000000&start=2022-12-01&end=2022-12-31&compare=yoy&lang=zh"
    assert describe_view(detail, NAMES, CATS) == "地区=东港市；周期=2022年12月；对比=同比"
    assert (describe_view("start=2022-01-01&end=2022-12-31&compare=2021-01-01..2021-06-30&cat=01&ch=电话&lang=zh",
                          NAMES, CATS)
            == "周期=2022年；对比=2021年1–6月；事项大类=党员服务；受理渠道=电话")
    assert (describe_view(detail, NAMES, CATS, "en")
            == "Region=东港市; Period=Dec 2022; Compare with=Same period last year")


def test_text_that_is_no_query_stays_as_it_is():
    assert describe_view("csv · 12 行", NAMES, CATS) == "csv · 12 行"
    assert describe_view("", NAMES, CATS) == ""
    assert describe_view("county=999&start=x&end=y", NAMES, CATS) == "地区=999"


def test_audit_frame_labels_results_targets_and_details():
    rows = pd.DataFrame({
        "logged_at": pd.to_datetime(["2022-12-01 09:00"] * 5),
        "user_name": ["admin", "lizhou", "x", "admin", "admin"],
        "action": ["page_view", "login_ok", "login_failed", "page_view", "logout"],
        "target": ["总览", "county", "", "审计日志", ""],
        "detail": ["county=210681000000&start=2022-12-01&end=2022-12-31&compare=mom&lang=zh",
                   "210681000000", "", "county=210681000000", ""],
        "result": ["ok", "ok", "bad_credentials", "refused", "idle"],
    })
    got = audit_frame(rows, "zh", NAMES, CATS)
    assert list(got.columns) == ["时间", "用户", "操作", "对象", "详情", "结果"]
    assert got["结果"].tolist() == ["成功", "成功", "用户名或密码错误", "拒绝", "超时退出"]
    assert got["对象"].tolist() == ["总览", "县级", "", "审计日志", ""]
    assert got["详情"].tolist() == ["地区=东港市；周期=2022年12月；对比=环比", "东港市", "", "地区=东港市", ""]
    en = audit_frame(rows, "en", NAMES, CATS)
    assert en["Result"].tolist() == ["OK", "OK", "Wrong user name or password", "Refused", "Idle timeout"]
    assert en["Target"].tolist()[0] == "Overview"


def test_no_english_leaks_into_the_chinese_audit_log():
    """A view that chose only the comparison reads in words, and a resumed session's detail is Chinese."""
    from dangqun.views import audit as view

    assert view.describe_view("compare=yoy", {}, {}) == "对比=同比"
    assert view.describe_view("lang=zh", {}, {}) == "默认视图"
    assert view._detail("session_resume", "app.py", "session 64ce12ab", {}, {}, "zh") == "会话 64ce12ab"
    assert view._detail("session_resume", "app.py", "session 64ce12ab", {}, {}, "en") == "Session 64ce12ab"
