"""预警 (app_pages/alerts.py): the cards and the table against dangqun.alerts on the demo, a county account's
scope, a status saved and kept when the page recomputes, and the drill to the records."""
import pytest

from dangqun import alerts, auth, db

PAGE = "app_pages/alerts.py"
OCTOBER = {"start": "2022-10-01", "end": "2022-10-31"}


@pytest.fixture()
def expected(page_con):
    # the page's own data (page_con): other page tests import into it, and an imported late case is an alert
    return {scope: alerts.run_all(page_con, region, "2022-10", scope=scope)
            for scope, region in ((None, "210000000000"), ("210681000000", "210681000000"))}


def test_cards_and_table_for_the_province(open_page, expected, demo_con, alerts_con):
    at = open_page(PAGE, **OCTOBER)
    assert not at.exception
    assert at.title[0].value == "预警"
    want = expected[None]
    cards = {m.label: m.value for m in at.metric}
    assert cards == {name: f"{(want['rule'] == rule).sum():,}" for rule, name in alerts.RULES.items()}
    assert f"预警月份 2022-10（统计周期的最后一个月），超期计至 2022-10-31；共 {len(want)} 条预警。" in \
        [c.value for c in at.caption]
    # one line per unit first, however many rules fired there, severest first then the biggest
    units = at.dataframe[0].value
    assert units.columns.tolist() == ["严重程度", "单位", "预警条数", "预警规则", "涉及件数"]
    assert len(units) == want["unit_code"].nunique() and units["预警条数"].sum() == len(want)
    first = want[want["severity"] == "高"]
    assert units.iloc[0]["严重程度"] == "高" and units.iloc[0]["单位"].split(" ")[-1] in set(first["unit_name"])
    # in the province a town is named with its city and county (several towns are called 光明街道)
    code = first.iloc[0]["unit_code"]
    city, county = (demo_con.execute("select region_name from regions where region_code = ?",
                                     [code[:d].ljust(12, "0")]).fetchone()[0] for d in (4, 6))
    assert f"{city}{county} {first.iloc[0]['unit_name']}" in set(units["单位"])
    assert f"{city}{county} {first.iloc[0]['unit_name']}" in set(at.dataframe[1].value["单位"])
    table = at.dataframe[1].value
    assert table.columns.tolist() == ["严重程度", "状态", "规则", "单位", "对象", "数字", "说明", "备注", "处理人",
                                      "处理时间"]
    assert table["说明"].tolist() == want["explanation"].tolist()
    # the filter by rule keeps that rule's rows only
    at.multiselect(key="alert_rules").select("诉求突增").run()
    assert set(at.dataframe[1].value["规则"]) == {"诉求突增"}
    assert len(at.dataframe[1].value) == (want["rule"] == "spike").sum() > 0
    # one or two fresh late cases are no alert (the 超期件 list of 服务办理 has them): the demo's month reads
    # short (the page's data may hold another test's imported late case by now)
    demo = alerts.run_all(alerts_con, "210000000000", "2022-10", scope=None)
    assert (demo["rule"] == "backlog").sum() == 0 and len(demo) <= 15


def test_a_county_account_sees_its_county_and_a_status_is_kept(open_page, expected):
    at = open_page(PAGE, user="donggang", **OCTOBER)
    assert not at.exception
    want = expected["210681000000"]
    table = at.dataframe[1].value
    assert table["说明"].tolist() == want["explanation"].tolist()
    assert set(table["单位"]) == set(want["unit_name"])
    first = want.iloc[0]
    # the severest first: the repeat resident planted in 孤山镇 (dangqun.demo.anomalies), its four records listed
    assert (first["rule"], first["unit_name"]) == ("repeat", "孤山镇")
    assert at.selectbox(key="alert_pick").value == 0
    cases = at.dataframe[2].value
    assert len(cases) == 4 and set(cases["服务对象"]) == {"赵*"} and set(cases["事项"]) == {"医疗费用报销代办"}
    form = next(k for k in [f.key for f in at.get("form")] if k)
    assert form == f"alert_form_{first['alert_key']}"
    at.radio[0].set_value("已处理")
    at.text_area[0].input("已督办，11 月 3 日前办结")
    at.button[[b.label for b in at.button].index("保存")].click()
    at.run()
    assert not at.exception
    at.run()     # recomputed on the next run: the status comes back from DuckDB
    table = at.dataframe[1].value
    assert (table.loc[0, "状态"], table.loc[0, "备注"], table.loc[0, "处理人"]) == \
        ("已处理", "已督办，11 月 3 日前办结", "donggang")
    assert (table.loc[1:, "状态"] == "待处理").all()
    at.multiselect(key="alert_statuses").select("已处理").run()
    assert len(at.dataframe[1].value) == 1


def test_the_drill_opens_the_unit_in_services(open_page, page_con):
    # December: the month with towns of five late cases and more; the page's own data (page_con), which
    # another page test's import may have given one more 积案
    at = open_page(PAGE, start="2022-12-01", end="2022-12-31")
    want = alerts.run_all(page_con, "210000000000", "2022-12", scope=None)
    assert (want["rule"] == "backlog").sum() > 0
    index = int((want["rule"] == "backlog").to_numpy().argmax())     # the first 超期积压
    first = want.iloc[index]
    assert first["drill_page"] == "app_pages/services.py"
    at.selectbox(key="alert_pick").set_value(index).run()
    at.button(key="alert_drill").click().run()
    assert not at.exception
    assert at.title[0].value == "服务办理"
    assert at.query_params["town"] == first["unit_code"]
    assert at.session_state["services_tab"] == "办理情况"     # the tab of its 超期件
    assert any(h.value == "超期件" for h in at.subheader)
    assert (at.query_params["start"], at.query_params["end"]) == ("2022-12-01", "2022-12-31")


def test_a_hot_topic_lists_what_residents_said_and_opens_in_services(open_page, page_con):
    """A 热点 of 诉求内容 (the demo's 李家堡村 water, December) lists its records with their texts, and its drill
    opens 服务办理's 热点诉求 on that topic in the topic's town."""
    from dangqun import topics

    at = open_page(PAGE, start="2022-12-01", end="2022-12-31")
    want = alerts.run_all(page_con, "210000000000", "2022-12", scope=None)
    index = int(((want["rule"] == "hotspot") & (want["subject_name"] == "李家堡村 自来水 停水")).to_numpy().argmax())
    hot = want.iloc[index]
    assert hot["subject_name"] == "李家堡村 自来水 停水" and hot["drill_page"] == "app_pages/services.py"
    at.selectbox(key="alert_pick").set_value(index).run()
    cases = next(d.value for d in at.dataframe if "诉求内容" in d.value.columns)
    stored = alerts.ensure(page_con, "2022-12")
    topic = topics.listing(lambda n, p: db.run(page_con, n, p), "210000000000", stored)
    topic = topic[topic["topic_key"] == hot["drill_item"]].iloc[0]
    assert sorted(cases["受理编号"]) == sorted(topic["record_ids"]) and len(cases) == 30
    assert cases["诉求内容"].str.contains("李家堡村").all()
    at.button(key="alert_drill").click().run()
    assert not at.exception
    assert at.title[0].value == "服务办理" and at.query_params["town"] == hot["unit_code"]
    assert at.session_state["services_tab"] == "热点诉求"
    assert at.selectbox(key="topic").format_func(at.selectbox(key="topic").value) == "李家堡村 自来水 停水"
