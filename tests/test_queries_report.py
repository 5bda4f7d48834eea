"""report_items (the 通报's 热点问题) against an independent pandas count over the demo records."""
import datetime as dt

from dangqun import db


def test_report_items_equal_pandas(demo_con, demo_raw):
    got = db.run(demo_con, "report_items", dict(region="210681", start=dt.date(2022, 12, 1),
                                                end=dt.date(2022, 12, 31), max_rows=5))
    r = demo_raw["service_records"]
    r = r[r["region_code"].str.startswith("210681") & (r["received_at"] >= "2022-12-01")
          & (r["received_at"] < "2023-01-01")]
    valid = r["survey_valid"].fillna(False) & r["in_assessment"].fillna(False)
    r = r.assign(valid=valid, sat=valid & (r["satisfaction"] == "满意"), basic=valid & (r["satisfaction"] == "基本满意"))
    want = (r.groupby("item_code").agg(received=("record_id", "size"), valid=("valid", "sum"),
                                       satisfied=("sat", "sum"), basic=("basic", "sum"))
            .reset_index().sort_values(["received", "item_code"], ascending=[False, True]).head(5))
    assert got["item_code"].tolist() == want["item_code"].tolist()
    for col in ("received", "valid", "satisfied", "basic"):
        assert got[col].astype(int).tolist() == want[col].astype(int).tolist(), col
    assert got["received"].iloc[0] > 100   # 东港, a month: the hottest item is asked for over a hundred times
