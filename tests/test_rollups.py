"""The rollups (dangqun/sql/rollups.sql) give exactly the raw records' counts: through record_counts and
category_channel_counts for whole-month windows in several scopes, and after an import that adds records
and moves others."""
from __future__ import annotations

import datetime as dt
import re
import shutil

import pandas as pd
import pytest

from dangqun import db, ingest, rollups
from dangqun.bench import imports as bench

MEASURES = ["received", "closed", "closed_on_time", "overdue", "valid", "contacted", "solved", "satisfied",
            "basic", "unsatisfied", "proxy", "proactive"]
KEYS = ["center_id", "month", "category_code", "channel"]

# independent of the macros: the per-record flags of filtered_records, counted directly
RAW_COUNTS = """
       count(*) as received, count_if(is_closed) as closed, count_if(is_on_time) as closed_on_time,
       count_if(is_overdue) as overdue, count_if(is_valid) as valid, count_if(is_contacted) as contacted,
       count_if(is_solved) as solved, count_if(is_satisfied) as satisfied, count_if(is_basic) as basic,
       count_if(is_unsatisfied) as unsatisfied, count_if(is_proxy_case) as proxy, count_if(is_proactive) as proactive
from filtered_records($region, $start, $end, $category, $channel)
group by all
"""
SUMMED = ", ".join(f"sum({m})::bigint as {m}" for m in MEASURES)

RAW = ("select center_id, date_trunc('month', received_at)::date as month, left(item_code, 2) as category_code, "
       "channel," + RAW_COUNTS)
FROM_ROLLUP = (f"select {', '.join(KEYS)}, {SUMMED} "
               "from category_channel_counts($region, $start, $end, $category, $channel) group by all")

# record_counts has no 大类/渠道 columns: per center and month, with the 不满意原因 of the 不满意 answers
TOTAL_KEYS = ["center_id", "month", "unsatisfied_reason"]
TOTAL_RAW = ("select center_id, date_trunc('month', received_at)::date as month, "
             "case when is_unsatisfied then dissatisfaction_reason end as unsatisfied_reason," + RAW_COUNTS)
TOTAL_FROM_ROLLUP = (f"select {', '.join(TOTAL_KEYS)}, {SUMMED} "
                     "from record_counts($region, $start, $end, $category, $channel) group by all")

def _village(con) -> str:
    return con.execute("select min(region_code) from centers where region_code not like '%000'").fetchone()[0]


def _frame(con, sql: str, params: dict, keys: list[str] = KEYS) -> pd.DataFrame:
    df = con.execute(sql, params).df()
    df = df.fillna({k: "" for k in keys if k != "month"})
    return df.sort_values(keys).reset_index(drop=True)[keys + MEASURES].astype({m: "int64" for m in MEASURES})


WINDOWS = [(dt.date(2022, 1, 1), dt.date(2022, 12, 31)), (dt.date(2022, 10, 1), dt.date(2022, 12, 31)),
           (dt.date(2021, 3, 1), dt.date(2021, 3, 31))]


@pytest.mark.parametrize("start,end", WINDOWS)
@pytest.mark.parametrize("scope", ["province", "county_category_channel", "village"])
def test_rollup_reproduces_the_records(demo_con, scope, start, end):
    region, category, channel = {"province": ("21", "", ""),
                                 "county_category_channel": ("210681", "01", "窗口"),
                                 "village": (_village(demo_con), "", "")}[scope]
    params = {"region": region, "start": start, "end": end, "category": category, "channel": channel}
    raw = _frame(demo_con, RAW, params)
    rolled = _frame(demo_con, FROM_ROLLUP, params)
    assert len(raw) > 0
    pd.testing.assert_frame_equal(rolled, raw)


@pytest.mark.parametrize("start,end", WINDOWS + [(dt.date(2022, 3, 5), dt.date(2022, 11, 20))])
@pytest.mark.parametrize("scope", ["province", "county_category", "county_channel", "village"])
def test_record_counts_reproduce_the_records(demo_con, scope, start, end):
    region, category, channel = {"province": ("21", "", ""),
                                 "county_category": ("210681", "01", ""),
                                 "county_channel": ("210681", "", "窗口"),
                                 "village": (_village(demo_con), "", "")}[scope]
    params = {"region": region, "start": start, "end": end, "category": category, "channel": channel}
    raw = _frame(demo_con, TOTAL_RAW, params, TOTAL_KEYS)
    assert len(raw) > 0 and (scope != "province" or raw.unsatisfied_reason.ne("").any())
    pd.testing.assert_frame_equal(_frame(demo_con, TOTAL_FROM_ROLLUP, params, TOTAL_KEYS), raw)


# independent of item_counts / group_counts / late_records: the records' own flags, counted directly
BY_ITEM_RAW = """
select center_id, month, item_code,
       count(*) as received, count_if(is_closed) as closed, count_if(is_overdue) as overdue
from filtered_records($region, $start, $end, $category, $channel) group by all
"""
BY_GROUP_RAW = """
select center_id, month, category_code, group_tag,
       count(*) as received, count_if(is_closed) as closed, count_if(is_proxy_case) as proxy
from filtered_records($region, $start, $end, $category, $channel) group by all
"""
LATE_RAW = """
select record_id, center_id, region_code, center_name, item_code, received_at, due_on, closed_at, status
from filtered_records($region, $start, $end, $category, $channel) where is_overdue
"""


