"""总览 (app.py): KPI cards against an independent pandas computation, URL parameters, drilling."""
import datetime as dt

import duckdb
import pandas as pd
import pytest

from dangqun import kpis, metrics


@pytest.fixture(scope="module")
def raw(demo_db):
    """The demo's raw tables as pandas frames, for computing the page's numbers independently."""
    con = duckdb.connect(str(demo_db), read_only=True)
    frames = {t: con.execute(f"select * from {t}").df()
              for t in ("service_records", "centers", "funds", "activities")}
    con.close()
    return frames


def expected_cards(raw, prefix, start, end):
    centers = raw["centers"][raw["centers"].region_code.str.startswith(prefix)]
    r = raw["service_records"].merge(centers[["center_id"]], on="center_id")
    r = r[(r.received_at >= pd.Timestamp(start)) & (r.received_at < pd.Timestamp(end) + pd.Timedelta(days=1))]
    closed = r[r.status == "已办结"]
    on_time = (closed.closed_at.dt.normalize() <= pd.to_datetime(closed.due_on)).sum()
    valid = r[r.survey_valid.fillna(False).astype(bool) & r.in_assessment.fillna(False).astype(bool)]
    sat = (valid.satisfaction == "满意").sum() + 0.9 * (valid.satisfaction == "基本满意").sum()
    response = valid.contacted.fillna(False).astype(bool).sum() / len(valid)
    solve = valid.solved.fillna(False).astype(bool).sum() / len(valid)
    satisfaction = sat / len(valid)
    funds = raw["funds"].merge(centers[["center_id"]], on="center_id")
    funds = funds[funds.fiscal_year.between(start.year, end.year)]
    acts = raw["activities"].merge(centers[["center_id"]], on="center_id")
    acts = acts[(acts.activity_date >= pd.Timestamp(start)) & (acts.activity_date <= pd.Timestamp(end))]
    opened = centers[centers.opened_on.isna() | (centers.opened_on <= pd.Timestamp(end))]
    return {
        "受理量": f"{len(r):,}",
        "办结率": metrics.fmt_pct(len(closed) / len(r)),
        "按期办结率": metrics.fmt_pct(on_time / len(closed)),
        "满意率": metrics.fmt_pct(satisfaction),
        "综合成绩": metrics.fmt_score(100 * (0.1 * response + 0.5 * solve + 0.4 * satisfaction)),
        "投入总额(万元)": metrics.fmt_wan(funds.amount_wan.astype(float).sum()),
        "中心数": f"{len(opened):,}",
        "活动场次": f"{len(acts):,}",
    }


def shown_cards(at):
    return {m.label: m.value for m in at.metric}


def test_defaults_show_the_province_for_this_year(open_page, raw):
    at = open_page()
    assert not at.exception
    assert shown_cards(at) == expected_cards(raw, "21", dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert "**辽宁省 · 2022年**" in [m.value for m in at.markdown]


def test_a_county_link_sets_the_filters_and_the_cards(open_page, raw):
    at = open_page(city="210600000000", county="210681000000", start="2022-01-01", end="2022-06-30")
    assert not at.exception
    assert at.selectbox(key="f_city").value == "210600000000"
    assert at.selectbox(key="f_county").value == "210681000000"
    assert at.selectbox(key="f_period").value == "custom"
    assert shown_cards(at) == expected_cards(raw, "210681", dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    assert "**丹东市 › 东港市 · 2022年1–6月**" in [m.value for m in at.markdown]


def test_deltas_compare_with_the_same_window_last_year(open_page, demo_db):
    at = open_page(county="210681000000")
    con = duckdb.connect(str(demo_db), read_only=True)
    now, before = (con.execute(
        "select count(*) from service_records join centers using (center_id) "
        "where region_code like '210681%' and year(received_at) = $y", {"y": y}).fetchone()[0] for y in (2022, 2021))
    con.close()
    card = next(m for m in at.metric if m.label == "受理量")
    sign = "+" if now >= before else ""
    assert card.delta == sign + metrics.fmt_pct((now - before) / before)


def test_choosing_a_county_in_the_sidebar_resets_the_levels_below(open_page):
    at = open_page(city="210600000000", county="210681000000", town="210681107000")
    at.selectbox(key="f_county").set_value("210682000000").run()
    assert not at.exception
    assert at.selectbox(key="f_county").value == "210682000000"
    assert at.selectbox(key="f_town").value == ""
    assert at.query_params["county"] == "210682000000"
    assert "town" not in at.query_params


def test_hostile_url_values_fall_back_with_a_notice(open_page):
    at = open_page(city="'; drop table centers; --", start="2022-02-30", cat="<script>")
    assert not at.exception
    notices = [w.value for w in at.warning]
    assert notices == ["链接中的参数无效，已恢复默认: city='; drop table centers; --",
                       "链接中的参数无效，已恢复默认: start=2022-02-30, end=",
                       "链接中的参数无效，已恢复默认: cat=<script>"]
    assert shown_cards(at)["受理量"] != "0"


def test_english_interface(open_page):
    at = open_page(lang="en", county="211324000000")
    assert not at.exception
    assert sorted(m.label for m in at.metric) == sorted([
        "Cases received", "Closure rate", "On-time closure rate", "Satisfaction rate", "Composite score",
        "Total funds (10k yuan)", "Centers", "Activities"])
    assert at.title[0].value == "Overview"


def test_a_village_without_records_in_the_window_shows_zero_and_dashes(open_page, demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    # a village with a center but no record on 2022-12-25 (a Sunday)
    village = con.execute("""
        select c.region_code from centers c
        where c.region_code like '210681%' and right(c.region_code, 3) <> '000'
          and not exists (select 1 from service_records s join centers c2 using (center_id)
                          where c2.region_code = c.region_code and s.received_at::date = date '2022-12-25')
        order by 1 limit 1""").fetchone()[0]
    con.close()
    at = open_page(village=village, start="2022-12-25", end="2022-12-25")
    assert not at.exception
    cards = shown_cards(at)
    assert (cards["受理量"], cards["办结率"], cards["满意率"], cards["综合成绩"]) == ("0", "—", "—", "—")
    assert "该范围内没有数据" in [i.value for i in at.info]


def test_kpi_cards_show_dash_for_empty_denominators():
    empty = dict(received=0, closed=0, closed_on_time=0, overdue=0, valid=0, contacted=0, solved=0,
                 satisfied=0, basic=0, proxy=0, proactive=0, funds_wan=0, centers=3, activities=0)
    cards = {c.label: c for c in kpis.cards(empty, None)}
    assert (cards["办结率"].value, cards["满意率"].value, cards["综合成绩"].value) == ("—", "—", "—")
    assert cards["受理量"].delta is None
