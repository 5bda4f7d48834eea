"""The demo database reproduces the report's figures and looks like real life.

Each figure is asked the way an official would ask it: centers joined to their region by code
prefix, numbers computed here with SQL rather than taken from the generator.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys

import duckdb
import pytest

from dangqun import db, demo, workdays

RATE_SQL = """
    sum(case satisfaction when '满意' then 1 when '基本满意' then 0.9 else 0 end) / count(*) as satisfaction,
    sum(case when contacted then 1 else 0 end) / count(*) as response,
    sum(case when solved then 1 else 0 end) / count(*) as solved
"""


@pytest.fixture(scope="module")
def con(demo_db):
    c = duckdb.connect(str(demo_db), read_only=True)
    yield c
    c.close()


def one(con, sql, **params):
    return con.execute(sql, params).fetchone()[0]


def near(value, target, tolerance=0.03):
    return abs(float(value) - target) <= tolerance * target


# --- 丹东 -----------------------------------------------------------------------------------------
def test_dandong_has_77_village_centers_24_built(con):
    n, built = con.execute("""
        select count(*), count(*) filter (where c.build_type in ('新建', '改扩建'))
        from centers c join regions r on r.region_code = c.region_code
        where c.region_code like '2106%' and c.center_type = '村级党群服务中心'
    """).fetchone()
    assert (n, built) == (77, 24)


def test_dandong_funds_about_2500_wan(con):
    total = one(con, """select sum(f.amount_wan) from funds f join centers c using (center_id)
                        where c.region_code like '2106%'""")
    assert near(total, 2500)


def test_dandong_fund_projects_have_realistic_sizes(con):
    rows = con.execute("""
        select f.purpose, min(f.amount_wan), max(f.amount_wan)
        from funds f join centers c using (center_id) where c.region_code like '2106%' group by all
    """).fetchall()
    bounds = {"新建": (80, 300), "改扩建": (30, 100)}
    for purpose, low, high in rows:
        lo, hi = bounds.get(purpose, (5, 35))
        assert lo <= low and high <= hi, purpose
    missing = one(con, """
        select count(*) from centers c where c.region_code like '2106%' and c.center_type = '村级党群服务中心'
          and c.build_type in ('新建', '改扩建')
          and not exists (select 1 from funds f where f.center_id = c.center_id and f.purpose = c.build_type)
    """)
    assert missing == 0
    depts = {r[0] for r in con.execute(
        "select distinct source_dept from funds where fund_source = '整合项目资金'").fetchall()}
    assert depts <= {"发改局", "住建局", "民政局"} and depts


# --- 东港 -----------------------------------------------------------------------------------------
def test_donggang_handles_about_37000_a_year(con):
    received, closed = con.execute("""
        select count(*), count(*) filter (where r.status = '已办结')
        from service_records r join centers c using (center_id)
        where c.region_code like '210681%' and r.received_at >= '2022-01-01' and r.received_at < '2023-01-01'
    """).fetchone()
    assert near(received, 37000) and near(closed, 37000)


def test_donggang_has_206_villages_and_communities(con):
    assert one(con, "select count(*) from regions where region_code like '210681%' and level = '村社区'") == 206
    names = {r[0] for r in con.execute(
        "select region_name from regions where parent_code = '210681107000'").fetchall()}
    assert {"卧龙村", "大顶子村"} <= names


# --- 喀左 -----------------------------------------------------------------------------------------
def test_kazuo_14_communities_each_with_a_brand(con):
    n_regions = one(con, "select count(*) from regions where region_code like '211324%' "
                         "and level = '村社区' and region_name like '%社区'")
    rows = con.execute("""
        select r.region_name, c.brand_name, c.brand_category from centers c join regions r using (region_code)
        where c.region_code like '211324%' and c.center_type = '社区党群服务中心'
    """).fetchall()
    assert n_regions == 14 and len(rows) == 14
    assert all(b and cat for _, b, cat in rows)
    assert len({b for _, b, _ in rows}) == 14


def _community(con, name):
    return con.execute("""
        select c.* from centers c join regions r using (region_code)
        where c.region_code like '211324%' and r.region_name = $n and c.center_type = '社区党群服务中心'
    """, {"n": name}).fetchdf().iloc[0]


def test_kazuo_xinhua(con):
    c = _community(con, "新华社区")
    assert c.brand_name == "功能型网格党支部" and c.functional_branches == 5
    assert c.region_code.startswith("211324002")


def test_kazuo_guta(con):
    c = _community(con, "古塔社区")
    assert c.brand_name == "雷锋志愿服务社区" and c.volunteer_teams == 8
    assert c.region_code.startswith("211324002")
    acts = one(con, "select count(*) from activities where center_id = $c and activity_type = '志愿服务'",
               c=c.center_id)
    assert acts >= 1000
    windows = one(con, """select count(*) from funds where center_id = $c and amount_wan = 2.20
                          and purpose = '宣传阵地'""", c=c.center_id)
    assert windows == 1


def test_kazuo_shuangqiao(con):
    c = _community(con, "双桥社区")
    assert c.brand_name == "红色网格堡垒"
    assert one(con, "select count(*) from service_records where center_id = $c", c=c.center_id) >= 300


def test_kazuo_aomulun(con):
    c = _community(con, "敖木伦社区")
    assert c.brand_name == "暖心服务"
    hardships, disputes = con.execute("""
        select count(*) filter (where item_code like '05%'), count(*) filter (where item_code = '1101')
        from service_records where center_id = $c and status = '已办结'
    """, {"c": c.center_id}).fetchone()
    assert hardships >= 130 and disputes >= 150


# --- 望花 -----------------------------------------------------------------------------------------
def test_wanghua_172_stations_cover_6_streets_70_communities(con):
    n, streets, communities, parented = con.execute("""
        select count(*), count(distinct r.parent_code), count(distinct s.region_code),
               count(p.center_id)
        from centers s join regions r on r.region_code = s.region_code
        left join centers p on p.center_id = s.parent_center_id and p.center_type = '社区党群服务中心'
                             and p.region_code like '210404%'
        where s.region_code like '210404%' and s.center_type = '家庭代办站'
    """).fetchone()
    assert (n, streets, communities, parented) == (172, 6, 70, 172)
    levels = {r[0] for r in con.execute("""
        select distinct t.region_name from centers s join regions r on r.region_code = s.region_code
        join regions t on t.region_code = r.parent_code where s.center_type = '家庭代办站'""").fetchall()}
    assert all(name.endswith("街道") for name in levels)


def test_wanghua_disputes_and_proxy_items(con):
    disputes, proxy = con.execute("""
        select count(*) filter (where r.item_code = '1101' and r.status = '已办结'), count(*) filter (where r.is_proxy)
        from service_records r join centers c using (center_id) where c.region_code like '210404%'
    """).fetchone()
    assert disputes >= 1872 and near(disputes, 1900)
    assert proxy >= 100_000


# --- 西岗 / 开原 -------------------------------------------------------------------------------------
def test_xigang_health_packs_and_home_checks(con):
    packs = one(con, """select count(*) from service_records r join centers c using (center_id)
                        where c.region_code like '210203%' and r.item_code = '0601'""")
    checks = one(con, """select count(*) from service_records r join centers c using (center_id)
                         where c.region_code like '210203010%' and r.item_code = '0602'
                           and r.group_tag = '老年人' and r.channel = '上门'""")
    assert packs == 2000 and 100 <= checks <= 1000
    assert one(con, "select bool_and(has_ab_post) from centers where region_code like '210203%'")


def test_kaiyuan_xiaoge_hospital_20_measures(con):
    rows = con.execute("""
        select c.center_id, c.region_code from centers c
        where c.region_code like '211282%' and c.center_type = '新就业群体驿站' and c.center_name like '%小哥医院%'
    """).fetchall()
    assert len(rows) == 1
    assert one(con, "select level from regions where region_code = $r", r=rows[0][1]) == '乡镇街道'
    items = one(con, """select count(distinct item_code) from service_records
                        where center_id = $c and group_tag = '新就业群体'""", c=rows[0][0])
    assert items == 20


# --- shape and texture ----------------------------------------------------------------------------
def test_regions_dictionary_shape(con):
    assert one(con, "select count(*) from regions where not regexp_full_match(region_code, '\\d{12}')") == 0
    assert one(con, """select count(*) from regions r where r.parent_code is not null
                       and not exists (select 1 from regions p where p.region_code = r.parent_code)""") == 0
    levels = dict(con.execute("select level, count(*) from regions group by all").fetchall())
    assert levels["省"] == 1 and levels["市"] == 14 and set(levels) == {"省", "市", "县", "乡镇街道", "村社区"}
    assert one(con, """select count(*) from regions r join regions p on p.region_code = r.parent_code
                       where (r.level, p.level) not in (('市', '省'), ('县', '市'), ('乡镇街道', '县'), ('村社区', '乡镇街道'))""") == 0
    dupes = one(con, "select count(*) from (select parent_code, region_name from regions group by all having count(*) > 1)")
    assert dupes == 0
    bad_codes = one(con, """select count(*) from regions where level = '村社区' and not (
        (region_name like '%社区' and right(region_code, 3) between '001' and '199') or
        (region_name like '%村' and right(region_code, 3) between '201' and '399'))""")
    assert bad_codes == 0
    assert one(con, "select count(*) from centers c where not exists "
                    "(select 1 from regions r where r.region_code = c.region_code)") == 0


def test_workflow_order(con):
    violations = one(con, """select count(*) from service_records where dispatched_at < received_at
        or accepted_at < dispatched_at or closed_at < accepted_at or replied_at < accepted_at""")
    assert violations == 0
    assert one(con, "select count(*) from service_records where status = '已办结' and closed_at is null") == 0
    late_open = one(con, "select min(received_at) from service_records where status in ('待受理', '办理中', '延期')")
    assert str(late_open) >= "2022-11-01"


def test_due_on_follows_working_days(con):
    df = con.execute("""select received_at, promised_days, due_on from service_records
                        using sample 2000 rows (reservoir, 7)""").fetchdf()
    expected = workdays.due_dates(df.received_at.to_numpy().astype("datetime64[D]"), df.promised_days.to_numpy())
    assert (expected == df.due_on.to_numpy().astype("datetime64[D]")).all()


def test_a_few_percent_closed_late(con):
    late = one(con, """select count(*) filter (where closed_at::date > due_on) / count(*)
                       from service_records where status = '已办结'""")
    assert 0.01 <= late <= 0.06


def test_satisfaction_overall_high_with_weak_towns(con):
    overall = one(con, f"select satisfaction from (select {RATE_SQL} from service_records "
                       "where survey_valid and in_assessment)")
    assert 0.90 <= overall <= 0.98
    worst = con.execute(f"""
        select least(satisfaction, response, solved) from (
            select {RATE_SQL} from service_records r join centers c using (center_id)
            where survey_valid and in_assessment group by left(c.region_code, 9) having count(*) >= 100)
        order by 1 limit 1""").fetchone()[0]
    assert worst < 0.70


def test_seasons_and_weekends(con):
    by_month = dict(con.execute("""select month(received_at), count(*) from service_records
                                   where item_code like '02%' or item_code like '03%' group by all""").fetchall())
    assert by_month[12] > 1.5 * by_month[6]
    farm = dict(con.execute("""select month(received_at), count(*) from service_records
                               where item_code like '09%' group by all""").fetchall())
    assert farm[4] > 2 * farm[12]
    dow = dict(con.execute("select dayofweek(received_at), count(*) from service_records group by all").fetchall())
    assert dow[0] < 0.5 * dow[3]   # Sunday vs Wednesday
    daily = con.execute("select received_at::date, count(*) from service_records group by 1").fetchall()
    holiday = [n for d, n in daily if d.weekday() < 5 and not workdays.is_workday(d)]
    working = [n for d, n in daily if workdays.is_workday(d)]
    assert holiday and sum(holiday) / len(holiday) < 0.3 * sum(working) / len(working)


def test_personal_fields_masked(con):
    names = con.execute("""select count(*) filter (where not regexp_full_match(resident_name, '.\\*+')),
                                  count(*) filter (where not regexp_full_match(handler, '.\\*+')),
                                  count(*) filter (where not regexp_full_match(phone, '1\\d\\d\\*{4}\\d{4}')),
                                  count(*) filter (where not regexp_full_match(resident_hash, '[0-9a-f]{16}'))
                           from service_records""").fetchone()
    assert names == (0, 0, 0, 0)
    repeat = one(con, "select count(*) from (select resident_hash from service_records group by 1 having count(*) > 1)")
    assert repeat > 1000


def test_records_reference_centers_and_catalog(con):
    assert one(con, "select count(*) from service_records r anti join centers c using (center_id)") == 0
    assert one(con, "select count(*) from service_records r anti join catalog c using (item_code)") == 0
    assert one(con, "select count(*) - count(distinct record_id) from service_records") == 0
    types = {r[0] for r in con.execute("select distinct activity_type from activities").fetchall()}
    from dangqun import contract
    assert types == set(contract.ACTIVITY_TYPES)


def _fingerprint(path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as c:
        out = {}
        for table in ("regions", "centers", "service_records", "funds", "activities"):
            rows = c.execute(f"select sum(hash(t)) , count(*) from {table} t").fetchone()
            out[table] = hashlib.sha1(repr(rows).encode()).hexdigest()
        return out


def test_same_seed_same_database(demo_db, tmp_path):
    again = tmp_path / "again.duckdb"
    demo.build(again)
    assert _fingerprint(again) == _fingerprint(demo_db)
    with db.opened(again, read_only=True) as c:
        assert db.get_meta(c, "demo") == "true" and db.get_meta(c, "seed") == str(demo.DEFAULT_SEED)


def test_cli_records_option(tmp_path):
    path = tmp_path / "small.duckdb"
    out = subprocess.run([sys.executable, "-m", "dangqun", "demo", "--db", str(path), "--records", "50000"],
                         capture_output=True, text=True, cwd=db.ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    with duckdb.connect(str(path), read_only=True) as c:
        assert c.execute("select count(*) from service_records").fetchone()[0] == 50_000
    assert not list(tmp_path.glob("*.building*"))


def test_five_years_2018_to_2022(tmp_path):
    """years=5 (the page bench's province from 50M records): `records` spread over 2018–2022, each county's
    earlier years a little below its 2021, no record or activity at a center before it opened, funds every year."""
    path = tmp_path / "five.duckdb"
    counts = demo.build(path, records=200_000, years=5)
    assert counts["service_records"] == 200_000
    with duckdb.connect(str(path), read_only=True) as c:
        per_year = dict(c.execute("select year(received_at), count(*) from service_records group by 1").fetchall())
        assert sorted(per_year) == [2018, 2019, 2020, 2021, 2022] and sum(per_year.values()) == 200_000
        assert all(0.8 * per_year[2021] <= per_year[y] <= per_year[2021] for y in (2018, 2019, 2020))
        assert one(c, "select count(*) from service_records r join centers c using (center_id) "
                      "where r.received_at::date < c.opened_on") == 0
        assert one(c, "select count(*) from activities a join centers c using (center_id) "
                      "where a.activity_date < c.opened_on") == 0
        assert one(c, "select count(*) - count(distinct record_id) from service_records") == 0
        funds = dict(c.execute("select fiscal_year, count(*) from funds group by 1").fetchall())
        assert sorted(funds) == [2018, 2019, 2020, 2021, 2022] and min(funds.values()) > 100
        acts = {r[0] for r in c.execute("select distinct year(activity_date) from activities").fetchall()}
        assert acts == {2018, 2019, 2020, 2021, 2022}
        # open cases only at the snapshot's end, as in two years
        first_open = one(c, "select min(received_at) from service_records where status in ('待受理', '办理中', '延期')")
        assert str(first_open) >= "2022-11-01"
    with pytest.raises(ValueError):
        demo.build(tmp_path / "one.duckdb", records=1000, years=1)
