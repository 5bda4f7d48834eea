"""Every named query (queries/*.sql) states its key in a `-- key:` line, and the key holds: run on a copy
of the demo database (with an import that quarantined rows, so that every query has
rows to show) under an administrator's and a county's scope, no two rows share the key; a `none (one row)`
query returns exactly one row; the one writing query adds exactly one row."""
from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest

from dangqun import alerts, db, ingest

KEY_LINE = re.compile(r"^-- key: (.+)$", re.M)
ONE_ROW, WRITES = "none (one row)", "none (writes)"
CENTER = "ZX210681001000"   # a town center of 东港市 with records in 2022
# (scope, region, start, end, category, channel, child_digits): the whole province's year read from the
# rollups; a county's odd window read from the records; a county's year split by 大类 and 渠道
CASES = {
    "admin_province": (None, "21", dt.date(2022, 1, 1), dt.date(2022, 12, 31), "", "", 4),
    "county_partial_months": ("210681000000", "210681", dt.date(2022, 3, 5), dt.date(2022, 11, 20), "", "", 9),
    "county_category_channel": ("210681000000", "210681", dt.date(2022, 1, 1), dt.date(2022, 12, 31),
                                "01", "窗口", 9),
}
# the imported record carries 诉求内容 (the demo has none), for the 热点 rule's texts
IMPORT = ("受理编号,中心编码,受理时间,受理渠道,事项编码,办理状态,服务对象,联系电话,诉求内容\r\n"
          f"T9100000001,{CENTER},2022/3/5 9:07,窗口,0101,已办结,张三丰,13812341234,路灯不亮\r\n"
          f"T9100000002,{CENTER},不是日期,窗口,0102,办理中,王五,13900002222,供暖不热\r\n"
          f"T9100000003,{CENTER},2022-03-07 10:00:00,窗口,0102,不知道,赵六,13900003333,\r\n")


def key_of(name: str) -> str:
    keys = KEY_LINE.findall((db.QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8"))
    assert len(keys) == 1, f"queries/{name}.sql states {len(keys)} keys"
    return keys[0].strip()


@pytest.fixture(scope="module")
def con(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "copy.duckdb"
    shutil.copy(demo_db, path)
    upload = path.with_name("records.csv")
    upload.write_text(IMPORT, encoding="utf-8")
    c = db.connect(path)
    (report,) = ingest.import_files(c, [upload])
    assert (report.imported, report.quarantined) == (1, 2)
    at = dt.datetime(2022, 6, 1, 9)  # within every case's window
    alerts.ensure(c, "2022-10")     # alert_list's month (params): the planted repeat resident's, with cases in 东港
    # imported boundaries (region_shapes): a city's (the province case's unit), 东港市's own and a town's
    square = '{"type":"Polygon","coordinates":[[[124,39.9],[124.1,39.9],[124.1,40],[124,40],[124,39.9]]]}'
    c.executemany("insert into boundaries values (?, ?, ?, ?, 'test.geojson', ?, 'dg')",
                  [(code, name, level, square, at) for code, name, level in (
                      ("210600000000", "丹东市", "county"), ("210681000000", "东港市", "county"),
                      ("210681107000", "长山镇", "town"))])
    yield c
    c.close()


def params(case: str, con, name: str = "") -> dict:
    scope, region, start, end, category, channel, child_digits = CASES[case]
    return {
        "region": region, "start": start, "end": end, "category": category, "channel": channel,
        "child_digits": child_digits, "center_id": CENTER, "id_prefix": "", "item_text": "",
        "limit": 1000, "offset": 0, "max_rows": 1000, "user_name": "dg", "action": "",
        "import_id": con.execute("select max(import_id) from import_log").fetchone()[0],
        "logged_at": dt.datetime(2022, 6, 1, 9), "target": "", "detail": "", "result": "ok",
        # 预警 (queries/alert_*.sql): the month before the window's end against the months before it
        "as_of": end, "base_start": dt.date(2021, 1, 1), "base_end": dt.date(2021, 12, 31), "digits": 9,
        "window_days": 90, "min_count": 2, "period": "2022-10", "alert_key": f"test|{case}", "rule": "backlog",
        "unit_code": region, "subject": "", "status": "已核实", "note": "", "updated_by": "dg",
        "updated_at": dt.datetime(2022, 6, 1, 9),
        "off_days": "2022-10-01,2022-10-02,2022-10-03",   # 24 小时服务's 节假日 (ab_*.sql): three of 国庆
        "run_key": con.execute("select run_key from alert_run where period = '2022-10'").fetchone()[0],
        # alert_cases: the month's stored alert with the most records behind it (alert_key above is the
        # written status's: a new key for each case)
        **({"alert_key": con.execute("select alert_key from alert_case where period = '2022-10' and "
                                     "region_code like $r || '%' group by 1 order by count(*) desc, 1 limit 1",
                                     {"r": region}).fetchone()[0]}
           if name == "alert_cases" else {}),
        # 热点诉求 (topic_*.sql): the month's biggest stored topic under the region, and its two heaviest words
        **_topic(con, region),
    }


def _topic(con, region: str) -> dict:
    row = con.execute("select topic_key, any_value(keywords) from topic_member where period = '2022-10' and "
                      "this_month and region_code like $r || '%' group by 1 order by count(*) desc, 1 limit 1",
                      {"r": region}).fetchone()
    return {"topic_key": row[0] if row else "", "words": row[1].split(" ")[:2] if row else ["—"]}


def test_every_query_file_states_a_key():
    names = db.query_names()
    assert sorted(p.stem for p in db.QUERIES_DIR.glob("*.sql")) == names
    assert all(key_of(name) for name in names)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("name", db.query_names())
def test_the_stated_key_is_unique(con, name, case):
    key, scope = key_of(name), CASES[case][0]
    if key == WRITES:
        table = re.search(r"\binsert (?:or replace )?into (\w+)", db.query_sql(name)).group(1)
        before = con.execute(f"select count(*) from {table}").fetchone()[0]
        db.run(con, name, params(case, con, name), scope=scope)
        assert con.execute(f"select count(*) from {table}").fetchone()[0] == before + 1
        return
    got = db.run(con, name, params(case, con, name), scope=scope)
    if key == ONE_ROW:
        assert len(got) == 1
        return
    columns = [c.strip() for c in key.split(",")]
    assert set(columns) <= set(got.columns), f"{name}: key {columns} not among {list(got.columns)}"
    assert len(got) > 0, f"{name} has no rows for {case}: its key is not tested"
    duplicated = got[got.duplicated(columns, keep=False)]
    assert duplicated.empty, f"{name}: rows sharing the key {columns}:\n{duplicated}"
