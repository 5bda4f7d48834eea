"""热点 as matters (dangqun.topics): words by part of speech, one matter one topic, deterministic, and the
real message board's busiest month (read from ../shared/realdata when present)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import jieba.posseg
import pandas as pd
import pytest

from dangqun import topics

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
TEDDY = REALDATA / "teddy2020c" / "留言与答复.xlsx"
# what the rule read as 热点 before, a word at a time, on that file: none names a matter
FUNCTION_WORDS = ["之前", "怎样", "并且", "下午", "不用", "尤其", "一年", "天天", "下去", "担心", "不得", "多万",
                  "避免", "落实", "分钟"]

NOISE = ["医保报销材料不全，需要补交什么", "低保申请递交一个月没有回音", "社保卡丢了怎么补办", "楼下饭店油烟太大",
         "养老保险断缴能不能补缴", "老年证在哪里办", "户口迁移需要什么手续", "农机补贴什么时候发放", "宅基地审批进度",
         "残疾人补贴申请", "居住证办理需要多久", "身份证到期换领", "临时救助申请进度", "物业费收费标准不合理"]
MIXER = ["金港社区附近搅拌站夜间施工噪音扰民，严重影响休息", "金港社区旁边的搅拌站噪音太大，晚上睡不着",
         "投诉金港社区搅拌站噪音扰民", "金港社区搅拌站半夜还在作业，噪音扰民", "反映金港社区东侧搅拌站噪音问题",
         "金港社区居民反映搅拌站噪音扰民已经一个月"]
WATER = ["大鹿岛村自来水停水三天了", "大鹿岛村又停水了，自来水什么时候恢复", "大鹿岛村自来水管爆裂停水",
         "请问大鹿岛村停水原因，自来水一直没来"]


def test_function_words_fall_out_by_their_part_of_speech():
    cut = topics.Cutter()
    got = cut.words("之前怎样并且下午不用尤其一年天天下去担心不得多万避免落实分钟")
    assert got == ()
    assert not {w for w, _ in cut.words("我们之前反映的路灯问题，怎样处理的？下午再打电话")} & set(FUNCTION_WORDS)


def test_place_names_and_config_words_are_cut_whole():
    got = dict(topics.Cutter(["孤山镇", "大鹿岛村"]).words("孤山镇大鹿岛村路灯不亮，请尽快处理；搅拌站噪音扰民，电话１３８****０４１４"))
    assert got == {"孤山镇": "ns", "大鹿岛村": "ns", "路灯": "nz", "不亮": "vn", "搅拌站": "nz", "噪音扰民": "vn",
                   "电话": "n"}


def test_one_matter_is_one_topic_with_its_place_object_and_problem():
    texts = NOISE[:7] + MIXER + NOISE[7:] + WATER
    found = topics.find(texts, background=NOISE, cutter=topics.Cutter(["金港社区", "大鹿岛村"]))
    assert [len(t.members) for t in found] == [len(MIXER), len(WATER)]
    mixer, water = found
    assert [texts[i] for i in mixer.members] == MIXER and [texts[i] for i in water.members] == WATER
    # read as a matter: place, object, problem
    assert mixer.label == "金港社区 搅拌站 噪音扰民"
    assert water.label == "大鹿岛村 自来水 停水"
    # the same texts give the same topics
    again = topics.find(texts, background=NOISE, cutter=topics.Cutter(["金港社区", "大鹿岛村"]))
    assert [(t.label, t.members, t.keywords) for t in again] == [(t.label, t.members, t.keywords) for t in found]


def test_the_month_before_counts_as_similar_to_the_topic():
    texts = NOISE + MIXER
    found = topics.find(texts, background=NOISE + MIXER[:2], cutter=topics.Cutter(["金港社区"]))
    assert len(found) == 1 and found[0].previous == [len(NOISE), len(NOISE) + 1]


def test_a_topic_is_hot_when_big_against_the_countys_volume():
    cfg = dataclasses.replace(topics.load_config(), hot_min_count=5, hot_min_share=0.2)
    rows = [dict(record_id=f"R{i:03d}", county_code="210681000000", county_name="东港市",
                 town_code="210681101000", town_name="孤山镇", region_code="210681101001", center_name=f"C{i % 3}",
                 received_at=pd.Timestamp("2022-12-01") + pd.Timedelta(days=i % 28), resident_hash=f"H{i}",
                 this_month=True, request_text=text)
            for i, text in enumerate(NOISE + MIXER + WATER)]
    found = topics.of_month(pd.DataFrame(rows), ["金港社区", "大鹿岛村"], cfg)
    assert found["label"].tolist() == ["金港社区 搅拌站 噪音扰民", "大鹿岛村 自来水 停水"]
    # six of 24 (25 %) is hot; four is too few
    assert found["hot"].tolist() == [True, False]
    assert found["count"].tolist() == [6, 4] and found["volume"].tolist() == [24, 24]
    assert found.loc[0, "unit_code"] == "210681101000" and found.loc[0, "towns"] == ["孤山镇"]


@pytest.mark.skipif(not TEDDY.exists(), reason=f"没有真实数据 {TEDDY}（../shared/realdata 不在本机）")
def test_the_message_boards_busiest_month_has_no_function_word_topics():
    frame = pd.read_excel(TEDDY, engine="calamine")
    month = pd.to_datetime(frame["留言时间"].astype(str), errors="coerce", format="mixed").dt.to_period("M")
    busiest = month.value_counts().idxmax()
    now = frame.loc[month == busiest, "留言详情"].astype(str).tolist()
    before = frame.loc[month == busiest - 1, "留言详情"].astype(str).tolist()
    found = topics.find(now, before)
    tags = jieba.posseg.dt.word_tag_tab
    for t in found:
        for w in [*t.label.split(" "), t.keywords[0]]:
            assert tags.get(w, t.tags.get(w)) in topics.KEEP, (t.label, w)


# ── on the demo: its two planted matters (dangqun.demo.anomalies.MATTERS) ─────────────────────────

@pytest.fixture(scope="module")
def demo_topics(demo_con):
    """Every month's topics of the demo's 诉求内容, the province's, as the stored alerts find them."""
    import datetime as dt

    from dangqun import alerts, db

    run = lambda name, params: db.run(demo_con, name, params)  # noqa: E731
    cutter = topics.Cutter(run("alert_place_names", {"region": "21"})["region_name"].tolist())
    months = run("data_span", {})
    first, last = pd.Timestamp(months["first_day"].iloc[0]), pd.Timestamp(months["last_day"].iloc[0])
    out = {}
    for month in pd.period_range(first, last, freq="M").astype(str):
        params = alerts.query_params("210000000000", month, last.date())["topic_texts"]
        out[month] = topics.of_month(run("topic_texts", params), cutter=cutter)
    assert dt.date(2022, 12, 1) <= last.date()
    return out


