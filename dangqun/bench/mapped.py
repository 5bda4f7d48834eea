"""`python -m dangqun bench import --mapped` (dangqun.bench.mapped): the same rows imported in contract format and as a foreign export
through a mapping profile (English headers, US 12-hour times, English status and channel values, categories
through a lookup table, a skipped status), timed on copies of one base database. Target: mapped ≤ 1.5×."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from dangqun import contract

TARGET_RATIO = 1.5
STATUS_EN = {"已办结": "Closed", "办理中": "Open", "待受理": "New", "退回": "Returned", "延期": "Delayed"}
CHANNEL_EN = {"窗口": "Walk-in", "电话": "Phone", "网上": "API", "家庭代办站": "Agent", "12345转办": "Hotline",
              "上门": "Visit", "主动发现": "Internal"}
US = "%m/%d/%Y %I:%M:%S %p"


def foreign(table: pa.Table) -> tuple[pa.Table, str, str]:
    """(the rows as a foreign platform exports them, its profile TOML, its category lookup CSV)."""
    headers = contract.chinese_headers("service_records")
    cols = {}
    en = {"record_id": "TicketNo", "center_id": "Site", "received_at": "CreatedDate", "channel": "Method",
          "item_code": "Category", "status": "Status", "closed_at": "CloseDate", "resident_name": "Name",
          "phone": "Phone", "handler": "Officer", "score": "Score"}
    for name, header in en.items():
        col = table[headers[name]]
        if name in ("received_at", "closed_at"):
            col = _us(col)
        elif name == "status":
            col = _recode(col, STATUS_EN)
        elif name == "channel":
            col = _recode(col, CHANNEL_EN)
        elif name == "item_code":
            col = pc.binary_join_element_wise("Type-", col, "")
        cols[header] = col
    profile = f"""kind = "service_records"
[columns]
record_id = "TicketNo"
center_id = "Site"
received_at = {{ header = "CreatedDate", format = "{US}" }}
channel = "Method"
item_code = {{ header = "Category", lookup = "categories.csv", key = "Category", value = "事项编码" }}
resident_name = "Name"
phone = "Phone"
status = "Status"
closed_at = {{ header = "CloseDate", format = "{US}" }}
handler = "Officer"
score = "Score"
[values.status]
{chr(10).join(f'"{v}" = "{k}"' for k, v in STATUS_EN.items() if k != "延期")}
"Delayed" = {{ skip = "bench: a skipped value" }}
[values.channel]
{chr(10).join(f'"{v}" = "{k}"' for k, v in CHANNEL_EN.items())}
"""
    items = sorted(set(table[headers["item_code"]].to_pylist()))
    lookup = "Category,事项编码\n" + "".join(f"Type-{i},{i}\n" for i in items)
    return pa.table(cols), profile, lookup


def _us(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """Both ISO and 2022/3/5 9:07 cells of the bench file as US 12-hour times."""
    iso = pc.strptime(col, format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True)
    slash = pc.strptime(col, format="%Y/%m/%d %H:%M", unit="s", error_is_null=True)
    return pc.strftime(pc.coalesce(iso, slash), format=US)


def _recode(col, mapping: dict[str, str]):
    keys = pa.array(list(mapping))
    vals = pa.array(list(mapping.values()))
    return pc.take(vals, pc.index_in(col, value_set=keys))


def run(rows: int = 1_000_000) -> int:
    """Prints both timings and the ratio; exit 0 when the mapped import is within TARGET_RATIO."""
    from dangqun.bench import imports as bench

    with tempfile.TemporaryDirectory(prefix="dangqun-bench-mapped-") as tmp:
        work = Path(tmp)
        centers = bench.base_db(work / "base.duckdb")
        table = bench.records_table(rows, centers)
        headers = contract.chinese_headers("service_records")
        keep = [headers[n] for n in ("record_id", "center_id", "received_at", "channel", "item_code", "status",
                                     "closed_at", "resident_name", "phone", "handler", "score")]
        table = table.select(keep)   # the same columns in both files
        plain = work / "contract.csv"
        bench.write_csv(table, plain)
        ftable, profile, lookup = foreign(table)
        mapped = work / "foreign.csv"
        bench.write_csv(ftable, mapped)
        (work / "categories.csv").write_text(lookup, encoding="utf-8")
        (work / "foreign.toml").write_text(profile, encoding="utf-8")
        del table, ftable
        t_plain, rep_plain = bench._timed_import(work, "plain", plain)
        t_mapped, rep_mapped = _timed_mapped(work, mapped, work / "foreign.toml")
    ratio = t_mapped / t_plain
    print(f"数据规范格式 {rows:>10,} 行  {t_plain:6.2f} s  新增 {rep_plain['imported']:,} 隔离 {rep_plain['quarantined']:,}")
    print(f"经映射配置   {rows:>10,} 行  {t_mapped:6.2f} s  新增 {rep_mapped['imported']:,} 隔离 {rep_mapped['quarantined']:,}"
          f"  跳过 {rep_mapped['skipped']:,}")
    ok = ratio <= TARGET_RATIO and rep_plain["imported"] == rep_mapped["imported"]
    print(f"倍数 {ratio:.2f}×" + ("  ✓" if ok else f"  ✗ (目标 ≤ {TARGET_RATIO}×，且两者新增相同)"), flush=True)
    return 0 if ok else 1


def _timed_mapped(work: Path, file: Path, profile: Path) -> tuple[float, dict]:
    import shutil

    from dangqun import db, ingest

    dbp = work / "mapped.duckdb"
    shutil.copy(work / "base.duckdb", dbp)
    con = db.connect(dbp)
    try:
        t0 = time.perf_counter()
        (report,) = ingest.import_files(con, [file], db_path=dbp, mapping=profile)
        return time.perf_counter() - t0, report.to_json()
    finally:
        con.close()
