"""Scope enforcement (README 部署与安全): an official sees only the centers, records, funds, activities and
quarantine rows of the account's region — through the runner, the sidebar, a URL, the records page
and the administrators' pages."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dangqun import db, metrics
from dangqun.views import overview

# A scope that holds no data at all: a county of 吉林.
EMPTY_SCOPE = "220381000000"
# Queries that read no regional table (only catalog, import_log or the audit trail).
NOT_REGIONAL = {"category_options", "import_history", "audit_login_state", "audit_page", "audit_users"}
WRITES = {"audit_record", "alert_status_set"}
PARAMS = {"region": "21", "start": dt.date(2021, 1, 1), "end": dt.date(2022, 12, 31), "category": "",
          "channel": "", "as_of": None, "child_digits": 4, "center_id": "", "id_prefix": "", "item_text": "", "limit": 1000,
          "offset": 0, "max_rows": 1000, "import_id": 1, "user_name": "", "action": "",
          # 预警 (queries/alert_*.sql)
          "as_of": dt.date(2022, 12, 31), "base_start": dt.date(2021, 1, 1), "base_end": dt.date(2021, 12, 31),
          "digits": 9, "window_days": 90, "min_count": 2, "period": "2022-10",
          # alert_list and alert_cases: replaced by the demo's stored month, its key and an alert (stored_alerts)
          "run_key": "", "alert_key": "",
          # 24 小时服务's 节假日 (queries/ab_*.sql)
          "off_days": "2022-10-01,2022-10-02,2022-10-03",
          # 热点诉求 (queries/topic_*.sql): topic_records' topic is the demo's stored biggest (stored_alerts)
          "topic_key": "", "words": ["路灯", "不亮"]}
STORED = ("alert_list", "alert_cases", "topic_list", "topic_records")


def stored_alerts(con, name: str = "alert_list") -> dict:
    """alert_list's parameters for the month demo.build stored (its latest), every region; alert_cases'
    for the stored alert with the most records behind it."""
    period, key = con.execute("select period, run_key from alert_run").fetchone()
    if name == "alert_cases":
        alert = con.execute("select alert_key from alert_case group by 1 order by count(*) desc, 1 limit 1").fetchone()[0]
        return {"alert_key": alert, "run_key": key}
    if name == "topic_records":
        topic = con.execute("select topic_key from topic_member where this_month group by 1 "
                            "order by count(*) desc, 1 limit 1").fetchone()[0]
        return {"region": "21", "period": period, "run_key": key, "topic_key": topic}
    return {"region": "21", "period": period, "run_key": key}


@pytest.fixture(scope="module")
def regional_values(demo_con):
    """Every text that identifies something regional: center ids and names, record ids, region codes
    and names below the province."""
    values = set(demo_con.execute("select center_id from centers union all select center_name from centers "
                                  "union all select region_code from regions where level <> '省' "
                                  "union all select region_name from regions where level <> '省'").df().iloc[:, 0])
    return values


def test_every_query_with_parameters_is_covered():
    unknown = {(n, p) for n in db.query_names() if n not in WRITES for p in db.query_params(n) if p not in PARAMS}
    assert not unknown, f"give these parameters a value in PARAMS: {sorted(unknown)}"


@pytest.mark.parametrize("name", [n for n in db.query_names() if n not in WRITES])
def test_every_query_returns_nothing_regional_under_an_empty_scope(demo_con, regional_values, name):
    params = stored_alerts(demo_con, name) if name in STORED else {p: PARAMS[p] for p in db.query_params(name)}
    if name in STORED:     # there is something to hide: the month's stored alerts, an alert's records
        assert len(db.run(demo_con, name, params)) > 0
    out = db.run(demo_con, name, params, scope=EMPTY_SCOPE)
    if name in NOT_REGIONAL:
        return
    if name == "loaded_tables":   # regions, catalog and import_log are not regional; the rest is empty
        out = out[out.table_name.isin(db.SCOPED_TABLES)]
        assert len(out) == 4 and out.row_count.sum() == 0
        return
    for col in out.columns:
        values = out[col].dropna()
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            assert (values == 0).all(), f"{name}.{col} = {values.tolist()[:5]}"
        else:
            leaked = set(values.astype(str)) & regional_values
            assert not leaked, f"{name}.{col} leaks {sorted(leaked)[:5]}"


def test_stored_alerts_are_read_within_the_scope(demo_con):
    everything = db.run(demo_con, "alert_list", stored_alerts(demo_con))
    county = db.run(demo_con, "alert_list", stored_alerts(demo_con), scope="210681000000")
    assert len(county) > 0 and county["unit_code"].str.startswith("210681").all()
    assert sorted(county["alert_key"]) == sorted(everything.loc[everything["unit_code"].str.startswith("210681"),
                                                                "alert_key"])
    # 热点 of 诉求内容 are each a town's or a county's (dangqun.topics), read within the scope like the others
    assert "hotspot" in set(county["rule"]) and set(everything["rule"]) > set(county["rule"])
    # an alert's records: to an account whose scope holds its town, not to another county's
    params = stored_alerts(demo_con, "alert_cases")
    town = params["alert_key"].split("|")[1]
    assert len(db.run(demo_con, "alert_cases", params, scope=town[:6] + "000000")) > 0
    other = "211324000000" if not town.startswith("211324") else "210681000000"
    assert db.run(demo_con, "alert_cases", params, scope=other).empty


@pytest.mark.parametrize("name", ["kpi_summary", "monthly_trend", "funds_by_source", "brand_scorecard",
                                  "service_categories", "overdue_cases"])
def test_a_scoped_province_query_equals_the_county_query(demo_con, name):
    wanted = db.query_params(name)
    province = db.run(demo_con, name, {p: PARAMS[p] for p in wanted}, scope="210681000000")
    county = db.run(demo_con, name, {p: dict(PARAMS, region="210681")[p] for p in wanted})
    assert len(county) > 0
    pd.testing.assert_frame_equal(province, county)


# ── pages, one role at a time ──

ROLES = [("dandong", "210600000000", "县区"), ("donggang", "210681000000", "乡镇街道"),
         ("lizhou", "211324002000", "村社区")]


def kpi_values(demo_con, scope: str):
    """The 总览 cards of 2022 against 2021 computed from kpi_summary under `scope`."""
    from dangqun.regions import prefix

    params = {"region": prefix(scope), "start": dt.date(2022, 1, 1), "end": dt.date(2022, 12, 31),
              "category": "", "channel": "", "as_of": None}
    now = db.run(demo_con, "kpi_summary", params, scope=scope).iloc[0].to_dict()
    before = db.run(demo_con, "kpi_summary", dict(params, start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31)),
                    scope=scope).iloc[0].to_dict()
    return {c.label: c.value for c in overview.cards(now, before, "zh")}


@pytest.mark.parametrize("user, scope, first_level", ROLES)
def test_each_role_sees_only_its_regions_and_its_numbers(open_page, demo_con, user, scope, first_level):
    at = open_page("app_pages/overview.py", user=user)
    assert not at.exception
    region_boxes = [s for s in at.sidebar.selectbox if s.key in ("f_city", "f_county", "f_town", "f_village")]
    assert region_boxes[0].label == first_level
    options = [o for o in region_boxes[0].options if o != "全部"]
    children = demo_con.execute(
        "select region_name from regions where parent_code = ? and region_code in "
        "(select distinct rpad(left(c.region_code, l), 12, '0') from centers c, unnest([4, 6, 9, 12]) t(l)) "
        "order by region_code", [scope]).df().region_name.tolist()
    assert options == children
    shown = {m.label: m.value for m in at.metric}
    assert shown == kpi_values(demo_con, scope)
    nav = [link.label for link in at.sidebar.get("page_link")]
    assert "数据导入" not in nav and "审计日志" not in nav


def test_the_admin_sees_every_city_and_the_admin_pages(open_page):
    at = open_page("app_pages/overview.py")
    assert at.sidebar.selectbox(key="f_city").options == ["全部", "大连市", "抚顺市", "丹东市", "铁岭市", "朝阳市"]
    nav = [link.label for link in at.sidebar.get("page_link")]
    assert nav[-3:] == ["数据导入", "审计日志", "账号管理"]


@pytest.mark.parametrize("user, query", [
    ("donggang", {"county": "210682000000"}),                       # 凤城市, the neighbour
    ("donggang", {"city": "210600000000", "county": "210682000000"}),
    ("donggang", {"town": "211324002000"}),                         # a town of 喀左
    ("dandong", {"city": "211300000000"}),
    ("dandong", {"city": "210600000000", "county": "211324000000"}),
    ("lizhou", {"village": "210681107201"}),
])
@pytest.mark.parametrize("page", ["app_pages/overview.py", "app_pages/funds.py", "app_pages/records.py"])
def test_an_out_of_scope_link_is_refused_without_data(open_page, user, query, page):
    at = open_page(page, user=user, **query)
    assert not at.exception
    assert [e.value for e in at.error] == ["无权查看该区域"]
    assert len(at.metric) == 0 and len(at.dataframe) == 0 and len(at.get("plotly_chart")) == 0
    assert at.sidebar.selectbox.len == 0


def test_a_link_with_the_scope_above_it_is_accepted(open_page):
    at = open_page("app_pages/overview.py", user="donggang", city="210600000000", county="210681000000", town="210681107000")
    assert not at.exception and len(at.error) == 0 and len(at.warning) == 0
    assert at.sidebar.selectbox(key="f_town").value == "210681107000"


@pytest.mark.parametrize("page", ["app_pages/data_import.py", "app_pages/audit.py"])
def test_administrators_pages_refuse_everyone_else(open_page, page):
    at = open_page(page, user="dandong")
    assert [e.value for e in at.error] == ["无权使用该页面"]
    assert len(at.dataframe) == 0 and at.get("file_uploader") == []


def test_the_records_page_shows_only_the_scope(open_page, demo_con):
    at = open_page("app_pages/records.py", user="lizhou")
    shown = at.dataframe[0].value
    centers = set(demo_con.execute("select center_name from centers where region_code like '211324002%'").df().center_name)
    assert len(shown) > 0 and set(shown["中心"]) <= centers
    total = demo_con.execute("select count(*) from service_records join centers using (center_id) "
                             "where region_code like '211324002%' and received_at >= '2022-01-01' "
                             "and received_at < '2023-01-01'").fetchone()[0]
    assert f"共 {metrics.fmt_int(total)} 条" in [m.value.strip("*") for m in at.markdown]


def test_a_center_outside_the_scope_is_not_shown_on_the_records_page(open_page, demo_con):
    at = open_page("app_pages/overview.py", user="lizhou")
    outside = demo_con.execute("select center_id from centers where region_code like '210681%' limit 1").fetchone()[0]
    at.session_state["records_center"] = outside
    at.switch_page("app_pages/records.py").run()
    assert f"只看中心：{outside}" in [i.value for i in at.info]   # no name: the center is unknown here
    assert "共 0 条" in [m.value.strip("*") for m in at.markdown]
    assert len(at.dataframe) == 0
