"""明细查询 queries (record_count, record_page, record_center) against pandas on the demo rows, the
search's hostile inputs, pagination, and the full-download builder."""
import datetime as dt

import pandas as pd
import pytest

from dangqun import db, export
from dangqun.views import records
from expected import window

DONGGANG = "210681000000"
WOLONG = "210681107201"          # 卧龙村, 长山镇, 东港市
HOSTILE = ["' or 1=1 --", "%", "_", "%%", "'", '"', "\\", "0%", "2106_", "'; drop table service_records; --",
           "a' or 'a'='a", "\x00"]


@pytest.fixture(scope="module")
def raw(demo_raw):
    """Every record with its center's region and name and its catalog names, in pandas."""
    centers = demo_raw["centers"][["center_id", "center_name"]]
    catalog = demo_raw["catalog"][["item_code", "item_name", "category_name"]]
    return (demo_raw["service_records"].merge(centers, on="center_id")
            .merge(catalog, on="item_code", how="left"))


def params(region="", start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31), category="", channel="",
           center_id="", id_prefix="", item_text=""):
    return {"region": region, "start": start, "end": end, "category": category, "channel": channel,
            "center_id": center_id, "id_prefix": id_prefix, "item_text": item_text}


def expected(raw, p):
    """The same search in pandas, newest first (ties by 受理编号, descending)."""
    r = window(raw, p["region"], p["start"], p["end"], p["category"], p["channel"])
    if p["center_id"]:
        r = r[r.center_id == p["center_id"]]
    r = r[r.record_id.str.startswith(p["id_prefix"])]
    if p["item_text"]:
        text = p["item_text"].lower()
        r = r[r.item_code.str.lower().str.contains(text, regex=False)
              | r.item_name.fillna("").str.lower().str.contains(text, regex=False)]
    return r.sort_values(["received_at", "record_id"], ascending=False)


def count(con, p):
    return int(db.run(con, "record_count", p).records.iloc[0])


def page(con, p, limit, offset):
    return db.run(con, "record_page", dict(p, limit=limit, offset=offset))


def test_count_and_page_match_pandas_county_category_channel_window(demo_con, raw):
    p = params("210681", dt.date(2022, 3, 1), dt.date(2022, 9, 30), category="02", channel="网上")
    want = expected(raw, p)
    assert len(want) > 100
    assert count(demo_con, p) == len(want)
    got = page(demo_con, p, limit=len(want), offset=0)
    assert got.record_id.tolist() == want.record_id.tolist()
    assert got.center_name.tolist() == want.center_name.tolist()
    assert got.item_name.tolist() == want.item_name.tolist()
    assert got.category_name.tolist() == want.category_name.tolist()
    assert got.resident_name.fillna("").tolist() == want.resident_name.fillna("").tolist()
    assert got.phone.fillna("").tolist() == want.phone.fillna("").tolist()
    assert (got.category_name == "社会保险").all()


def test_village_of_the_four_click_journey(demo_con, raw):
    p = params(WOLONG)
    want = expected(raw, p)
    assert count(demo_con, p) == len(want) > 0
    assert page(demo_con, p, 50, 0).record_id.tolist() == want.record_id.head(50).tolist()


def test_page_never_shows_the_resident_hash(demo_con):
    cols = list(page(demo_con, params(WOLONG), 5, 0).columns)
    assert "resident_hash" not in cols
    assert cols == ["record_id", "center_id", *[c for c in records.COLUMNS if c != "record_id"]]


def test_names_and_phones_are_the_masked_values_as_stored(demo_con):
    got = page(demo_con, params(WOLONG), 500, 0)
    names = got.resident_name.dropna()
    phones = got.phone.dropna()
    assert len(names) and names.str.fullmatch(r".\*{1,3}").all()
    assert len(phones) and phones.str.fullmatch(r"\d{3}\*{4}\d{4}").all()


def test_record_id_prefix(demo_con, raw):
    first = page(demo_con, params("210681"), 1, 0).record_id.iloc[0]
    for prefix in (first, first[:18], first[:-1]):
        p = params("210681", id_prefix=prefix)
        assert count(demo_con, p) == len(expected(raw, p)) >= 1
    # a prefix, not a substring: the end of an id alone finds nothing
    assert count(demo_con, params("210681", id_prefix=first[5:])) == 0


def test_item_search_by_code_and_by_name(demo_con, raw):
    for text in ("0201", "02", "养老", "参保信息"):
        p = params("210681", item_text=text)
        want = expected(raw, p)
        assert count(demo_con, p) == len(want) > 0, text
    by_code = page(demo_con, params("210681", item_text="0201"), 1000, 0)
    assert by_code.item_code.str.contains("0201").all()


