"""sample_data/: the dictionaries and example exports exist, decode as declared and carry the
canonical Chinese headers; write_export renders any kind from a database."""
from __future__ import annotations

import csv
import io
import re

import duckdb
import pytest
from python_calamine import CalamineWorkbook

from dangqun import contract, db, samples

SAMPLES = db.ROOT / "sample_data"
CSV_FILES = {  # file → (kind, encoding)
    "centers.csv": ("centers", "utf-8-sig"),
    "service_records_gbk.csv": ("service_records", "gbk"),
    "funds.csv": ("funds", "utf-8"),
    "activities.csv": ("activities", "utf-8"),
}


def read_csv(path, encoding):
    raw = path.read_bytes()
    if encoding == "utf-8-sig":
        assert raw.startswith(b"\xef\xbb\xbf")
    elif encoding == "utf-8":
        assert not raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode(encoding), newline="")))


def read_xlsx(path):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def exported_headers(kind):
    # of the free text the demo's platforms export 诉求内容, not 答复意见 (the demo has none)
    return [c.header for c in contract.KINDS[kind].columns if not c.free_text or c.header == "诉求内容"]


@pytest.mark.parametrize("name", sorted(CSV_FILES))
def test_csv_exports_decode_with_chinese_headers(name):
    kind, encoding = CSV_FILES[name]
    rows = read_csv(SAMPLES / name, encoding)
    assert rows[0] == exported_headers(kind)
    assert len(rows) > 100
    assert all(len(r) == len(rows[0]) for r in rows)


def test_gbk_export_is_windows_style_with_raw_personal_data():
    raw = (SAMPLES / "service_records_gbk.csv").read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") > 1000
    rows = read_csv(SAMPLES / "service_records_gbk.csv", "gbk")
    header = rows[0]
    name, phone, received = (header.index(h) for h in ("服务对象", "联系电话", "受理时间"))
    body = rows[1:]
    assert all(re.fullmatch(r"[^*]{2,3}", r[name]) for r in body)
    assert sum(bool(re.fullmatch(r"1\d{10}", r[phone])) for r in body) > 0.9 * len(body)
    assert all(re.fullmatch(r"2022/\d{1,2}/\d{1,2} \d{1,2}:\d\d", r[received]) for r in body)
    assert {r[header.index("是否代办")] for r in body} <= {"是", "否"}


def test_xlsx_export_has_title_and_header_rows():
    rows = read_xlsx(SAMPLES / "service_records.xlsx")
    assert "服务记录" in rows[0][0]
    assert rows[1] == exported_headers("service_records")
    assert 100 <= len(rows) - 2 <= 1000


def test_record_files_do_not_overlap_and_point_at_exported_centers():
    gbk = read_csv(SAMPLES / "service_records_gbk.csv", "gbk")
    xlsx = read_xlsx(SAMPLES / "service_records.xlsx")[1:]
    ids_gbk = {r[0] for r in gbk[1:]}
    ids_xlsx = {str(r[0]) for r in xlsx[1:]}
    assert not ids_gbk & ids_xlsx
    centers = {r[0] for r in read_csv(SAMPLES / "centers.csv", "utf-8-sig")[1:]}
    for rows in (gbk, xlsx):
        assert {str(r[1]) for r in rows[1:]} <= centers
    for name in ("funds.csv", "activities.csv"):
        assert {r[1] for r in read_csv(SAMPLES / name, "utf-8")[1:]} <= centers


def test_regions_dictionary_file():
    rows = read_csv(SAMPLES / "regions.csv", "utf-8")
    assert rows[0] == list(contract.REGION_HEADERS.values())
    codes = {r[0] for r in rows[1:]}
    assert all(re.fullmatch(r"\d{12}", c) for c in codes)
    assert all(r[3] in codes for r in rows[1:] if r[3])


def test_sample_data_stays_small():
    sizes = {p.name: p.stat().st_size for p in SAMPLES.iterdir() if p.is_file()}
    assert all(size < 2_000_000 for size in sizes.values()), sizes
    assert sum(sizes.values()) < 5_000_000


def test_write_export_from_a_database(demo_db, tmp_path):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        n = samples.write_export(con, "service_records", tmp_path / "r.csv", encoding="gbk", limit=300)
        m = samples.write_export(con, "funds", tmp_path / "f.xlsx", fmt="xlsx", where="fiscal_year = 2022",
                                 title="资金投入导出")
        expected_funds = con.execute("select count(*) from funds where fiscal_year = 2022").fetchone()[0]
    assert n == 300 and len(read_csv(tmp_path / "r.csv", "gbk")) == 301
    rows = read_xlsx(tmp_path / "f.xlsx")
    assert m == expected_funds and len(rows) == m + 2 and rows[0][0] == "资金投入导出"
    assert rows[1] == list(contract.chinese_headers("funds").values())


def test_sample_data_is_written_into_any_directory_name(demo_db, tmp_path):
    """`samples --out` with a quote and SQL in its name: the files land there, the same as sample_data/."""
    out = tmp_path / "样例'); drop table regions; --"
    written = samples.write_sample_data(demo_db, out)
    assert sorted(written) == sorted(p.name for p in out.iterdir())
    assert written["regions.csv"] == len(read_csv(out / "regions.csv", "utf-8")) - 1 > 0
    for name in ("regions.csv", *CSV_FILES):
        assert (out / name).read_bytes() == (SAMPLES / name).read_bytes(), name