def test_the_planted_matters_are_found_whole(demo_topics, demo_con):
    from dangqun.demo import anomalies as A

    for matter in A.MATTERS:
        for (year, month), n in matter.months().items():
            found = demo_topics[f"{year}-{month:02d}"]
            mine = found[found["label"].str.contains(matter.place)]
            assert len(mine) == 1, (matter.place, month, mine["label"].tolist())
            topic = mine.iloc[0]
            assert topic["label"] == f"{matter.place} {matter.object} {matter.problem}"
            assert topic["count"] == n and bool(topic["hot"])
            # every one of its records is a planted message, and every planted message is in it
            planted = {r for (r,) in demo_con.execute(
                "select record_id from service_records where request_text like '%' || $p || '%' "
                "and request_text like '%' || $o || '%' and strftime(received_at, '%Y-%m') = $m",
                {"p": matter.place, "o": matter.object, "m": f"{year}-{month:02d}"}).fetchall()}
            assert set(topic["record_ids"]) == planted
            assert topic["unit_code"] == matter.town and topic["towns"] == [topic["unit_name"]]
    # the two-month matter: December's previous count is November's
    (nov, n_nov), (dec, _) = sorted(A.MIXER.months().items())
    december = demo_topics[f"{dec[0]}-{dec[1]:02d}"]
    assert december.loc[december["label"].str.contains(A.MIXER.place), "previous"].tolist() == [n_nov]


def test_no_topic_of_the_demo_is_named_by_a_function_word(demo_topics):
    tags = jieba.posseg.dt.word_tag_tab
    seen = 0
    for found in demo_topics.values():
        for label, keywords in zip(found["label"], found["keywords"]):
            for w in [*label.split(" "), keywords[0]]:
                assert tags.get(w) in topics.KEEP, (label, w, tags.get(w))
                seen += 1
    assert seen > 1000
