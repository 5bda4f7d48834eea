"""总览 (app.py): KPI cards against an independent pandas computation, URL parameters, drilling, the
formulas in the cards' help as config/metrics.toml states them."""
import dataclasses
import datetime as dt

import pandas as pd

from dangqun import metrics
from dangqun.markup import md
from dangqun.views import overview
from expected import activities_in, centers_in, counts, funds_in, rates, window

PAGE = "app_pages/overview.py"


def expected_cards(raw, prefix, start, end):
    r = window(raw["service_records"], prefix, start, end)
    c = counts(r, end)
    _, _, _, satisfaction, score = rates(r)
    centers = centers_in(raw, prefix)
    opened = centers[centers.opened_on.isna() | (centers.opened_on <= pd.Timestamp(end))]
    return {
        "受理量": f"{c['received']:,}",
        "办结率": metrics.fmt_pct(c["closed"] / c["received"]),
        "按期办结率": metrics.fmt_pct(c["closed_on_time"] / c["closed"]),
        "满意率": metrics.fmt_pct(satisfaction),
        "综合成绩": metrics.fmt_score(score),
        # funds count by fiscal year: a window short of whole years shows its years' amount under another name
        ("投入总额(万元)" if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) else "资金年度投入(万元)"):
            metrics.fmt_wan(funds_in(raw, prefix, start, end).amount_wan.sum()),
        "中心数": f"{len(opened):,}",
        "活动场次": f"{len(activities_in(raw, prefix, start, end)):,}",
        "代办件数": f"{int(r.is_proxy.fillna(False).astype(bool).sum()):,}",
    }


def shown_cards(at):
    return {m.label: m.value for m in at.metric}


