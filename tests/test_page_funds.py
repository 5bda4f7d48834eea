"""资金投入 (app_pages/funds.py): the page as an official sees it (AppTest) and its plain logic."""
import datetime as dt
import json

import pandas as pd

from dangqun import db, filters, metrics
from dangqun.views import funds
from expected import full_title, numbers

PAGE = "app_pages/funds.py"
YEAR = dict(start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31), category="", channel="", as_of=None)
CAPTION = ("资金按年度统计：计入统计周期所含年度（{years}）的全部资金，不按拨付日期截取；"
           "受理量、满意率按统计周期内的服务记录。")


def cards(at):
    return {m.label: m.value for m in at.metric}


def titles(at):
    return [full_title(json.loads(c.proto.spec)["layout"]) for c in at.get("plotly_chart")]


def expected_cards(con, params):
    centers = db.run(con, "funds_by_center", params)
    total = con.execute("""select sum(f.amount_wan) from funds f join centers c using (center_id)
                           where c.region_code like $p || '%' and f.fiscal_year between $y0 and $y1""",
                        {"p": params["region"], "y0": params["start"].year, "y1": params["end"].year}).fetchone()[0]
    received = int(centers.received.sum())
    return {"投入总额(万元)": metrics.fmt_wan(total or 0), "受理量": metrics.fmt_int(received),
            "每万元服务量": metrics.fmt_num(metrics.per_wan(received, float(total or 0)), 2),
            "单件成本(元/件)": metrics.fmt_num(metrics.unit_cost_yuan(float(total or 0), received), 2)}


# ── the page ────────────────────────────────────────────────────────────────────────────────

def test_dandong_total_over_two_years_is_the_sum_of_its_centers_funds(open_page, demo_con):
    """The source report: 丹东, 2021–2022: ≈ 2,500 万元, equal to an independent SQL sum."""
    at = open_page(PAGE, city="210600000000", start="2021-01-01", end="2022-12-31")
    assert not at.exception
    total = demo_con.execute("""select sum(f.amount_wan) from funds f join centers c using (center_id)
                                where c.region_code like '2106%'""").fetchone()[0]
    shown = cards(at)["投入总额(万元)"]
    assert shown == f"{total:,.2f}"
    assert abs(float(total) - 2500) <= 0.03 * 2500
    assert cards(at) == expected_cards(demo_con, dict(YEAR, region="2106", start=dt.date(2021, 1, 1)))
    assert CAPTION.format(years="2021–2022") in [c.value for c in at.caption]


def test_defaults_show_the_province_this_year(open_page, demo_con):
    at = open_page(PAGE)
    assert not at.exception
    assert cards(at) == expected_cards(demo_con, dict(YEAR, region="21"))
    assert CAPTION.format(years="2022") in [c.value for c in at.caption]
    assert titles(at) == ["按资金来源(万元)", "按资金用途(万元)", "按年度(万元)",
                          "资金分布（点击地区进入，点击中心查看明细）",
                          "每万元服务量（按下级单位，点击进入）", "单件成本(元/件)（按下级单位，点击进入）",
                          "投入与成效（按下级单位，气泡大小为受理量；点击进入）"]
    # every figure and the table carry their CSV and Excel downloads
    assert len(at.get("download_button")) == 2 * 8


def test_a_county_shows_its_centers_and_towns(open_page, demo_con):
    at = open_page(PAGE, county="211324000000")
    assert not at.exception
    params = dict(YEAR, region="211324")
    assert cards(at) == expected_cards(demo_con, params)
    table = at.dataframe[0].value
    # a whole year: the funds falling in the period are the year's
    assert list(table.columns[:11]) == ["中心名称", "中心类型", "建设方式", "投入总额(万元)", "本期分摊资金(万元)", "受理量",
                                        "办结量", "每万元服务量", "单件成本(元/件)", "满意率", "综合成绩"]
    assert (table["本期分摊资金(万元)"].round(2) == table["投入总额(万元)"].round(2)).all()
    want = funds.add_costs(db.run(demo_con, "funds_by_center", params))
    assert len(table) == len(want)
    first = want.iloc[0]
    row = table.iloc[0]
    assert row["中心名称"] == first.center_name
    assert round(row["投入总额(万元)"], 2) == round(first.funds_wan, 2)
    # shown as the cards write it: two decimals rounded half up (1534.2975… → 1534.30)
    cost = float(first.funds_wan) * 10000 / first.received
    assert f"{row['单件成本(元/件)']:.2f}" == metrics.fmt_num(cost, 2).replace(",", "")
    assert row["满意率"] == metrics.fmt_pct(first.satisfaction_rate)
    # the treemap's root is the county, its tiles sum to the total
    tree = json.loads(at.get("plotly_chart")[3].proto.spec)["data"][0]
    assert tree["ids"][0] == "211324000000" and tree["parents"][0] == ""
    assert metrics.fmt_wan(numbers(tree["values"])[0]) == cards(at)["投入总额(万元)"]
    # the unit bars are the county's towns
    bars = json.loads(at.get("plotly_chart")[4].proto.spec)["data"][0]
    towns = db.run(demo_con, "funds_by_unit", dict(params, child_digits=9))
    assert {c[0] for c in bars["customdata"]} == set(towns.loc[towns.funds_wan > 0, "unit_code"])