def _summed(con, sql: str, keys: list[str], measures: list[str], params: dict) -> pd.DataFrame:
    df = con.execute(f"select {', '.join(keys)}, {', '.join(f'sum({m})::bigint as {m}' for m in measures)} "
                     f"from ({sql}) group by all", params).df()
    return df.fillna({k: "" for k in keys if k != "month"}).sort_values(keys).reset_index(drop=True)


@pytest.mark.parametrize("start,end", WINDOWS + [(dt.date(2022, 3, 5), dt.date(2022, 11, 20))])
@pytest.mark.parametrize("scope", ["province", "county_category", "county_category_channel", "village"])
def test_item_group_and_late_rollups_reproduce_the_records(demo_con, scope, start, end):
    region, category, channel = {"province": ("21", "", ""),
                                 "county_category": ("210681", "01", ""),
                                 "county_category_channel": ("210681", "01", "窗口"),
                                 "village": (_village(demo_con), "", "")}[scope]
    params = {"region": region, "start": start, "end": end, "category": category, "channel": channel}
    item_keys = ["center_id", "month", "item_code"]
    items = _summed(demo_con, "select * from item_counts($region, $start, $end, $category, $channel)",
                    item_keys, ["received", "closed", "overdue"], params)
    want = _summed(demo_con, BY_ITEM_RAW, item_keys, ["received", "closed", "overdue"], params)
    assert len(want) > 0
    pd.testing.assert_frame_equal(items, want, check_dtype=False)

    group_keys = ["center_id", "month", "category_code", "group_tag"]
    groups = _summed(demo_con, "select * from group_counts($region, $start, $end, $category, $channel)",
                     group_keys, ["received", "closed", "proxy"], params)
    want = _summed(demo_con, BY_GROUP_RAW, group_keys, ["received", "closed", "proxy"], params)
    pd.testing.assert_frame_equal(groups, want, check_dtype=False)

    cols = ["record_id", "center_id", "region_code", "center_name", "item_code", "received_at", "due_on",
            "closed_at", "status"]
    late = demo_con.execute(f"select {', '.join(cols)} from late_records($region, $start, $end, $category, $channel)",
                            params).df().sort_values("record_id").reset_index(drop=True)
    want = demo_con.execute(LATE_RAW, params).df().sort_values("record_id").reset_index(drop=True)
    assert len(want) > 0 or scope != "province"  # a village or a narrow filter may have no late case
    pd.testing.assert_frame_equal(late, want, check_dtype=False)


def _plan(con, sql: str, start: dt.date, category: str = "") -> str:
    return con.execute("explain " + sql, {"region": "21", "start": start, "end": dt.date(2022, 12, 31),
                                          "category": category, "channel": ""}).fetchall()[0][1]


def test_the_counts_read_the_rollups_for_whole_months_only(demo_con):
    whole = _plan(demo_con, FROM_ROLLUP, dt.date(2022, 1, 1))
    part = _plan(demo_con, FROM_ROLLUP, dt.date(2022, 1, 2))
    assert "rollup_center_month" in whole and "service_records" not in whole
    assert "service_records" in part and "rollup_center_month" not in part

    total = _plan(demo_con, TOTAL_FROM_ROLLUP, dt.date(2022, 1, 1))
    by_category = _plan(demo_con, TOTAL_FROM_ROLLUP, dt.date(2022, 1, 1), "01")
    part = _plan(demo_con, TOTAL_FROM_ROLLUP, dt.date(2022, 1, 2))
    assert "rollup_center_month_total" in total and "service_records" not in total
    assert "rollup_center_month_total" not in by_category and "rollup_center_month" in by_category
    assert "service_records" in part and "rollup_center_month" not in part


def test_a_scoped_cursor_sees_only_its_centers_rollups(demo_con):
    cur = db.scoped_cursor(demo_con, "210681000000")
    try:
        outside = cur.execute("select count(*) from rollup_center_month u join main.centers c using (center_id) "
                              "where c.region_code not like '210681%'").fetchone()[0]
        inside = cur.execute("select count(*) from rollup_center_month").fetchone()[0]
    finally:
        cur.close()
    assert outside == 0 and inside > 0


def _whole_rollup_matches_records(con) -> None:
    """Every rollup table equals its refresh statement run over all the records now."""
    con.execute("create or replace temp table rollup_touched as select distinct center_id, month from flagged_records()")
    for table in rollups.TABLES:
        stored = con.execute(f"select * from {table}").df()
        insert = rollups.refresh_sql(table)
        fresh = con.execute(insert[insert.index("\nselect"):]).df()   # the statement without its insert
        cols = list(stored.columns)
        norm = lambda df: df[cols].sort_values(cols, na_position="first").reset_index(drop=True)  # noqa: E731
        assert len(stored) > 0, table
        pd.testing.assert_frame_equal(norm(stored), norm(fresh), check_dtype=False, obj=table)


