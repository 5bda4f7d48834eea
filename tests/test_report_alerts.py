"""The 通报's 预警情况 and its 重复诉求 (dangqun.views.report on dangqun.alerts): the counts by rule equal the
预警 page's (alerts.run_all, which tests/test_page_alerts ties to the page's cards) month by month, the
units named with their severest alert, the repeat residents against an independent pandas search of the
demo records, and the section in the Word file."""
import datetime as dt
import io

import pandas as pd
import pytest
from docx import Document

from dangqun import alerts, db, gbt9704, regions
from dangqun.demo import anomalies as A
from dangqun.views import report as view

DONGGANG, DANDONG = "210681000000", "210600000000"


def build(con, region, name, period):
    run = lambda n, p: db.run(con, n, p, scope=region)  # noqa: E731
    return view.build(run, region, name, view.parse_period(period), "yoy", today=dt.date(2023, 1, 10),
                      store=lambda month: alerts.ensure(con, month))


@pytest.fixture(scope="module")
def october(alerts_con):
    return build(alerts_con, DONGGANG, "东港市", "2022-10")


@pytest.fixture(scope="module")
def quarter(alerts_con):
    return build(alerts_con, DANDONG, "丹东市", "2022Q4")


def page_counts(con, region, months):
    """rule → alerts summed over the months, each month as the 预警 page computes it for that account."""
    found = pd.concat([alerts.run_all(con, region, m, scope=region) for m in months])
    return {rule: int((found["rule"] == rule).sum()) for rule in alerts.RULES}, found


def paras(report):
    return [b.text for b in report.blocks if b.kind == "para"]


def test_month_counts_and_units_equal_the_alert_page(october, alerts_con):
    counts, found = page_counts(alerts_con, DONGGANG, ["2022-10"])
    assert october.numbers["alerts"] == counts
    assert counts["repeat"] >= 1
    named = "、".join(f"{alerts.RULES[r]}{n}条" for r, n in counts.items() if n)
    assert f"10月共有预警{len(found)}条：{named}。各条预警的数字与判定依据见看板「预警」页。" in paras(october)
    # the units named: those with a 高 alert or two alerts and more, by 高 count, then count, then code
    units = [(-int((g["severity"] == "高").sum()), -len(g), code, g) for code, g in
             found[found["rule"] != "hotspot"].groupby("unit_code")]
    units = sorted(u for u in units if u[0] < 0 or u[1] <= -2)
    assert units, "the planted repeat resident's 高 alert names its town"
    i = next(k for k, t in enumerate(paras(october)) if t.startswith("需要重点关注的单位"))
    assert paras(october)[i] == (f"需要重点关注的单位{len(units)}个（{view.ALERT_UNITS_RULE}）"
                                 + (f"，下面列出前{view.ALERT_UNITS}个" if len(units) > view.ALERT_UNITS else "") + "：")
    # the first: the planted repeat resident's 孤山镇, in plain words: who, what, how often (no test statistics)
    assert units[0][2] == A.REPEAT_TOWN
    repeat = found[found["subject"].str.startswith(A.REPEAT_HASH)].iloc[0]
    first = paras(october)[i + 1]
    if units[0][1] == -1:
        assert first == "孤山镇（重复诉求）：赵*（139****0414）就“医疗费用报销代办”2022-08-17至2022-10-25共4次。"
    else:
        assert first.startswith(f"孤山镇（{-units[0][1]}条）：") and "最突出的是重复诉求：赵*（139****0414）" in first
    assert repeat["numbers"] == "2022-08-17 至 2022-10-25 共 4 次"
    headings = [b.text for b in october.blocks if b.kind == "heading1"]
    assert headings == ["一、基本情况", "二、考核排名", "三、热点问题", "四、预警情况", "五、资金投入", "六、下步工作", "附件"]


def test_quarter_counts_are_the_months_summed(quarter, alerts_con):
    report = quarter
    counts, found = page_counts(alerts_con, DANDONG, ["2022-10", "2022-11", "2022-12"])
    assert report.numbers["alerts"] == counts
    assert any(p.startswith(f"第四季度共有预警{len(found)}条（逐月计算后合计）：") for p in paras(report))


def repeats_by_pandas(raw, region, months, window=90, least=3):
    """(resident_hash, item_code, town) of the residents with `least` or more records of one 事项 in one town
    (乡镇街道) within `window` days at a record received in one of the months, in the region."""
    r = raw["service_records"]
    r = r[r["region_code"].str.startswith(regions.prefix(region)) & r["resident_hash"].notna()]
    r = r[(r["received_at"] >= pd.Timestamp(min(months) + "-01") - pd.Timedelta(days=window))]
    r = r.assign(town=r["region_code"].str[:9])
    r = r[r.groupby(["resident_hash", "item_code", "town"])["record_id"].transform("size") >= least]
    found = set()
    for (who, item, town), g in r.sort_values("received_at").groupby(["resident_hash", "item_code", "town"]):
        times = g["received_at"].tolist()
        for i, t in enumerate(times):
            if f"{t:%Y-%m}" in months and sum(t - dt.timedelta(days=window - 1) <= u <= t for u in times[:i + 1]) >= least:
                found.add((who, item, town))
    return found


