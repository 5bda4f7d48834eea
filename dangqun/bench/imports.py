"""`python -m dangqun bench import`: import speed of a service-records export (README 性能 targets:
1,000,000 rows ≤ 10 s as UTF-8 CSV, ≤ 20 s as GBK; XLSX reported).

Every timed import starts from a copy of one database: the demo's dictionaries and centers
(`dangqun.demo.build` with a token number of records, which are then deleted). The export is generated
here, vectorised (numpy + pyarrow), with the canonical Chinese headers and some of the messiness of real
exports (two date styles, 是/否 as 是/否/Y/N/1/0), so the bench measures the importer, not a generator:
samples.write_export would first need a million records in a database. The sessions bench and the tests
reuse the generator (records_table, write_csv) for exports of their own.
"""
from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from dangqun import contract, db
from dangqun.registry import ROOT

SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红")


def _pick(rng, values, n) -> pa.Array:
    return pa.array(np.asarray(values, dtype=object)[rng.integers(0, len(values), n)], type=pa.string())


def _null_some(rng, arr: pa.Array, share: float) -> pa.Array:
    return pc.if_else(pa.array(rng.random(len(arr)) < share), pa.nulls(len(arr), pa.string()), arr)


def records_table(rows: int, center_ids: list[str], seed: int = 7) -> pa.Table:
    """A service-records export of `rows` rows, every cell text, headed as the contract says."""
    rng = np.random.default_rng(seed)
    items = [r.split(",")[0] for r in (ROOT / "sample_data" / "catalog.csv").read_text(encoding="utf-8").splitlines()[1:]]
    base = np.datetime64("2021-01-01T08:00:00", "s")
    received = base + rng.integers(0, 730 * 86400, rows).astype("timedelta64[s]")
    dispatched = received + rng.integers(60, 3600, rows).astype("timedelta64[s]")
    accepted = dispatched + rng.integers(60, 3600, rows).astype("timedelta64[s]")
    closed = accepted + rng.integers(600, 20 * 86400, rows).astype("timedelta64[s]")

    def ts(a, fmt="%Y-%m-%d %H:%M:%S"):
        return pc.strftime(pa.array(a, type=pa.timestamp("s")), format=fmt)

    recv = ts(received)
    # a third of the rows in the 2022/3/5 9:07 style, as some platforms export
    slash = ts(received, "%Y/%m/%d %H:%M")
    recv = pc.if_else(pa.array(rng.random(rows) < 0.3), slash, recv)
    status = _pick(rng, ["已办结"] * 8 + ["办理中", "待受理"], rows)
    done = pc.equal(status, "已办结")
    names = pc.binary_join_element_wise(_pick(rng, SURNAMES, rows), _pick(rng, GIVEN, rows),
                                        _pick(rng, GIVEN + [""] * 10, rows), "")
    phones = pc.binary_join_element_wise(
        pa.array(np.full(rows, "13", dtype=object), pa.string()),
        pc.cast(pa.array(rng.integers(100_000_000, 999_999_999, rows)), pa.string()), "")
    cols = {
        "record_id": pc.binary_join_element_wise(pa.array(np.full(rows, "SL", dtype=object), pa.string()),
                                                 pc.utf8_lpad(pc.cast(pa.array(np.arange(rows)), pa.string()), 10, "0"), ""),
        "center_id": _pick(rng, center_ids, rows),
        "received_at": recv,
        "channel": _pick(rng, contract.CHANNELS, rows),
        "origin": _pick(rng, contract.ORIGINS, rows),
        "item_code": _pick(rng, items, rows),
        "group_tag": _pick(rng, contract.GROUP_TAGS, rows),
        "resident_name": names,
        "phone": phones,
        "is_proxy": _pick(rng, ["是", "否", "Y", "N", "1", "0"], rows),
        "dispatched_at": ts(dispatched),
        "accepted_at": ts(accepted),
        "replied_at": pc.if_else(done, ts(closed), pa.nulls(rows, pa.string())),
        "promised_days": _null_some(rng, _pick(rng, ["0", "1", "3", "5", "10"], rows), 0.5),
        "closed_at": pc.if_else(done, ts(closed), pa.nulls(rows, pa.string())),
        "status": status,
        "handler": _pick(rng, [s + g for s in SURNAMES[:10] for g in GIVEN[:10]], rows),
        "in_assessment": _pick(rng, ["是", "是", "否"], rows),
        "survey_valid": _pick(rng, ["是", "否"], rows),
        "contacted": _pick(rng, ["是", "否"], rows),
        "solved": _pick(rng, ["是", "否"], rows),
        "satisfaction": _pick(rng, ["满意"] * 8 + ["基本满意", "不满意"], rows),
        "score": _pick(rng, ["5", "5", "4", "3", "2", "1"], rows),
        "dissatisfaction_reason": _null_some(rng, _pick(rng, ["办理慢", "态度一般", "多次跑腿"], rows), 0.9),
    }
    headers = contract.chinese_headers("service_records")
    return pa.table({headers[k]: v for k, v in cols.items()})