def test_breakdowns_download_what_they_draw(open_page, demo_con):
    at = open_page(PAGE, county="210681000000", cat="05")
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    want = db.run(demo_con, "funds_by_source", {"region": "210681", "start": YEAR["start"], "end": YEAR["end"]})
    # bars across, the largest on top (Plotly draws the first bar at the foot)
    assert spec["orientation"] == "h"
    drawn = dict(zip(spec["y"], [round(x, 2) for x in numbers(spec["x"])]))
    assert drawn == dict(zip(want.fund_source, want.amount_wan.astype(float).round(2)))
    assert list(drawn.values()) == sorted(drawn.values())


def test_a_village_without_records(open_page, demo_con):
    village, funds_wan = demo_con.execute("""
        select c.region_code, coalesce(sum(f.amount_wan), 0) from centers c
        left join service_records r on r.center_id = c.center_id and r.received_at >= '2022-12-01'
        left join funds f on f.center_id = c.center_id and f.fiscal_year = 2022
        where right(c.region_code, 3) <> '000'
        group by 1 having count(r.record_id) = 0 order by 1 limit 1""").fetchone()
    at = open_page(PAGE, village=village, start="2022-12-01", end="2022-12-31")
    assert not at.exception
    if funds_wan:
        # a month shows its fiscal year's funds, and says so
        assert cards(at)["资金年度投入(万元)"] == metrics.fmt_wan(funds_wan)
        assert cards(at)["受理量"] == "0"
        assert cards(at)["单件成本(元/件)"] == "—"
    else:
        assert [i.value for i in at.info] == ["该范围内没有数据"]


DONGGANG = dict(city="210600000000", county="210681000000")


def test_a_town_without_funds_says_why_its_costs_read_dash(open_page):
    at = open_page(PAGE, **DONGGANG, town="210681101000")     # 孤山镇: no funds in 2022
    assert not at.exception
    shown = {m.label: (m.value, m.help) for m in at.metric}
    assert shown["每万元服务量"] == shown["单件成本(元/件)"] == ("—", "本期没有分摊到资金，不计算")
    assert shown["受理量"][0] != "0"


def test_a_center_without_funds_has_no_cost_and_reads_dash(open_page, offered):
    """No funds in the period: no 每万元服务量 and no 单件成本, shown — (not None, not 0.00), and
    empty cells in the downloads."""
    import io

    from python_calamine import CalamineWorkbook

    from dangqun import export

    at = open_page(PAGE, **DONGGANG)
    assert not at.exception
    grid = at.dataframe[0]
    assert grid.proto.placeholder == "—"          # what the browser draws in a cell without a value
    table = grid.value
    unfunded = table["本期分摊资金(万元)"] == 0
    assert unfunded.any() and (~unfunded).any()
    for col in ("每万元服务量", "单件成本(元/件)"):
        assert table.loc[unfunded, col].isna().all(), col      # drawn as the placeholder, —
        assert table.loc[~unfunded, col].notna().all(), col
    assert not table.isin(["None", "nan", "NaN"]).any().any()
    # the downloads: empty cells where the page shows —
    frame = offered["各中心投入与成效"]()
    csv = pd.read_csv(io.BytesIO(export.to_csv_bytes(frame)), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    rows = csv[csv["中心编码"].isin(frame.loc[frame.period_wan == 0, "center_id"])]
    assert len(rows) == int(unfunded.sum())
    assert set(rows["每万元服务量"]) == {""} and set(rows["单件成本(元/件)"]) == {""}
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(export.to_xlsx_bytes(frame, "zh", "各中心投入与成效")))
    lines = sheet.get_sheet_by_index(0).to_python()
    header = next(line for line in lines if line[0] == "中心名称")
    cells = [dict(zip(header, line)) for line in lines if line[header.index("中心编码")] in set(rows["中心编码"])]
    assert len(cells) == len(rows)
    assert all(c["每万元服务量"] == "" and c["单件成本(元/件)"] == "" for c in cells)    # no cell written