def test_repeat_residents_named_in_the_hot_problems(october, quarter, demo_raw):
    want = repeats_by_pandas(demo_raw, DONGGANG, {"2022-10"})
    assert (A.REPEAT_HASH, A.REPEAT_ITEM, A.REPEAT_TOWN[:9]) in want
    assert october.numbers["repeats"] == len(want)
    text = next(p for p in paras(october) if p.startswith("重复诉求"))
    assert text.startswith(f"重复诉求（同一服务对象在同一乡镇街道就同一事项90天内诉求3次及以上）共{len(want)}人次：")
    assert "赵*（139****0414）就“医疗费用报销代办”4次（孤山镇）" in text
    assert quarter.numbers["repeats"] == len(repeats_by_pandas(demo_raw, DANDONG, {"2022-10", "2022-11", "2022-12"}))


@pytest.mark.parametrize("region, month", [(DONGGANG, "2022-10"), (regions.PROVINCE, "2022-10")])
def test_the_repeats_read_from_the_stored_alerts_are_those_the_records_give(alerts_con, region, month):
    """The 通报 reads each month's 重复诉求 from the stored alerts (alerts.stored_repeat_summary): the same
    residents, 事项, towns, counts and last days as searching the records again (alert_repeats)."""
    stored = alerts.ensure(alerts_con, month)
    run = lambda n, p: db.run(alerts_con, n, p, scope=region)  # noqa: E731
    searched = alerts.repeat_summary(run("alert_repeats",
                                         alerts.query_params(region, stored.period, stored.as_of)["alert_repeats"]))
    kept = alerts.stored_repeat_summary(run("alert_list", {"region": regions.prefix(region), "period": stored.period,
                                                          "run_key": stored.key}))

    def rows(f):
        return sorted(zip(f["resident_hash"].str[:16], f["item_code"], f["unit_code"], f["unit_name"], f["n"],
                          f["who"], f["item_name"], f["first"].dt.date, f["last"].dt.date))
    assert len(searched) > 0
    assert rows(kept) == rows(searched)


def test_no_alerts_no_section_and_the_headings_keep_their_numbers():
    rp = view.parse_period("2022-10")
    assert view.alert_blocks(pd.DataFrame(columns=list(alerts.COLUMNS)), rp) == []
    blocks = [view.Block("heading1", t) for t in ("基本情况", "考核排名", "热点问题", "资金投入", "下步工作", "附件")]
    view.number_headings(blocks)
    assert [b.text for b in blocks] == ["一、基本情况", "二、考核排名", "三、热点问题", "四、资金投入", "五、下步工作", "附件"]


def test_the_section_is_in_the_word_file(october):
    doc = Document(io.BytesIO(gbt9704.render(october, "docx", charts=False)))
    texts = [p.text for p in doc.paragraphs]
    i = texts.index("四、预警情况")
    assert doc.paragraphs[i].style.name == "Heading 1"
    assert texts[i + 1].startswith("10月共有预警") and texts[i + 3].startswith("孤山镇（")
    # a 公文 states no test statistics: they stay on the 预警 page
    body = "\n".join(texts)
    for word in ("p =", "p=", "泊松", "二项", "控制图", "×", "基线", "检验"):
        assert word not in body, word


def test_hot_problems_name_the_biggest_topics_as_dangqun_topics_gives_them(quarter, alerts_con, tmp_path, capsys):
    """热点问题 opens with the period's topics of 诉求内容: for 丹东's fourth quarter the months' topics (each
    as `dangqun topics` lists them for 丹东) summed per matter, the hot ones first, then the biggest."""
    import json
    import shutil

    from dangqun import cli

    path = tmp_path / "copy.duckdb"
    alerts_con.execute("checkpoint")
    shutil.copy(alerts_con.execute("select path from duckdb_databases() where database_name = current_database()")
                .fetchone()[0], path)
    found: dict[str, dict] = {}
    for month in ("2022-10", "2022-11", "2022-12"):
        assert cli.main(["topics", "--db", str(path), "--region", DANDONG, "--period", month, "--json"]) == 0
        for t in json.loads(capsys.readouterr().out):
            got = found.setdefault(t["key"], dict(label=t["label"], count=0, hot=False, months=[], town="", towns=0))
            got["count"] += t["count"]
            got["hot"] |= t["hot"]
            got["months"].append(f"{int(month[5:])}月")
            got["town"], got["towns"] = t["towns"][0], len(t["towns"])
    first = sorted(found.items(), key=lambda kv: (not kv[1]["hot"], -kv[1]["count"], kv[0]))[:3]
    paragraphs = [b.text for b in quarter.blocks if b.kind == "para"]
    said = next(p for p in paragraphs if p.startswith("群众诉求中反映集中的问题"))
    hot = [t for _, t in first if t["hot"]]
    rest = [t for _, t in first if not t["hot"]]

    def named(ts, where):
        return "、".join(f"“{t['label']}”{t['count']:,}件（{where(t)}，{'、'.join(t['months'])}）" for t in ts)

    # the hot ones where they lie; the others (questions asked all over a county) by how many towns they span
    spread = lambda t: "分布在" + str(t["towns"]) + "个乡镇街道"  # noqa: E731
    want = f"群众诉求中反映集中的问题（说同一件事的诉求归为一类）：{named(hot, lambda t: t['town'])}。"
    if rest:
        want += f"诉求较多的还有：{named(rest, spread)}。"
    assert said == want and len(hot) == 2 and rest and rest[0]["towns"] > 1
    # the demo's two planted matters lead: 李家堡村's water (December) and 丽景社区's mixer (two months)
    assert said.startswith("群众诉求中反映集中的问题（说同一件事的诉求归为一类）：“丽景社区 搅拌站 噪音扰民”44件（大东街道，"
                           "11月、12月）、“李家堡村 自来水 停水”30件（石城镇，12月）")
    assert any("说同一件事" in p for p in paragraphs if p.startswith("说明："))