def test_an_import_refreshes_the_rollups(scratch_con, tmp_path):
    con = scratch_con
    centers = [r[0] for r in con.execute("select center_id from centers order by 1").fetchall()]
    before = con.execute("select sum(received) from rollup_center_month").fetchone()[0]
    new = tmp_path / "new.csv"
    bench.write_csv(bench.records_table(3_000, centers, seed=3), new)
    (report,) = ingest.import_files(con, [new])
    assert report.imported == 3_000
    assert con.execute("select sum(received) from rollup_center_month").fetchone()[0] == before + 3_000
    _whole_rollup_matches_records(con)

    # stored records re-exported with other centers, dates and statuses: they leave their old rollup rows
    moved_ids = [r[0] for r in con.execute("select record_id from service_records where record_id not like 'SL%' "
                                           "order by record_id limit 500").fetchall()]
    table = bench.records_table(500, centers[::-1], seed=4)
    table = table.set_column(0, table.column_names[0], bench.pa.array(moved_ids))
    moved = tmp_path / "moved.csv"
    bench.write_csv(table, moved)
    (report,) = ingest.import_files(con, [moved])
    assert report.updated == 500
    assert con.execute("select sum(received) from rollup_center_month").fetchone()[0] == before + 3_000
    _whole_rollup_matches_records(con)


def test_a_database_from_before_the_rollups_gets_them_on_opening(scratch_con):
    con = scratch_con
    received = con.execute("select count(*) from service_records").fetchone()[0]
    con.execute("drop table rollup_center_month")
    con.execute("create table rollup_center_month (center_id varchar)")  # an older, narrower definition
    db.set_meta(con, "rollup_version", "0")
    db.ensure_schema(con)
    assert con.execute("select sum(received) from rollup_center_month").fetchone()[0] == received
    assert db.get_meta(con, "rollup_version") == rollups.version()
    _whole_rollup_matches_records(con)


def test_rollups_built_by_an_older_definition_are_rebuilt_on_opening(scratch_con):
    con = scratch_con
    con.execute("delete from rollup_center_month_total where month < date '2022-01-01'")
    db.set_meta(con, "rollup_version", "6")  # the last hand-bumped version, before it was a hash
    db.ensure_schema(con)
    assert db.get_meta(con, "rollup_version") == rollups.version()
    _whole_rollup_matches_records(con)


def test_the_rollup_version_is_a_hash_of_the_sql_that_defines_them(tmp_path):
    copies = [tmp_path / p.name for p in rollups.DEFINED_BY]
    for path, copy in zip(rollups.DEFINED_BY, copies):
        shutil.copy(path, copy)
    flags = copies[0]
    assert rollups.version(copies) == rollups.version()
    flags.write_text("-- a comment and some spacing are no change\n\n" + flags.read_text(encoding="utf-8"),
                     encoding="utf-8")
    assert rollups.version(copies) == rollups.version()
    flags.write_text(flags.read_text(encoding="utf-8").replace("'未诉先办'", "'主动服务'"), encoding="utf-8")
    changed = rollups.version(copies)
    assert changed != rollups.version()
    copies[1].write_text(copies[1].read_text(encoding="utf-8").replace("count_if(f.is_proactive) as proactive",
                                                                      "0 as proactive"), encoding="utf-8")
    assert rollups.version(copies) not in (changed, rollups.version())


def test_the_rollups_are_built_only_from_the_sql_their_version_hashes():
    """A macro the refresh statements call from another file would change the rollups without a rebuild."""
    def macros(path):
        return set(re.findall(r"create or replace macro (\w+)", path.read_text(encoding="utf-8")))

    def called(path, names):
        return {n for n in names if re.search(rf"\b{n}\(", path.read_text(encoding="utf-8"))}

    every = set().union(*(macros(p) for p in db.MACRO_FILES))
    hashed = set().union(*(macros(p) for p in rollups.DEFINED_BY))
    assert called(rollups.ROLLUPS_SQL, every) == {"flagged_records"}
    assert all(called(p, every) <= hashed for p in rollups.DEFINED_BY)


COUNT_KEYS = ["center_id", "region_code", "center_name", "center_type", "month", "category_code", "channel",
              "unsatisfied_reason"]


@pytest.mark.parametrize("start", [dt.date(2022, 1, 1), dt.date(2022, 1, 2)])
@pytest.mark.parametrize("macro", ["category_channel_counts", "record_counts", "center_record_counts"])
def test_both_paths_give_every_count_in_the_same_order(demo_con, macro, start):
    """The rollup path takes its counts by name and the record path names them: a count missing from one
    would be null there (union all by name). Their order is that of the KPI row (kpi_summary)."""
    params = {"region": "210681", "start": start, "end": dt.date(2022, 12, 31), "category": "", "channel": ""}
    got = demo_con.execute(f"select * from {macro}($region, $start, $end, $category, $channel)", params).df()
    counts = [c for c in got.columns if c not in COUNT_KEYS]
    assert counts == MEASURES and len(got) > 0
    assert not got[counts].isna().any().any()
