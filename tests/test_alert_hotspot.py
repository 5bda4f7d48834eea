"""热点 (dangqun/alerts/rules/hotspot.py; queries/alert_item_counts.sql, topic_texts.sql, text_volume.sql,
alert_place_names.sql; the topics of dangqun.topics): a matter in the requests' text is one 热点, the
stored topics counted within a region, and 事项 rising where there is no text."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dangqun import alerts, db
from tests.alert_helpers import LATEST


SEPTEMBER_TEXTS = [
    "医保报销材料不全，需要补交什么", "低保申请递交一个月没有回音", "社保卡丢了怎么补办", "垃圾清运不及时，门口堆满了",
    "楼下饭店油烟太大", "医保报销比例是多少", "低保复核需要哪些材料", "养老保险断缴能不能补缴", "邻居装修噪音扰民",
    "社保卡激活不了", "门前下水道堵塞", "老年证在哪里办", "户口迁移需要什么手续", "医保报销进度查询",
    "物业费收费标准不合理", "农机补贴什么时候发放", "宅基地审批进度", "残疾人补贴申请", "医保电子凭证怎么用",
    "居住证办理需要多久", "低保金没有按时发放", "孤山镇政府门前占道经营", "身份证到期换领", "楼道灯泡坏了",
    "临时救助申请进度",
]


# one matter twelve times, worded as residents word it: the village's street lamps out
LAMP_TEXTS = [
    "大鹿岛村路灯不亮，晚上出行不安全", "大鹿岛村村口的路灯不亮好几天了", "反映大鹿岛村路灯一到晚上就不亮",
    "大鹿岛村主干道路灯不亮，请派人检修", "大鹿岛村学校门前路灯不亮，孩子放学看不清路", "大鹿岛村东头路灯不亮",
    "大鹿岛村路灯线路老化，路灯不亮", "投诉大鹿岛村北街路灯全部不亮", "大鹿岛村码头路灯不亮存在安全隐患",
    "大鹿岛村桥头路灯坏了不亮", "请求修理大鹿岛村广场路灯，晚上不亮", "大鹿岛村菜市场附近路灯不亮",
]


# another, nine times: below the ten a 热点 needs, a topic all the same
HEATING_TEXTS = [
    "供暖温度不达标，家里很冷", "还没开始供暖，老人受不了", "供暖管道漏水，供暖不热", "楼上供暖不热", "供暖费怎么交，供暖不热",
    "单元供暖阀门坏了，供暖不热", "供暖公司不接电话，供暖不热", "供暖温度太低不热", "供暖期间温度太低，供暖不热",
]


OCTOBER_TEXTS = LAMP_TEXTS + HEATING_TEXTS + [
    "医保报销需要哪些材料", "低保申请进度查询", "社保卡密码忘了", "垃圾清运车几点来", "养老保险缴费档次", "宅基地确权",
]


def add_texts(con, texts: list[str], month: str, center: str = "ZX210681101000"):
    for i, text in enumerate(texts):
        con.execute("""insert into service_records (record_id, center_id, received_at, item_code, status,
                       resident_hash, request_text) values ($id, $c, $at, '1204', '已办结', $h, $text)""",
                    {"id": f"TXT-{month}-{i:03d}", "c": center, "at": f"{month}-{i % 28 + 1:02d} 10:00:00",
                     "h": f"H{i % 10}", "text": text})


def test_place_names_are_the_region_dictionarys(demo_con, demo_raw):
    got = db.run(demo_con, "alert_place_names", {"region": "210681"})["region_name"].tolist()
    r = demo_raw["regions"]
    r = r[r["region_code"].str.startswith("210681")]
    digits = r["level"].map({"省": 2, "市": 4, "县": 6, "乡镇街道": 9}).fillna(12).astype(int)
    held = [any(c.startswith(code[:d]) for c in demo_raw["centers"]["region_code"])
            for code, d in zip(r["region_code"], digits)]
    assert got == sorted(set(r.loc[held, "region_name"]))
    assert "孤山镇" in got and "东港市" in got
    # a county's account asking for the province reads its own places and those above it only
    scoped = db.run(demo_con, "alert_place_names", {"region": "21"}, scope="210681000000")["region_name"].tolist()
    assert scoped == sorted(set(got) | {"辽宁省", "丹东市"})


def test_a_matter_in_the_requests_text_is_one_hotspot(scratch_con):
    hot = lambda: [a for a in alerts.run_all(scratch_con, "210681000000", "2022-10", scope="210681000000")  # noqa: E731
                   .to_dict("records") if a["rule"] == "hotspot"]
    scratch_con.execute("update service_records set request_text = null where center_id in "
                        "(select center_id from centers where region_code like '210681%')")
    db.bump_data_version(scratch_con)
    # without any 诉求内容 the 热点 are the region's 事项 (code subjects)
    assert all(a["subject"].isdigit() for a in hot())
    add_texts(scratch_con, SEPTEMBER_TEXTS, "2022-09")
    add_texts(scratch_con, OCTOBER_TEXTS, "2022-10")
    db.bump_data_version(scratch_con)       # as an import does: the stored month is found anew
    texts = db.run(scratch_con, "topic_texts", alerts.query_params("210681000000", "2022-10", LATEST)["topic_texts"])
    assert sorted(texts.loc[texts["this_month"], "request_text"]) == sorted(OCTOBER_TEXTS)
    assert sorted(texts.loc[~texts["this_month"], "request_text"]) == sorted(SEPTEMBER_TEXTS)
    assert set(texts["county_code"]) == {"210681000000"} and set(texts["town_name"]) == {"孤山镇"}
    found = hot()
    # the lamps are one alert, not one per word; the heating (nine) is no 热点
    assert len(found) == 1
    alert = found[0]
    assert "大鹿岛村" in alert["subject_name"] and "路灯" in alert["subject_name"]
    residents = len({i % 10 for i in range(len(LAMP_TEXTS))})
    assert alert["numbers"] == f"本月 {len(LAMP_TEXTS)} 件（{residents} 人），上月 0 件"
    assert (alert["unit_code"], alert["unit_name"], alert["period"]) == ("210681101000", "孤山镇", "2022-10")
    assert f"占东港市本月有诉求内容的 {len(OCTOBER_TEXTS)} 件的" in alert["explanation"]
    # rising from nothing: 中
    assert alert["severity"] == "中"
    params = alerts.query_params("210681000000", "2022-10", LATEST)
    assert db.run(scratch_con, "text_volume", params["text_volume"])["texts"].tolist() == [len(OCTOBER_TEXTS)]


def test_the_stored_topics_are_counted_within_the_region(scratch_con):
    from dangqun import topics

    scratch_con.execute("update service_records set request_text = null where center_id in "
                        "(select center_id from centers where region_code like '210681%')")
    add_texts(scratch_con, SEPTEMBER_TEXTS, "2022-09")
    add_texts(scratch_con, OCTOBER_TEXTS, "2022-10")
    db.bump_data_version(scratch_con)
    stored = alerts.ensure(scratch_con, "2022-10")
    run = lambda name, params: db.run(scratch_con, name, params, scope="210681000000")  # noqa: E731
    found = topics.listing(run, "210681000000", stored)
    raw = run("topic_list", {"region": "210681", "period": "2022-10", "run_key": stored.key})
    assert raw["topic_key"].tolist() == found["topic_key"].tolist() and len(found) >= 2
    lamps = found.iloc[0]
    assert "大鹿岛村" in lamps["label"] and bool(lamps["hot"])
    assert (lamps["count"], lamps["residents"], lamps["previous"]) == (len(LAMP_TEXTS), 10, 0)
    assert list(lamps["towns"]) == ["孤山镇"] and lamps["examples"] == LAMP_TEXTS[:3]
    # the heating: topics (texts saying only 供暖 and nothing more of it stay out), none hot
    heating = found[found["label"].str.contains("供暖")]
    assert 3 <= heating["count"].sum() <= len(HEATING_TEXTS) and not heating["hot"].any()
    records = run("topic_records", {"region": "210681", "period": "2022-10", "run_key": stored.key,
                                    "topic_key": lamps["topic_key"]})
    assert sorted(records["request_text"]) == sorted(LAMP_TEXTS)
    # another county's account sees none of them
    other = topics.listing(lambda n, p: db.run(scratch_con, n, p, scope="210602000000"), "210602000000", stored)
    assert not other["label"].str.contains("大鹿岛村").any()
    # the trend counts the topic's two heaviest words in every month
    trend = run("topic_trend", {"region": "210681", "start": dt.date(2022, 9, 1), "end": dt.date(2022, 10, 31),
                                "words": ["大鹿岛村", "路灯"]})
    got = dict(zip(pd.to_datetime(trend["month"]).dt.strftime("%Y-%m"), trend["matching"]))
    assert got == {"2022-09": 0, "2022-10": sum("大鹿岛村" in x and "路灯" in x for x in OCTOBER_TEXTS)}
