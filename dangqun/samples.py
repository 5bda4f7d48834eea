"""Example exports in the formats real platforms produce, written from a database (README 「命令行」: samples).

`write_export` writes one import kind with its canonical Chinese headers, 是/否 booleans and
raw-looking names and phones (made up from the stored masked values and the resident hash, so the
same resident always gets the same fake name) — the importer must mask them again.
It is vectorised in DuckDB (COPY to CSV) so a million rows take seconds.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

from dangqun import contract, db
from dangqun.demo import names as N

ENCODINGS = ("utf-8", "utf-8-sig", "gbk")
EXPORTED_FREE_TEXT = ("request_text",)
CHUNK_CHARS = 8 << 20


def _given(seed_sql: str) -> str:
    chars = "[" + ", ".join(f"'{c}'" for c in N.GIVEN_CHARS) + "]"
    return f"{chars}[(hash({seed_sql}) % {len(N.GIVEN_CHARS)})::int + 1]"


def _fake_name(col: str) -> str:
    key = "coalesce(resident_hash, record_id)"
    return (f"case when {col} is null then null else left({col}, 1) || {_given(key)}"
            f" || case when length({col}) > 2 then {_given(key + ' || ' + chr(39) + 'x' + chr(39))} else '' end end")


def _fake_phone(col: str) -> str:
    key = "coalesce(resident_hash, record_id) || 'p'"
    return (f"case when {col} is null then null else left({col}, 3)"
            f" || lpad((hash({key}) % 10000)::varchar, 4, '0') || right({col}, 4) end")


def _expr(column: contract.Column, fmt: str) -> str:
    c = column.name
    if column.type == "boolean":
        return f"case when {c} then '是' when not {c} then '否' end"
    if column.type == "timestamp":
        pattern = "%Y/%-m/%-d %-H:%M" if fmt == "csv" else "%Y-%m-%d %H:%M:%S"
        return f"strftime({c}, '{pattern}')"
    if column.type == "date":
        return f"strftime({c}, '%Y-%m-%d')" if fmt == "xlsx" else f"strftime({c}, '%Y/%-m/%-d')"
    if column.type == "decimal":
        if fmt == "xlsx":
            return f"{c}::double"
        return f"case when {c} >= 1000 then printf('%,.2f', {c}) else printf('%.2f', {c}) end"
    if c == "resident_name":
        return _fake_name(c)
    if c == "phone":
        return _fake_phone(c)
    return c


def export_query(kind: str, fmt: str = "csv", where: str | None = None, limit: int | None = None) -> str:
    """The SELECT that renders `kind` the way a platform exports it. `where` is SQL on the table."""
    k = contract.KINDS[kind]
    # of the free text the demo writes 诉求内容 (dangqun.demo.texts), no 答复意见: the files carry the one it has
    cols = ", ".join(f'{_expr(c, fmt)} as "{c.header}"' for c in k.columns
                     if not c.free_text or c.name in EXPORTED_FREE_TEXT)
    sql = f"select {cols} from {kind}"
    if where:
        sql += f" where {where}"
    sql += f" order by {k.id_column}"
    if limit is not None:
        sql += f" limit {int(limit)}"
    return sql


def write_export(con: duckdb.DuckDBPyConnection, kind: str, path, fmt: str = "csv",
                 encoding: str = "utf-8", where: str | None = None, limit: int | None = None,
                 title: str | None = None) -> int:
    """Write `kind` rows from the database at `con` as a platform export; returns the row count."""
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {ENCODINGS}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sql = export_query(kind, fmt, where, limit)
    if fmt == "xlsx":
        return _write_xlsx(con, sql, path, title or contract.KINDS[kind].label)
    if fmt != "csv":
        raise ValueError("fmt must be 'csv' or 'xlsx'")
    return _write_csv(con, sql, path, encoding)


def _write_csv(con, sql: str, path: Path, encoding: str) -> int:
    fd, raw = tempfile.mkstemp(suffix=".csv", dir=path.parent)
    os.close(fd)
    try:
        # the file name bound, not written into the statement: --out may be any directory name
        con.execute(f"copy ({sql}) to $path (header, delimiter ',')", {"path": raw})
        rows = _recode(Path(raw), path, encoding)
    finally:
        Path(raw).unlink(missing_ok=True)
    return rows


def _recode(src: Path, dst: Path, encoding: str) -> int:
    """UTF-8 from DuckDB → the target encoding; GBK exports also get Windows line ends."""
    lines = 0
    with open(src, encoding="utf-8", newline="") as f, open(dst, "wb") as out:
        if encoding == "utf-8-sig":
            out.write(b"\xef\xbb\xbf")
        while chunk := f.read(CHUNK_CHARS):
            lines += chunk.count("\n")
            if encoding == "gbk":
                out.write(chunk.replace("\n", "\r\n").encode("gbk"))
            else:
                out.write(chunk.encode("utf-8"))
    return lines - 1


def _write_xlsx(con, sql: str, path: Path, title: str) -> int:
    import xlsxwriter

    cur = con.cursor()
    result = cur.execute(sql)
    headers = [d[0] for d in result.description]
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Sheet1")
    ws.merge_range(0, 0, 0, len(headers) - 1, title, wb.add_format({"bold": True, "font_size": 14}))
    ws.write_row(1, 0, headers, wb.add_format({"bold": True}))
    ws.set_column(0, len(headers) - 1, 14)
    r = 2
    while batch := result.fetchmany(10_000):
        for row in batch:
            ws.write_row(r, 0, row)
            r += 1
    wb.close()
    cur.close()
    return r - 2


# --- the files shipped in sample_data/ -------------------------------------------------------------
def records_where(towns: tuple[str, ...], start: str, end: str) -> str:
    """Records received in [start, end) at centers of the given town code prefixes."""
    like = " or ".join(f"region_code like '{t}%'" for t in towns)
    return (f"received_at >= '{start}' and received_at < '{end}' and center_id in "
            f"(select center_id from centers where {like})")


def write_sample_data(db_path=None, out_dir=None) -> dict[str, int]:
    """Regenerate sample_data/: the regions dictionary and small example exports of every kind."""
    out = Path(out_dir) if out_dir else db.ROOT / "sample_data"
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    with db.opened(db_path, read_only=True) as con:
        written["regions.csv"] = _write_regions(con, out / "regions.csv")
        written["centers.csv"] = write_export(con, "centers", out / "centers.csv", encoding="utf-8-sig")
        # 长山镇 and 北井子镇 in the CSV, 孤山镇 in the workbook: no record in both
        written["service_records_gbk.csv"] = write_export(
            con, "service_records", out / "service_records_gbk.csv", encoding="gbk",
            where=records_where(("210681107", "210681108"), "2022-01-01", "2023-01-01"), limit=4000)
        written["service_records.xlsx"] = write_export(
            con, "service_records", out / "service_records.xlsx", fmt="xlsx",
            where=records_where(("210681101",), "2022-11-01", "2023-01-01"), limit=500,
            title="东港市党群服务中心服务记录导出（2022年）")
        written["funds.csv"] = write_export(con, "funds", out / "funds.csv")
        written["activities.csv"] = write_export(
            con, "activities", out / "activities.csv",
            where="activity_date >= '2022-01-01' and center_id in "
                  "(select center_id from centers where region_code like '211324%')")
    return written


def _write_regions(con, path: Path) -> int:
    cols = ", ".join(f'{k} as "{v}"' for k, v in contract.REGION_HEADERS.items())
    con.execute(f"copy (select {cols} from regions order by region_code) to $path (header, delimiter ',')",
                {"path": str(path)})
    return con.execute("select count(*) from regions").fetchone()[0]
