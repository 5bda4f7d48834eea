"""The 资金投入 queries against independent pandas computations on the demo's raw rows."""
import datetime as dt

import duckdb
import pandas as pd
import pytest

from dangqun import db

START, END = dt.date(2021, 1, 1), dt.date(2022, 12, 31)


@pytest.fixture(scope="module")
def con(demo_db):
    c = duckdb.connect(str(demo_db), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def raw(con):
    return {t: con.execute(f"select * from {t}").df()
            for t in ("service_records", "centers", "funds", "regions")}


def window_funds(raw, prefix, start, end):
    c = raw["centers"][raw["centers"].region_code.str.startswith(prefix)]
    f = raw["funds"].merge(c[["center_id", "region_code"]], on="center_id")
    f = f[f.fiscal_year.between(start.year, end.year)]
    return f.assign(amount_wan=f.amount_wan.astype(float))


def window_records(raw, prefix, start, end, category="", channel=""):
    c = raw["centers"][raw["centers"].region_code.str.startswith(prefix)]
    r = raw["service_records"].merge(c[["center_id", "region_code"]], on="center_id")
    r = r[(r.received_at >= pd.Timestamp(start)) & (r.received_at < pd.Timestamp(end) + pd.Timedelta(days=1))]
    if category:
        r = r[r.item_code.str[:2] == category]
    if channel:
        r = r[r.channel == channel]
    valid = r.survey_valid.fillna(False).astype(bool) & r.in_assessment.fillna(False).astype(bool)
    return r.assign(
        closed=(r.status == "已办结").astype(int), valid=valid.astype(int),
        contacted=(valid & r.contacted.fillna(False).astype(bool)).astype(int),
        solved=(valid & r.solved.fillna(False).astype(bool)).astype(int),
        satisfied=(valid & (r.satisfaction == "满意")).astype(int),
        basic=(valid & (r.satisfaction == "基本满意")).astype(int))


COUNTS = dict(received=("record_id", "size"), closed=("closed", "sum"), valid=("valid", "sum"),
              contacted=("contacted", "sum"), solved=("solved", "sum"), satisfied=("satisfied", "sum"),
              basic=("basic", "sum"))


@pytest.mark.parametrize("name, col", [("funds_by_source", "fund_source"), ("funds_by_purpose", "purpose"),
                                       ("funds_by_year", "fiscal_year")])
@pytest.mark.parametrize("prefix, start, end", [("2106", START, END), ("211324", dt.date(2022, 3, 1), END),
                                                ("210404", dt.date(2021, 5, 1), dt.date(2021, 9, 30))])
def test_fund_breakdowns_match_pandas(con, raw, name, col, prefix, start, end):
    got = db.run(con, name, {"region": prefix, "start": start, "end": end})
    f = window_funds(raw, prefix, start, end)
    if col == "purpose":
        f = f.assign(purpose=f.purpose.fillna("未注明"))
    want = f.groupby(col).agg(count=("project_id", "size"), amount_wan=("amount_wan", "sum"))
    got = got.set_index(col).sort_index()
    assert got.index.tolist() == want.index.tolist()
    assert got["count"].tolist() == want["count"].tolist()
    assert got.amount_wan.round(2).tolist() == want.amount_wan.round(2).tolist()


def test_dandong_funds_are_about_2500_wan(con, raw):
    got = db.run(con, "funds_by_year", {"region": "2106", "start": START, "end": END})
    total = round(float(got.amount_wan.sum()), 2)
    assert total == round(window_funds(raw, "2106", START, END).amount_wan.sum(), 2)
    assert abs(total - 2500) <= 0.03 * 2500


@pytest.mark.parametrize("prefix, category, channel", [("211324", "05", ""), ("210681", "", "窗口"),
                                                       ("211324002", "11", "电话")])
def test_funds_by_center_matches_pandas(con, raw, prefix, category, channel):
    start, end = dt.date(2021, 4, 1), dt.date(2022, 9, 30)
    got = db.run(con, "funds_by_center", {"region": prefix, "start": start, "end": end,
                                          "category": category, "channel": channel})
    money = window_funds(raw, prefix, start, end).groupby("center_id").amount_wan.sum().rename("funds_wan")
    counts = window_records(raw, prefix, start, end, category, channel).groupby("center_id").agg(**COUNTS)
    want = pd.concat([money, counts], axis=1).fillna(0).sort_index()
    got = got.set_index("center_id").sort_index()
    assert got.index.tolist() == want.index.tolist()
    assert got.funds_wan.round(2).tolist() == want.funds_wan.round(2).tolist()
    for col in COUNTS:
        assert got[col].tolist() == want[col].astype(int).tolist(), col
    centers = raw["centers"].set_index("center_id")
    assert got.center_name.tolist() == centers.loc[got.index, "center_name"].tolist()
    assert got.build_type.fillna("").tolist() == centers.loc[got.index, "build_type"].fillna("").tolist()


@pytest.mark.parametrize("prefix, digits, category, channel", [
    ("211324", 9, "05", ""), ("2106", 6, "", "网上"), ("21", 4, "", ""), ("211324002001", 0, "", "")])
def test_funds_by_unit_matches_pandas(con, raw, prefix, digits, category, channel):
    start, end = dt.date(2021, 7, 1), dt.date(2022, 12, 31)
    got = db.run(con, "funds_by_unit", {"region": prefix, "start": start, "end": end, "category": category,
                                        "channel": channel, "child_digits": digits})
    unit = (lambda df: df.center_id) if digits == 0 else (lambda df: df.region_code.str[:digits].str.ljust(12, "0"))
    f = window_funds(raw, prefix, start, end)
    r = window_records(raw, prefix, start, end, category, channel)
    money = f.assign(unit_code=unit(f)).groupby("unit_code").amount_wan.sum().rename("funds_wan")
    counts = r.assign(unit_code=unit(r)).groupby("unit_code").agg(**COUNTS)
    want = pd.concat([money, counts], axis=1).fillna(0).sort_index()
    got = got.set_index("unit_code").sort_index()
    assert got.index.tolist() == want.index.tolist()
    assert got.funds_wan.round(2).tolist() == want.funds_wan.round(2).tolist()
    for col in COUNTS:
        assert got[col].tolist() == want[col].astype(int).tolist(), col
    if digits:
        names = raw["regions"].set_index("region_code").region_name
        assert got.unit_name.tolist() == names.loc[got.index].tolist()