def test_item_search_ignores_case(scratch_con):
    scratch_con.execute("update catalog set item_name = 'ABC证明' where item_code = '0201'")
    p = params("210681", item_text="abc")
    n = count(scratch_con, p)
    assert n > 0
    assert n == count(scratch_con, params("210681", item_text="0201"))   # the renamed item's rows
    assert count(scratch_con, params("210681", item_text="aBc证")) == n


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search_strings_are_plain_text(demo_con, text):
    for key in ("id_prefix", "item_text"):
        p = params("210681", **{key: text})
        assert count(demo_con, p) == 0, (key, text)
        assert len(page(demo_con, p, 50, 0)) == 0
    # the tables are untouched
    assert demo_con.execute("select count(*) from service_records").fetchone()[0] > 0


def test_wildcards_match_only_themselves(scratch_con):
    scratch_con.execute("update catalog set item_name = '100%_证明' where item_code = '0201'")
    scratch_con.execute("update service_records set record_id = 'X%_' || record_id where record_id in "
                        "(select record_id from service_records order by record_id limit 3)")
    assert count(scratch_con, params("", dt.date(2021, 1, 1), dt.date(2022, 12, 31), id_prefix="X%_")) == 3
    assert count(scratch_con, params("", dt.date(2021, 1, 1), dt.date(2022, 12, 31), id_prefix="X__")) == 0
    n_item = count(scratch_con, params("210681", item_text="0201"))
    assert count(scratch_con, params("210681", item_text="%_证")) == n_item
    assert count(scratch_con, params("210681", item_text="0%_")) == n_item
    assert count(scratch_con, params("210681", item_text="1_0")) == 0


def test_center_restriction(demo_con, raw):
    center = raw[raw.region_code == WOLONG].center_id.iloc[0]
    p = params("210681", center_id=center)
    want = expected(raw, p)
    assert count(demo_con, p) == len(want) > 0
    assert set(page(demo_con, p, 1000, 0).center_id) == {center}
    assert count(demo_con, params("210682", center_id=center)) == 0   # outside the sidebar region


@pytest.mark.parametrize("size", records.PAGE_SIZES)
def test_pages_cover_the_result_once_in_order(demo_con, raw, size):
    p = params("210681107")                      # 长山镇
    want = expected(raw, p).record_id.tolist()
    total = count(demo_con, p)
    assert total == len(want)
    pages = records.page_count(total, size)
    got = []
    for n in range(1, pages + 1):
        rows = db.run(demo_con, "record_page", records.page_params(p, n, size))
        assert len(rows) == (size if n < pages else total - size * (pages - 1))
        got += rows.record_id.tolist()
    assert got == want
    beyond = db.run(demo_con, "record_page", records.page_params(p, pages + 1, size))
    assert len(beyond) == 0


def test_record_center(demo_con):
    row = db.run(demo_con, "record_center", {"center_id": "ZX210681107201"})
    assert row.center_name.tolist() == ["长山镇卧龙村党群服务中心"]
    assert row.region_name.tolist() == ["卧龙村"]
    assert len(db.run(demo_con, "record_center", {"center_id": "' or 1=1 --"})) == 0


def test_scope_applies(demo_con):
    p = params("")
    assert count(demo_con, p) > 0
    scoped = db.run(demo_con, "record_count", p, scope="210682000000").records.iloc[0]
    assert scoped == count(demo_con, params("210682"))


def test_full_download_has_every_row_bom_and_chinese_headers(demo_con, raw):
    p = params("210681107")
    total = count(demo_con, p)
    assert total > max(records.PAGE_SIZES)
    frame = records.labelled(db.run(demo_con, "record_page", records.export_params(p, total)), "zh")
    assert len(frame) == total
    data = export.to_csv_bytes(frame, "zh")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == ",".join(records.COLUMNS.values())
    assert len([line for line in lines[1:] if line]) == total
    assert lines[1].split(",")[0] == expected(raw, p).record_id.iloc[0]
    assert "resident_hash" not in text
    xlsx = export.to_xlsx_bytes(frame, "zh")
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(__import__("io").BytesIO(xlsx)).get_sheet_by_index(0).to_python()
    assert sheet[0] == list(records.COLUMNS.values())
    assert len(sheet) == total + 1


def test_english_headers():
    df = pd.DataFrame({c: [] for c in ["record_id", "center_id", *list(records.COLUMNS)[1:]]})
    assert list(records.labelled(df, "en").columns)[:4] == ["Record ID", "Center", "Item code",
                                                                   "Service item"]


def test_paging_helpers():
    assert records.page_count(0, 50) == 1
    assert records.page_count(185, 50) == 4
    assert records.page_count(200, 50) == 4
    assert records.clamp_page(9, 185, 50) == 4
    assert records.clamp_page(0, 185, 50) == 1
    assert records.clamp_page("x", 185, 50) == 1
    assert records.page_params({"a": 1}, 3, 50) == {"a": 1, "limit": 50, "offset": 100}
    assert records.export_params({}, 0) == {"limit": 1, "offset": 0}


def test_search_params_trim_and_cut():
    p = records.search_params({"region": "21"}, None, "  2106 ", "x" * 100)
    assert p == {"region": "21", "center_id": "", "id_prefix": "2106", "item_text": "x" * 64}