def test_defaults_show_the_province_for_this_year(open_page, demo_raw):
    at = open_page(PAGE)
    assert not at.exception
    assert shown_cards(at) == expected_cards(demo_raw, "21", dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert "**辽宁省 · 2022年**" in [m.value for m in at.markdown]


def test_a_half_year_names_the_funds_card_by_fiscal_year_and_compares_it_only_across_years(open_page):
    at = open_page(PAGE, county="210681000000", start="2022-04-01", end="2022-06-30", compare="mom")
    cards = {m.label: m for m in at.metric}
    assert "投入总额(万元)" not in cards
    funds = cards["资金年度投入(万元)"]
    assert funds.delta in (None, "")                     # Q1 is the same fiscal year: no +0.0%
    assert "（2022）" in funds.help
    at = open_page(PAGE, county="210681000000", start="2022-04-01", end="2022-06-30", compare="yoy")
    assert {m.label: m for m in at.metric}["资金年度投入(万元)"].delta not in (None, "")   # 2022 against 2021


def test_a_county_link_sets_the_filters_and_the_cards(open_page, demo_raw):
    at = open_page(PAGE, city="210600000000", county="210681000000", start="2022-01-01", end="2022-06-30")
    assert not at.exception
    assert at.selectbox(key="f_city").value == "210600000000"
    assert at.selectbox(key="f_county").value == "210681000000"
    assert at.selectbox(key="f_period").value == "custom"
    assert shown_cards(at) == expected_cards(demo_raw, "210681", dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    assert "**丹东市 › 东港市 · 2022年1–6月**" in [m.value for m in at.markdown]


def test_deltas_compare_with_the_same_window_last_year(open_page, demo_con):
    at = open_page(PAGE, county="210681000000")
    now, before = (demo_con.execute(
        "select count(*) from service_records join centers using (center_id) "
        "where region_code like '210681%' and year(received_at) = $y", {"y": y}).fetchone()[0] for y in (2022, 2021))
    card = next(m for m in at.metric if m.label == "受理量")
    sign = "+" if now >= before else ""
    assert card.delta == sign + metrics.fmt_pct((now - before) / before)


def test_choosing_a_county_in_the_sidebar_resets_the_levels_below(open_page):
    at = open_page(PAGE, city="210600000000", county="210681000000", town="210681107000")
    at.selectbox(key="f_county").set_value("210682000000").run()
    assert not at.exception
    assert at.selectbox(key="f_county").value == "210682000000"
    assert at.selectbox(key="f_town").value == ""
    assert at.query_params["county"] == "210682000000"
    assert "town" not in at.query_params


def test_hostile_url_values_fall_back_with_a_notice(open_page):
    at = open_page(PAGE, city="'; drop table centers; --", start="2022-02-30", cat="<script>")
    assert not at.exception
    notices = [w.value for w in at.warning]
    # the values from the link are shown as text: Markdown escaped (dangqun.markup.md)
    assert notices == ["链接中的参数无效，已恢复默认: " + md("city='; drop table centers; --"),
                       "链接中的参数无效，已恢复默认: " + md("start=2022-02-30, end="),
                       "链接中的参数无效，已恢复默认: " + md("cat=<script>")]
    assert md("cat=<script>") != "cat=<script>"
    assert shown_cards(at)["受理量"] != "0"


def test_english_interface(open_page):
    at = open_page(PAGE, lang="en", county="211324000000")
    assert not at.exception
    assert sorted(m.label for m in at.metric) == sorted([
        "Cases received", "Closure rate", "On-time closure rate", "Satisfaction rate", "Composite score",
        "Total funds (10k yuan)", "Centers", "Activities", "Proxy-handled cases"])
    assert at.title[0].value == "Overview"


def test_a_village_without_records_in_the_window_shows_zero_and_dashes(open_page, demo_con):
    # a village with a center but no record on 2022-12-25 (a Sunday)
    village = demo_con.execute("""
        select c.region_code from centers c
        where c.region_code like '210681%' and right(c.region_code, 3) <> '000'
          and not exists (select 1 from service_records s join centers c2 using (center_id)
                          where c2.region_code = c.region_code and s.received_at::date = date '2022-12-25')
        order by 1 limit 1""").fetchone()[0]
    at = open_page(PAGE, village=village, start="2022-12-25", end="2022-12-25")
    assert not at.exception
    cards = shown_cards(at)
    # no record, so no 回访 either: the survey-based cards say so rather than show a dash
    assert (cards["受理量"], cards["办结率"], cards["满意率"], cards["综合成绩"]) == ("0", "—", "无回访数据", "无回访数据")
    # each empty chart says which it is
    assert [i.value for i in at.info if "没有数据" in i.value] == ["月度趋势：该范围内没有数据", "下级单位排名：该范围内没有数据"]


def test_kpi_cards_show_dash_for_empty_denominators():
    empty = dict(received=0, closed=0, closed_on_time=0, overdue=0, valid=0, contacted=0, solved=0,
                 satisfied=0, basic=0, proxy=0, proactive=0, funds_wan=0, centers=3, activities=0)
    cards = {c.label: c for c in overview.cards(empty, None)}
    assert (cards["办结率"].value, cards["满意率"].value, cards["综合成绩"].value) == ("—", "无回访数据", "无回访数据")
    assert cards["受理量"].delta is None


def test_a_change_that_rounds_to_nothing_reads_flat_without_arrow_or_colour():
    now = dict(received=10_000, closed=9_760, closed_on_time=9_700, overdue=0, valid=2_000, contacted=1_960,
               solved=1_840, satisfied=1_850, basic=0, proxy=0, proactive=0, funds_wan=100, centers=3, activities=50)
    # 97.60% against 97.604%: "+0.0 个百分点" shown in green before; 10,000 against 9,990 cases: +0.1%
    before = dict(now, received=9_990, closed=9_750)
    cards = {c.label: c for c in overview.cards(now, before)}
    assert (cards["办结率"].delta, cards["办结率"].delta_color) == ("持平", "off")
    assert (cards["受理量"].delta, cards["受理量"].delta_color) == ("+0.1%", "normal")
    assert overview.cards(now, before, "en")[1].delta == "No change"


def test_card_help_states_the_formulas_of_the_config(monkeypatch):
    row = dict(received=10, closed=8, closed_on_time=6, overdue=0, valid=10, contacted=9, solved=8,
               satisfied=6, basic=2, proxy=0, proactive=0, funds_wan=0, centers=1, activities=0)

    def helps(lang="zh"):
        return {c.label: c.help for c in overview.cards(row, None, lang)}

    assert helps()["综合成绩"] == "100 × (0.1 × 响应率 + 0.5 × 解决率 + 0.4 × 满意率)"
    assert helps()["满意率"] == "(满意 + 0.9 × 基本满意) / 有效回访：78.0%（7.8 / 10）"
    changed = dataclasses.replace(metrics.load_config(), w_response=0.2, w_solve=0.3, w_satisfaction=0.5,
                                  basic_factor=0.8)
    monkeypatch.setattr(metrics, "load_config", lambda path=None: changed)
    assert helps()["综合成绩"] == "100 × (0.2 × 响应率 + 0.3 × 解决率 + 0.5 × 满意率)"
    assert helps()["满意率"] == "(满意 + 0.8 × 基本满意) / 有效回访：76.0%（7.6 / 10）"
    assert helps("en")["Composite score"] == "100 × (0.2 × response + 0.3 × solved + 0.5 × satisfaction)"
    assert helps("en")["Satisfaction rate"] == "(satisfied + 0.8 × fairly satisfied) / valid surveys: 76.0%（7.6 / 10）"


def test_a_category_filter_shows_as_a_chip_and_hides_what_it_cannot_filter(open_page, demo_raw):
    """After a click on 医疗保障 on 服务办理 (the sidebar's 事项大类 follows it), 总览 says the filter is on, leaves
    out 投入 and 活动场次 (not records: no 事项大类), and one click on the chip clears it."""
    at = open_page("app_pages/services.py")
    at.selectbox(key="f_category").select("03").run()     # what set_category does on a bar click
    at.switch_page(PAGE).run()
    assert not at.exception
    chip = at.button(key="chip_category")
    assert chip.label.startswith("事项大类：医疗保障")
    assert "只筛选服务记录：投入、活动场次和中心数不随之变化" in [c.value for c in at.caption]
    cards = shown_cards(at)
    assert "投入总额(万元)" not in cards and "活动场次" not in cards
    r = window(demo_raw["service_records"], "21", dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert cards["受理量"] == f"{int((r.item_code.str[:2] == '03').sum()):,}"
    chip.click().run()
    assert not [b for b in at.button if b.key == "chip_category"]
    assert shown_cards(at) == expected_cards(demo_raw, "21", dt.date(2022, 1, 1), dt.date(2022, 12, 31))
