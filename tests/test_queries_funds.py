"""The 资金投入 queries against independent pandas computations on the demo's raw rows."""
import datetime as dt

import pandas as pd
import pytest

from dangqun import db
from expected import COUNTS, counts_by, funds_in, window

START, END = dt.date(2021, 1, 1), dt.date(2022, 12, 31)


def assert_funds_and_counts(got, money, counts):
    """The query's rows `got` (indexed by unit) have the units of `money` (funds_wan per unit) and
    `counts` (COUNTS per unit), a unit with none of one counting 0, and those numbers; returns `got` in
    the order of its index."""
    want = pd.concat([money, counts], axis=1).fillna(0).sort_index()
    got = got.sort_index()
    assert got.index.tolist() == want.index.tolist()
    assert got.funds_wan.round(2).tolist() == want.funds_wan.round(2).tolist()
    for col in COUNTS:
        assert got[col].tolist() == want[col].astype(int).tolist(), col
    return got


@pytest.mark.parametrize("name, col", [("funds_by_source", "fund_source"), ("funds_by_purpose", "purpose"),
                                       ("funds_by_year", "fiscal_year")])
@pytest.mark.parametrize("prefix, start, end", [("2106", START, END), ("211324", dt.date(2022, 3, 1), END),
                                                ("210404", dt.date(2021, 5, 1), dt.date(2021, 9, 30))])
def test_fund_breakdowns_match_pandas(demo_con, demo_raw, name, col, prefix, start, end):
    got = db.run(demo_con, name, {"region": prefix, "start": start, "end": end})
    f = funds_in(demo_raw, prefix, start, end)
    if col == "purpose":
        f = f.assign(purpose=f.purpose.fillna("未注明"))
    want = f.groupby(col).agg(count=("project_id", "size"), amount_wan=("amount_wan", "sum"))
    got = got.set_index(col).sort_index()
    assert got.index.tolist() == want.index.tolist()
    assert got["count"].tolist() == want["count"].tolist()
    assert got.amount_wan.round(2).tolist() == want.amount_wan.round(2).tolist()


def test_dandong_funds_are_about_2500_wan(demo_con, demo_raw):
    got = db.run(demo_con, "funds_by_year", {"region": "2106", "start": START, "end": END})
    total = round(float(got.amount_wan.sum()), 2)
    assert total == round(funds_in(demo_raw, "2106", START, END).amount_wan.sum(), 2)
    assert abs(total - 2500) <= 0.03 * 2500


@pytest.mark.parametrize("prefix, category, channel", [("211324", "05", ""), ("210681", "", "窗口"),
                                                       ("211324002", "11", "电话")])
def test_funds_by_center_matches_pandas(demo_con, demo_raw, prefix, category, channel):
    start, end = dt.date(2021, 4, 1), dt.date(2022, 9, 30)
    got = db.run(demo_con, "funds_by_center", {"region": prefix, "start": start, "end": end,
                                               "category": category, "channel": channel})
    money = funds_in(demo_raw, prefix, start, end).groupby("center_id").amount_wan.sum().rename("funds_wan")
    counts = counts_by(window(demo_raw["service_records"], prefix, start, end, category, channel), "center_id")
    got = assert_funds_and_counts(got.set_index("center_id"), money, counts)
    centers = demo_raw["centers"].set_index("center_id")
    assert got.center_name.tolist() == centers.loc[got.index, "center_name"].tolist()
    assert got.build_type.fillna("").tolist() == centers.loc[got.index, "build_type"].fillna("").tolist()


@pytest.mark.parametrize("prefix, digits, category, channel", [
    ("211324", 9, "05", ""), ("2106", 6, "", "网上"), ("21", 4, "", ""), ("211324002001", 0, "", "")])
def test_funds_by_unit_matches_pandas(demo_con, demo_raw, prefix, digits, category, channel):
    start, end = dt.date(2021, 7, 1), dt.date(2022, 12, 31)
    got = db.run(demo_con, "funds_by_unit", {"region": prefix, "start": start, "end": end, "category": category,
                                             "channel": channel, "child_digits": digits})
    unit = (lambda df: df.center_id) if digits == 0 else (lambda df: df.region_code.str[:digits].str.ljust(12, "0"))
    f = funds_in(demo_raw, prefix, start, end)
    r = window(demo_raw["service_records"], prefix, start, end, category, channel)
    money = f.assign(unit_code=unit(f)).groupby("unit_code").amount_wan.sum().rename("funds_wan")
    counts = counts_by(r.assign(unit_code=unit(r)), "unit_code")
    got = assert_funds_and_counts(got.set_index("unit_code"), money, counts)
    if digits:
        names = demo_raw["regions"].set_index("region_code").region_name
        assert got.unit_name.tolist() == names.loc[got.index].tolist()