def test_a_town_without_funds_shows_no_cost(open_page, demo_con):
    town = demo_con.execute("""
        select substr(c.region_code, 1, 9) || '000' from centers c
        left join funds f on f.center_id = c.center_id and f.fiscal_year = 2022
        where c.region_code like '210681%' and substr(c.region_code, 7, 3) <> '000'
        group by 1 having coalesce(sum(f.amount_wan), 0) = 0 order by 1 limit 1""").fetchone()[0]
    at = open_page(PAGE, **DONGGANG, town=town)
    assert not at.exception
    assert cards(at)["投入总额(万元)"] == "0.00" and cards(at)["受理量"] != "0"
    assert cards(at)["每万元服务量"] == "—" and cards(at)["单件成本(元/件)"] == "—"
    units = db.run(demo_con, "funds_by_unit", dict(YEAR, region=town[:9], child_digits=12))
    left_out = f"{len(units)} 个下级单位没有本期资金，不列出"
    assert [c.value for c in at.caption].count(left_out) == 2       # under both cost charts, drawing none


def test_unit_charts_leave_out_the_towns_without_a_value_and_say_how_many(open_page, demo_con):
    at = open_page(PAGE, **DONGGANG)
    assert not at.exception
    units = funds.add_costs(db.run(demo_con, "funds_by_unit", dict(YEAR, region="210681", child_digits=9)))
    charts = {full_title(json.loads(c.proto.spec)["layout"]): json.loads(c.proto.spec)["data"][0]
              for c in at.get("plotly_chart")}
    cost = charts["单件成本(元/件)（按下级单位，点击进入）"]
    assert {c[0] for c in cost["customdata"]} == set(units.loc[units.period_wan > 0, "unit_code"])
    assert "0.00" not in cost["text"]
    no_funds = int((units.period_wan == 0).sum())
    assert no_funds and f"另有 {no_funds} 个乡镇街道没有本期资金，不列出" in [c.value for c in at.caption]


def test_english(open_page):
    at = open_page(PAGE, county="211324000000", lang="en")
    assert not at.exception
    assert at.title[0].value == "Funds"
    assert list(cards(at)) == ["Total funds (10k yuan)", "Cases received", "Cases per 10k yuan",
                               "Cost per case (yuan)"]
    assert titles(at)[0] == "Funds by source (10k yuan)"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert "Special fiscal funds" in spec["y"]
    assert list(at.dataframe[0].value.columns[:3]) == ["Center", "Center type", "Construction"]


# ── plain logic ─────────────────────────────────────────────────────────────────────────────

CENTERS = pd.DataFrame({
    "center_id": ["ZX1", "ZX2", "ZX3", "ZX4"],
    "center_name": ["甲村中心", "乙镇中心", "丙村中心", "丁村中心"],
    "region_code": ["210681107201", "210681107000", "210682101201", "210681107202"],
    "funds_wan": [10.5, 2.25, 4.0, 0.0],
})
NAMES = {"210600000000": "丹东市", "210681000000": "东港市", "210682000000": "凤城市",
         "210681107000": "长山镇", "210682101000": "某镇"}.get


def test_tree_goes_city_county_town_center_two_levels_at_a_time_with_total_values():
    tiles = funds.tree(CENTERS, "210600000000", lambda c: NAMES(c, c)).set_index("unit_code")
    assert tiles.loc["210600000000", "parent_code"] == "" and tiles.loc["210600000000", "amount_wan"] == 16.75
    assert tiles.loc["210681000000", "parent_code"] == "210600000000"
    assert tiles.loc["210681107000", "parent_code"] == "210681000000"
    assert tiles.loc["210681107000", "amount_wan"] == 12.75
    assert tiles.loc["210682101000", "parent_code"] == "210682000000"
    assert not {"ZX1", "ZX2", "ZX3"} & set(tiles.index)     # a city shows its counties and towns only
    assert tiles.loc["210681107000", "unit_name"] == "长山镇"
    county = funds.tree(CENTERS[CENTERS.region_code.str.startswith("210681")], "210681000000",
                        lambda c: NAMES(c, c)).set_index("unit_code")
    assert county.parent_code.to_dict() == {"210681000000": "", "210681107000": "210681000000",
                                            "ZX1": "210681107000", "ZX2": "210681107000"}   # ZX4: no funds, no tile
    assert county.amount_wan.to_dict() == {"210681000000": 12.75, "210681107000": 12.75, "ZX1": 10.5, "ZX2": 2.25}


