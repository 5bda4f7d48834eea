"""服务办理 (app_pages/services.py): the cards, the category drill kept in the sidebar, the overdue table,
empty scopes and English."""
import base64
import datetime as dt
import json

import numpy as np
import pytest

from dangqun import metrics
from expected import full_title
from expected import flag, hours_between, median_p90, window, workdays_between
from expected import overdue as expected_overdue

PAGE = "app_pages/services.py"


def expected_cards(r, end):
    proxy = flag(r.is_proxy).sum()
    proactive = (r.origin == "未诉先办").sum()
    late = expected_overdue(r.status, r.closed_at, r.due_on, end).sum()
    return {"受理量": f"{len(r):,}", "代办占比": metrics.fmt_pct(proxy / len(r)),
            "未诉先办占比": metrics.fmt_pct(proactive / len(r)), "超期件": f"{late:,}"}


def plotly_array(value):
    """A figure JSON array, which Plotly sends as {"dtype", "bdata"} (base64) for numbers."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return value


def figure_titles(at):
    return [full_title(json.loads(c.proto.spec)["layout"]) for c in at.get("plotly_chart")]


def test_defaults(open_page, demo_raw):
    at = open_page(PAGE)
    assert not at.exception
    assert at.title[0].value == "服务办理"
    end = dt.date(2022, 12, 31)
    year = window(demo_raw["service_records"], "21", dt.date(2022, 1, 1), end)
    assert {m.label: m.value for m in at.metric} == expected_cards(year, end)
    assert [t.label for t in at.tabs] == ["办理情况", "热点诉求", "24 小时服务（AB岗）"]
    # only the open tab's charts are drawn: each of the others when it is opened
    assert figure_titles(at) == ["各大类受理量（点击条形查看该大类的事项）", "受理渠道构成", "各类人群受理量",
                                 "派单、接单、办结用时（小时）"]
    at.session_state["services_tab"] = "热点诉求"
    assert figure_titles(at.run()) == ["近 6 个月含“李家堡村”“自来水”的诉求"]
    at.session_state["services_tab"] = "24 小时服务（AB岗）"
    assert figure_titles(at.run()) == ["AB岗中心各时段受理量", "其他中心各时段受理量"]
    assert {m.label: m.value for m in at.metric} == expected_cards(year, end)   # above the tabs, on every one


def test_county_overdue_table(open_page, demo_raw):
    at = open_page(PAGE, county="210681000000")
    assert not at.exception
    start, end = dt.date(2022, 1, 1), dt.date(2022, 12, 31)
    year = window(demo_raw["service_records"], "210681", start, end)
    assert {m.label: m.value for m in at.metric} == expected_cards(year, end)
    late = year[expected_overdue(year.status, year.closed_at, year.due_on, end)]
    assert (f"共 {len(late):,} 件超期，按超期天数从多到少列出前 {min(500, len(late))} 件；超期工作日计至办结日，"
            f"未办结的计至 2022-12-31。") in [c.value for c in at.caption]
    table = at.dataframe[0].value
    assert table.columns.tolist() == ["受理编号", "中心名称", "事项名称", "受理时间", "承诺时限(工作日)", "截止日期",
                                      "办结时间", "办理状态", "超期工作日"]
    assert len(table) == min(500, len(late))
    assert set(table["受理编号"]) <= set(late.record_id)
    row = table.iloc[0]
    until = row["办结时间"].date() if row["办理状态"] == "已办结" else end
    assert row["超期工作日"] == workdays_between(row["截止日期"].date(), until) > 0
    assert table["超期工作日"].is_monotonic_decreasing


def test_durations_figure_agrees_with_pandas(open_page, demo_raw):
    at = open_page(PAGE, county="210681000000")
    trace = json.loads(at.get("plotly_chart")[3].proto.spec)["data"][0]
    medians = dict(zip(trace["x"], plotly_array(trace["y"])))
    year = window(demo_raw["service_records"], "210681", dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    med, _ = median_p90(hours_between(year.dispatched_at, year.accepted_at))
    assert medians["派单至接单"] == pytest.approx(med)


def test_durations_of_a_large_view_are_computed_when_asked(open_page, demo_raw, monkeypatch):
    # the demo is small: lower the bar so that the province is "large" and a town is not
    monkeypatch.setattr(metrics, "DURATIONS_AUTO_MAX", 20_000)
    at = open_page(PAGE)
    assert not at.exception
    year = window(demo_raw["service_records"], "21", dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert len(year) > 20_000
    assert "派单、接单、办结用时（小时）" not in figure_titles(at)
    assert [i.value for i in at.info] == [
        f"本范围共 {len(year):,} 件服务记录。用时的中位数与 P90 要逐件排序计算，约需 1 秒，点击下面的按钮开始。"]

    at.button(key="ask_durations").click().run()
    assert not at.exception and not at.info
    trace = json.loads(at.get("plotly_chart")[3].proto.spec)["data"][0]
    medians = dict(zip(trace["x"], plotly_array(trace["y"])))
    med, _ = median_p90(hours_between(year.received_at, year.dispatched_at))
    assert medians["受理至派单"] == pytest.approx(med)
    at.run()  # a rerun of the same view (a download, a rerun) keeps them
    assert "派单、接单、办结用时（小时）" in figure_titles(at)

    at.selectbox(key="f_period").set_value("quarter").run()  # another view asks again
    assert "派单、接单、办结用时（小时）" not in figure_titles(at)
    assert at.button(key="ask_durations")

    at.selectbox(key="f_city").set_value("210600000000").run()
    at.selectbox(key="f_county").set_value("210681000000").run()
    at.selectbox(key="f_town").set_value(at.selectbox(key="f_town").options[1]).run()
    assert "派单、接单、办结用时（小时）" in figure_titles(at)  # a town's few records: computed at once


def test_a_category_shows_its_items_and_the_button_clears_it(open_page, demo_raw):
    at = open_page(PAGE, county="210681000000", cat="03")
    assert not at.exception
    assert at.selectbox(key="f_category").value == "03"
    assert figure_titles(at)[0] == "医疗保障：各事项受理量"
    cat = window(demo_raw["service_records"], "210681", dt.date(2022, 1, 1), dt.date(2022, 12, 31), "03")
    assert at.metric[0].value == f"{len(cat):,}"
    at.button(key="all_categories").click().run()
    assert not at.exception
    assert at.selectbox(key="f_category").value == ""
    assert figure_titles(at)[0] == "各大类受理量（点击条形查看该大类的事项）"


def test_english(open_page):
    at = open_page(PAGE, county="210681000000", lang="en")
    assert not at.exception
    assert at.title[0].value == "Case handling"
    assert [m.label for m in at.metric] == ["Cases received", "Proxy share", "Proactive share", "Overdue cases"]
    assert [t.label for t in at.tabs] == ["Handling", "Hot topics of requests", "24-hour service (A/B posts)"]
    assert figure_titles(at) == ["Cases by category (click a bar to see its service items)", "Channel mix",
                                 "Cases by group", "Time to dispatch, accept and close (hours)"]
    assert at.dataframe[0].value.columns.tolist()[-2:] == ["Status", "Working days overdue"]
    # a tab is kept by its label in the page's language
    at.session_state["services_tab"] = "Hot topics of requests"
    assert figure_titles(at.run()) == ["Requests mentioning “丽景社区”“搅拌站” over 6 months"]
    at.session_state["services_tab"] = "24-hour service (A/B posts)"
    assert figure_titles(at.run()) == ["A/B-post centers: cases by weekday and hour",
                                       "Other centers: cases by weekday and hour"]


def test_hot_topics_are_those_of_dangqun_topics(open_page, app_db, capsys):
    """热点诉求 lists the month's topics as `dangqun topics` gives them (the demo's two planted matters first, the
    hot ones), and opening one lists its records and its months."""
    import json

    from dangqun import cli

    assert cli.main(["topics", "--db", str(app_db), "--period", "2022-12", "--json"]) == 0
    want = json.loads(capsys.readouterr().out)
    at = open_page(PAGE, tab="热点诉求")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "话题" in d.value.columns)
    shown = table.head(len(want))
    assert shown["话题"].tolist() == [w["label"] for w in want][:len(shown)]
    assert shown["本月件数"].tolist() == [w["count"] for w in want][:len(shown)]
    assert shown["涉及群众"].tolist() == [w["residents"] for w in want][:len(shown)]
    assert shown["上月相似件数"].tolist() == [w["previous"] for w in want][:len(shown)]
    assert shown["热点"].tolist()[:2] == ["是", "是"] and want[0]["label"] == "李家堡村 自来水 停水"
    texts = sum(1 for _ in want)      # the caption states how many topics the download holds
    assert any(f"下载含全部 {texts} 个" in c.value for c in at.caption)
    # the first topic opened: its thirty records, each naming the village
    records = next(d.value for d in at.dataframe if "诉求内容" in d.value.columns and "话题" not in d.value.columns)
    assert len(records) == want[0]["count"] == 30 and records["诉求内容"].str.contains("李家堡村").all()
    assert sorted(records["受理编号"]) == sorted(want[0]["record_ids"])
