"""通报 (app_pages/report.py): the report on screen for an admin and a county account, the refusal of another
county's link, a town account's explanation, and the audit row of each report shown."""
import datetime as dt
import re

from dangqun import alerts, db, metrics, ui

PAGE = "app_pages/report.py"


def texts(at):
    """The paragraphs as read: the page escapes Markdown (dangqun.markup.md) so names such as 赵* show as stored."""
    return [re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", m.value) for m in at.markdown]


def test_county_account_sees_its_december_report(open_page, demo_con, page_con):
    at = open_page(PAGE, user="donggang")
    assert not at.exception
    at.selectbox(key="report_period_zh").set_value("2022-12").run()
    assert [h.value for h in at.header] == ["东港市2022年12月村（社区）党群服务中心运行情况通报"]
    now = db.run(demo_con, "kpi_summary", dict(region="210681", start=dt.date(2022, 12, 1), end=dt.date(2022, 12, 31),
                                               category="", channel="", as_of=None)).iloc[0]
    first = next(t for t in texts(at) if t.startswith("12月全市共受理群众诉求"))
    assert first.startswith(f"12月全市共受理群众诉求{metrics.fmt_int(now['received'])}件，同比")
    assert [s.value for s in at.subheader][:7] == ["一、基本情况", "二、考核排名", "三、热点问题", "四、预警情况",
                                                   "五、资金投入", "六、下步工作", "附件"]
    assert [w.value for w in at.warning] == ["【下步工作：此处由起草人填写，系统不生成内容。】"]
    # 预警情况: the month's alerts as the 预警 page counts them for the same account
    found = alerts.run_all(page_con, "210681000000", "2022-12", scope="210681000000")
    named = "、".join(f"{name}{(found['rule'] == rule).sum()}条" for rule, name in alerts.RULES.items()
                      if (found["rule"] == rule).any())
    assert f"12月共有预警{len(found)}条：{named}。各条预警的数字与判定依据见看板「预警」页。" in texts(at)
    labels = [b.label for b in at.get("download_button")]
    assert "下载 Word" in labels and "下载 PDF" in labels


def test_admin_gets_the_city_report_and_each_shown_report_is_logged(open_page):
    at = open_page(PAGE, city="210600000000")
    assert not at.exception
    at.selectbox(key="report_period_zh").set_value("2022Q4").run()
    assert [h.value for h in at.header] == ["丹东市2022年第四季度村（社区）党群服务中心运行情况通报"]
    from tests.test_audit import rows as audit_rows

    rows = [(r[0], r[2]) for r in audit_rows(ui.state(), "report") if r[2] == "210600000000 2022Q4"]
    assert rows and rows[-1] == ("admin", "210600000000 2022Q4")


def test_county_account_cannot_open_another_county_by_url(open_page):
    at = open_page(PAGE, user="donggang", county="210682000000")
    assert [e.value for e in at.error] == ["无权查看该区域"]
    assert not at.header and not at.get("download_button")


def test_town_account_is_told_reports_are_for_counties(open_page):
    at = open_page(PAGE, user="lizhou")
    assert [i.value for i in at.info] == ["通报按县（市、区）及以上地区生成，请选择县（市、区）、市或全省"]
    assert not at.get("download_button")


def test_in_english_the_page_says_the_report_stays_chinese(open_page):
    at = open_page(PAGE, county="210681000000", lang="en")
    assert not at.exception
    assert "The report is an official document sent upward: its text and its files are in Chinese." in \
        [i.value for i in at.info]
    assert at.selectbox(key="report_period_en").format_func("2022Q4") == "2022 Q4"
    # a choice made in Chinese is kept when the language changes, shown in the new language's words
    at.selectbox(key="report_period_en").set_value("2022Q4").run()
    at.radio(key="report_compare_en").set_value("mom").run()
    assert (at.selectbox(key="report_period_en").value, at.radio(key="report_compare_en").value) == ("2022Q4", "mom")