def test_tree_under_a_town_and_a_village():
    town = funds.tree(CENTERS[CENTERS.region_code.str.startswith("210681107")], "210681107000", str)
    assert town.set_index("unit_code").parent_code.to_dict() == {"210681107000": "", "ZX1": "210681107000",
                                                     "ZX2": "210681107000"}
    village = funds.tree(CENTERS.iloc[[0]], "210681107201", str)
    assert village.parent_code.tolist() == ["", "210681107201"]
    assert funds.tree(CENTERS.iloc[[3]], "210681107202", str).empty


def test_clicks_drill_into_regions_and_open_centers():
    tiles = funds.tree(CENTERS, "210600000000", str)
    assert funds.tile_action("210681000000", tiles, "210600000000") == ("drill", "210681000000")
    county = funds.tree(CENTERS[CENTERS.region_code.str.startswith("210681")], "210681000000", str)
    assert funds.tile_action("ZX1", county, "210681000000") == ("records", "ZX1")
    assert funds.tile_action("210600000000", tiles, "210600000000") is None
    assert funds.tile_action(None, tiles, "210600000000") is None
    assert funds.tile_action("999", tiles, "210600000000") is None
    assert filters.click_action("210681107000", filters.child_digits("210681000000")) == ("drill", "210681107000")
    assert filters.click_action("ZX1", filters.child_digits("210681107201")) == ("records", "ZX1")
    assert filters.click_action(None, 9) is None


def test_costs_per_wan_and_per_case():
    # per_wan and the cost divide by the funds falling in the period (period_wan), not the year's (funds_wan)
    df = pd.DataFrame({"funds_wan": [40.0, 0.0, 20.0], "period_wan": [10.0, 0.0, 5.0], "received": [250, 40, 0],
                       "valid": [10, 0, 0],
                       "contacted": [10, 0, 0], "solved": [9, 0, 0], "satisfied": [8, 0, 0], "basic": [1, 0, 0]})
    out = funds.add_costs(df)
    assert out.per_wan.iloc[0] == 25.0 and pd.isna(out.per_wan.iloc[1])
    assert out.unit_cost_yuan.iloc[0] == 400.0 and pd.isna(out.unit_cost_yuan.iloc[2])
    assert metrics.fmt_num(out.unit_cost_yuan.iloc[2], 2) == "—"
    # no funds in the period: no cost either (0 万元 over 40 cases is not 0.00 元 a case)
    assert pd.isna(out.unit_cost_yuan.iloc[1])
    assert funds.costs(250, 10.0) == (25.0, 400.0)
    assert funds.costs(40, 0.0) == (None, None)


def test_left_out_names_how_many_and_why():
    from dangqun.i18n import t

    df = funds.add_costs(pd.DataFrame({
        "period_wan": [10.0, 0.0, 0.0, 5.0], "funds_wan": [10.0, 0.0, 0.0, 5.0], "received": [250, 40, 0, 0],
        "valid": [10, 0, 3, 0], "contacted": [10, 0, 3, 0], "solved": [9, 0, 3, 0], "satisfied": [8, 0, 3, 0],
        "basic": [1, 0, 0, 0]}))
    zh = lambda key, **fmt: t(key, "zh", **fmt)   # noqa: E731
    assert funds.left_out(df, "per_wan", 2, zh) == "另有 2 个乡镇街道没有本期资金，不列出"
    assert funds.left_out(df, "unit_cost_yuan", 2, zh) == "另有 2 个乡镇街道没有本期资金、1 个乡镇街道本期没有受理，不列出"
    assert funds.left_out(df, "composite_score", 1, zh) == "另有 2 个县（市、区）没有有效回访，不列出"
    assert funds.left_out(df.iloc[:1], "per_wan", 2, zh) is None
    assert funds.left_out(df.iloc[1:3], "per_wan", 3, zh) == "2 个下级单位没有本期资金，不列出"
    en = lambda key, **fmt: t(key, "en", **fmt)   # noqa: E731
    assert funds.left_out(df, "unit_cost_yuan", 2, en) == \
        "Not shown: 2 towns/subdistricts without funds in the period; 1 town/subdistrict without cases in the period"


def test_the_treemap_download_names_its_levels_in_words(open_page, offered):
    at = open_page(PAGE, **DONGGANG)
    assert not at.exception
    tiles = offered["资金分布"]()
    assert set(tiles["kind"]) <= {"地区", "中心", "其他"} and {"地区", "中心"} <= set(tiles["kind"])
    from dangqun import export

    header = export.to_csv_bytes(tiles).decode("utf-8-sig").splitlines()[0]
    assert "层级" in header.split(",")