def write_csv(table: pa.Table, path: Path, encoding: str = "utf-8") -> None:
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="needed"))
    if encoding != "utf-8":
        path.write_bytes(path.read_bytes().decode("utf-8").encode(encoding))


def write_xlsx(table: pa.Table, path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("服务记录")
    sheet.write_row(0, 0, table.column_names)
    columns = [c.to_pylist() for c in table.columns]
    for i, row in enumerate(zip(*columns), start=1):
        sheet.write_row(i, 0, ["" if v is None else v for v in row])
    book.close()


def base_db(path: Path) -> list[str]:
    """The database every timed import starts from; returns its center ids."""
    from dangqun import demo

    demo.build(path, records=1000)
    with db.opened(path) as con:
        con.execute("delete from service_records")
        con.execute("checkpoint")
        return [r[0] for r in con.execute("select center_id from centers order by 1").fetchall()]


def _timed_import(work: Path, name: str, file: Path) -> tuple[float, dict]:
    from dangqun import ingest

    dbp = work / f"{name}.duckdb"
    shutil.copy(work / "base.duckdb", dbp)
    con = db.connect(dbp)
    try:
        t0 = time.perf_counter()
        (report,) = ingest.import_files(con, [file], db_path=dbp)
        return time.perf_counter() - t0, report.to_json()
    finally:
        con.close()
        for p in (dbp, Path(f"{dbp}.wal")):
            p.unlink(missing_ok=True)


def run_import_bench(rows: int = 1_000_000, xlsx_rows: int = 100_000, records: int | None = None) -> int:
    if records:
        return 0 if publish_times(records, rows)["ok"] else 1
    ok, _ = import_rates(rows, xlsx_rows)
    return 0 if ok else 1


# the import into a published database may take at most this much longer than the import alone took before
# the importer published versions (README 性能: the same import on the same machine before the change)
TARGET_IMPORT_RATIO = 1.5


def publish_times(records: int, rows: int = 1_000_000) -> dict:
    """`bench import --records N`: `rows` new records (UTF-8 CSV) into the bench's demo database of `records`
    records, as the importer runs it while servers read: the import in the working copy (under the lock), then
    checkpoint and publish, then a reader opening the new version and answering the 总览's kpi_summary — the
    time until the new version is served. Prints a line and returns the figures."""
    from dangqun import ingest, publish
    from dangqun.bench import pages as page_bench

    source = page_bench.bench_db(records)
    # beside the bench's databases: a copy of a 20M-record database does not fit every /tmp
    with tempfile.TemporaryDirectory(prefix="dangqun-bench-", dir=page_bench.BENCH_DIR) as tmp:
        work = Path(tmp)
        path = work / "served.duckdb"
        t0 = time.perf_counter()
        shutil.copy(source, path)
        publish.prepare(path)
        readers = publish.Readers(path)
        before = readers.get()
        con = db.connect(path, read_only=True)
        try:
            centers = [r[0] for r in con.execute("select center_id from centers order by 1").fetchall()]
        finally:
            con.close()
        table = records_table(rows, centers, seed=11)
        ids = pc.binary_join_element_wise(pa.array(np.full(rows, "PUB-", dtype=object), pa.string()),
                                          table.column(0), "")
        export = work / "records.csv"
        write_csv(table.set_column(0, table.column_names[0], ids), export)
        del table
        print(f"数据库 {records:,} 条记录（复制并发布 {time.perf_counter() - t0:.0f} s）；导入 {rows:,} 行", flush=True)
        kpi = {"region": "21", "start": dt.date(2021, 1, 1), "end": dt.date(2023, 12, 31), "category": "",
               "channel": ""}
        t0 = time.perf_counter()
        with publish.importing(path, who="bench") as working:
            (report,) = ingest.import_files(working, [export], db_path=path)
            imported = time.perf_counter() - t0
        published = time.perf_counter() - t0
        reader = readers.get()
        served_received = int(db.run(reader, "kpi_summary", kpi)["received"].iloc[0])
        served = time.perf_counter() - t0
        old_received = int(db.run(before, "kpi_summary", kpi)["received"].iloc[0])
        size_gb = publish.current(path).stat().st_size / 1e9
    result = {"records": records, "rows": rows, "imported": report.imported, "import_s": round(imported, 2),
              "publish_s": round(published - imported, 2), "served_s": round(served, 2), "version_gb": round(size_gb, 2),
              "received_before": old_received, "received_after": served_received,
              "ok": report.imported == rows and served_received == old_received + rows}
    print(f"导入 {result['import_s']:.2f} s（新增 {report.imported:,}）；检查点与发布 {result['publish_s']:.2f} s"
          f"（版本 {size_gb:.2f} GB）；到新版本被读到共 {result['served_s']:.2f} s；"
          f"受理量 {old_received:,} → {served_received:,}" + ("  ✓" if result["ok"] else "  ✗"), flush=True)
    return result


def import_rates(rows: int = 1_000_000, xlsx_rows: int = 100_000) -> tuple[bool, dict[str, float]]:
    """Times the import of each export format, printing a line each; (all targets met, label → rows/s)."""
    rates = {}
    with tempfile.TemporaryDirectory(prefix="dangqun-bench-") as tmp:
        work = Path(tmp)
        centers = base_db(work / "base.duckdb")
        t0 = time.perf_counter()
        table = records_table(rows, centers)
        files = {"UTF-8 CSV": (work / "records_utf8.csv", rows), "GBK CSV": (work / "records_gbk.csv", rows)}
        write_csv(table, files["UTF-8 CSV"][0])
        write_csv(table, files["GBK CSV"][0], "gbk")
        if xlsx_rows:
            files["XLSX"] = (work / "records.xlsx", xlsx_rows)
            write_xlsx(table.slice(0, xlsx_rows), files["XLSX"][0])
        del table
        print(f"数据库：{len(centers)} 个中心；生成测试文件 / generated exports: {time.perf_counter() - t0:.1f} s", flush=True)
        targets = {"UTF-8 CSV": 10.0 * rows / 1_000_000, "GBK CSV": 20.0 * rows / 1_000_000}
        ok = True
        for label, (path, n) in files.items():
            secs, rep = _timed_import(work, label.split()[0].replace("-", "").lower(), path)
            target = targets.get(label)
            verdict = "" if target is None else ("  ✓" if secs <= target else f"  ✗ (目标 ≤ {target:.0f} s)")
            ok &= target is None or secs <= target
            rates[label] = round(n / secs)
            print(f"{label:10s} {n:>10,} 行  {path.stat().st_size / 1e6:7.1f} MB  {secs:6.2f} s  "
                  f"{n / secs:>10,.0f} 行/s  新增 {rep['imported']:,} 隔离 {rep['quarantined']:,}{verdict}", flush=True)
    return ok, rates
