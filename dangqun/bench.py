"""`python -m dangqun bench import`: import speed of a service-records export (DESIGN §7 targets:
1,000,000 rows ≤ 10 s as UTF-8 CSV, ≤ 20 s as GBK; XLSX reported).

The database is the demo's dictionaries and centers (`dangqun.demo.build` with a token number of records,
which are then deleted; a small built-in set when the demo is not available). The export is generated
here, vectorised (numpy + pyarrow), with the canonical Chinese headers and some of the messiness of real
exports (two date styles, 是/否 as 是/否/Y/N/1/0), so the bench measures the importer, not a generator:
samples.write_export would first need a million records in a database.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from dangqun import contract, db

ROOT = Path(__file__).resolve().parent.parent
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红")


def setup_db(path: Path, centers: int = 500, seed: int = 1) -> list[str]:
    """Dictionaries (catalog from sample_data, a few regions) and `centers` centers; returns center ids."""
    con = db.connect(path)
    try:
        con.execute("insert into catalog select * from read_csv($p, all_varchar = true, header = true)",
                    {"p": str(ROOT / "sample_data" / "catalog.csv")})
        con.execute("""insert into regions values
            ('210000000000', '辽宁省', '省', null), ('210600000000', '丹东市', '市', '210000000000'),
            ('210681000000', '东港市', '县', '210600000000'), ('210681107000', '孤山镇', '乡镇街道', '210681000000')""")
        con.execute("""insert into regions select '210681107' || lpad(cast(i as varchar), 3, '0'), '第' || i || '村',
            '村社区', '210681107000' from range(1, 400) t(i)""")
        con.execute(f"""insert into centers (center_id, center_name, region_code, center_type)
            select 'C' || lpad(cast(i as varchar), 5, '0'), '第' || i || '中心',
                   '210681107' || lpad(cast(i % 399 + 1 as varchar), 3, '0'), '村级党群服务中心'
            from range({centers}) t(i)""")
        return [r[0] for r in con.execute("select center_id from centers").fetchall()]
    finally:
        con.close()


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
    try:
        from dangqun import demo
    except ImportError:
        return setup_db(path)
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


def run_import_bench(rows: int = 1_000_000, xlsx_rows: int = 100_000) -> int:
    ok, _ = import_rates(rows, xlsx_rows)
    return 0 if ok else 1


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


# ── `python -m dangqun bench [--records N] [--json] [--sessions K]`: the pages at provincial scale ──
#
# Each page script runs through Streamlit's AppTest on a fixed sequence of filter changes, with the data
# caches cleared before every timed run so the database work is measured; the same page computed with
# pandas over one DataFrame of all records (dangqun.bench_pandas) is timed on the same filters.
# Streamlit is imported here only inside functions: this is a harness around the app, like the page tests.

# the cached demo databases (ignored by git); DANGQUN_BENCH_DIR moves them (the tests use a temp dir)
BENCH_DIR = Path(os.environ.get("DANGQUN_BENCH_DIR") or ROOT / ".bench")
SIZES = (1_000_000, 5_000_000, 20_000_000)
PAGE_FILES = ("app.py", "pages/brands.py", "pages/funds.py", "pages/satisfaction.py", "pages/services.py",
              "pages/records.py", "pages/data_import.py")
ROUNDS = 3
# DESIGN §7 targets at 20M records
TARGET_MEDIAN_MS, TARGET_P95_MS, TARGET_RATIO, TARGET_RSS_MB, TARGET_FIGURE_KB = 300, 800, 5, 1536, 200


def bench_db(records: int) -> Path:
    """The demo database with `records` service records, built once and kept under .bench/."""
    from dangqun import demo

    path = BENCH_DIR / f"demo-{records}.duckdb"
    if not path.exists():
        BENCH_DIR.mkdir(exist_ok=True)
        t0 = time.perf_counter()
        demo.build(path, records=records)
        print(f"生成演示库 {path.name}: {time.perf_counter() - t0:.0f} s", flush=True)
    return path


def _drill_path(path: Path, county_rank: int = 0) -> dict[str, str]:
    """A city, one of its counties and one of its towns with centers: the region steps of the sequence."""
    con = db.connect(path)  # the app's configuration: DuckDB shares one instance per file and config
    try:
        counties = [r[0] for r in con.execute(
            "select rpad(left(region_code, 6), 12, '0') as c from centers group by 1 order by count(*) desc, 1"
        ).fetchall()]
        county = counties[county_rank % len(counties)]
        town = con.execute("select min(rpad(left(region_code, 9), 12, '0')) from centers where region_code like $p",
                           {"p": county[:6] + "%"}).fetchone()[0]
    finally:
        con.close()
    return {"city": county[:4] + "0" * 8, "county": county, "town": town}


def steps(drill: dict[str, str]) -> list[tuple[str, str | None, str | None]]:
    """(label, widget key, value): province-wide, a city, a county, a town, another period, a comparison."""
    return [("全省", None, None), ("市", "f_city", drill["city"]), ("县区", "f_county", drill["county"]),
            ("乡镇", "f_town", drill["town"]), ("本季度", "f_period", "quarter"), ("环比", "f_compare", "mom")]


def use_demo_accounts() -> None:
    """The demo accounts (issue 4's login gate) in an accounts file of the bench's own."""
    from dangqun import auth

    path = BENCH_DIR / "users.toml"
    if not path.exists():
        BENCH_DIR.mkdir(exist_ok=True)
        auth.add_demo_accounts(path)
    os.environ["DANGQUN_USERS"] = str(path)


def _login(at) -> None:
    """Sign in as the demo administrator through the login form, as tests/conftest.py log_in does."""
    from dangqun import auth

    at.text_input(key="login_user").input("admin")
    at.text_input(key="login_password").input(auth.DEMO_PASSWORD)
    at.button(key="login_submit").click()
    at.run()
    if any(w.key == "login_user" for w in at.text_input):
        # e.g. locked after failed logins: timing the login form would measure nothing
        shown = [e.value for e in at.error] + [e.value for e in at.info]
        raise RuntimeError(f"演示管理员登录失败 / demo admin login failed: {shown}")


def open_app(page: str):
    """An AppTest signed in and showing `page` (province-wide), as an official arriving there."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    _login(at)
    if page != "app.py":
        at.switch_page(page).run()
    return at


def _apply(at, key: str | None, value: str | None) -> None:
    if key:
        at.selectbox(key=key).set_value(value)


def _errors(at) -> list[str]:
    return [e.message for e in at.exception]


def figure_kb(at) -> float:
    """The largest Plotly figure JSON the last run sent, in KB."""
    sizes = [len(el.proto.spec.encode("utf-8")) for el in at.get("plotly_chart")]
    return max(sizes, default=0) / 1024


def _step_params(at) -> tuple[dict, dict | None, int]:
    """The bound query parameters the page just used: now, the comparison period's, child_digits."""
    from dangqun import filters, regions

    f = at.session_state["_filters"]
    before = f.params(f.compare_period, regions.PROVINCE) if f.compare_period else None
    return f.params(None, regions.PROVINCE), before, filters.child_digits(f.region(regions.PROVINCE))


def time_pages(path: Path, pages=PAGE_FILES, rounds: int = ROUNDS) -> tuple[dict, list, float]:
    """Per page the script times (ms) of `rounds` passes over the filter steps, the parameters each step
    used (for the pandas run) and the largest figure sent."""
    import streamlit as st

    os.environ["DANGQUN_DB"] = str(path)
    use_demo_accounts()
    st.cache_resource.clear()
    sequence = steps(_drill_path(path))
    times, used, max_kb = {}, {}, 0.0
    for page in pages:
        times[page], used[page] = [], []
        for _ in range(rounds):
            at = open_app(page)
            for label, key, value in sequence:
                _apply(at, key, value)
                st.cache_data.clear()
                t0 = time.perf_counter()
                at.run()
                times[page].append((time.perf_counter() - t0) * 1000)
                if errs := _errors(at):
                    raise RuntimeError(f"{page} {label}: {errs[0]}")
                max_kb = max(max_kb, figure_kb(at))
                used[page].append(_step_params(at))
    return times, used, max_kb


def time_pandas(path: Path, used: dict) -> dict[str, list[float]]:
    """The same steps computed the pandas way, over frames loaded once (load time not counted)."""
    from dangqun import bench_pandas

    con = db.connect(path)
    try:
        data = bench_pandas.load(con)
    finally:
        con.close()
    out = {}
    for page, steps_used in used.items():
        fn = bench_pandas.PAGES[page]
        out[page] = []
        for params, before, child_digits in steps_used:
            t0 = time.perf_counter()
            fn(data, params, before, child_digits)
            out[page].append((time.perf_counter() - t0) * 1000)
    return out


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so a
    size run in a child process would report its parent's peak."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def page_name(page: str) -> str:
    return Path(page).stem if page != "app.py" else "overview"


def run_pages_bench(records: int, pages=PAGE_FILES, rounds: int = ROUNDS, with_pandas: bool = True) -> dict:
    """One size: the JSON object of `bench --json`."""
    path = bench_db(records)
    times, used, max_kb = time_pages(path, pages, rounds)
    rss = peak_rss_mb()  # before pandas loads its frames: the app's own footprint
    pandas_times = time_pandas(path, used) if with_pandas else {}
    result = {"records": records, "pages": {}, "rss_mb": round(rss, 1), "max_figure_kb": round(max_kb, 1),
              "import_rows_per_s": {}}
    for page in pages:
        ours = _pct(times[page], 50)
        theirs = _pct(pandas_times.get(page, []), 50)
        result["pages"][page_name(page)] = {
            "median_ms": round(ours, 1), "p95_ms": round(_pct(times[page], 95), 1),
            "pandas_median_ms": round(theirs, 1) if pandas_times else None,
            "ratio": round(theirs / ours, 1) if pandas_times and ours else None}
    return result


def print_table(result: dict) -> None:
    print(f"\n服务记录 {result['records']:,} 条（每页按 6 次筛选的序列运行，每次运行前清空缓存）")
    print(f"{'页面':14s} {'中位数 ms':>10s} {'P95 ms':>9s} {'pandas ms':>10s} {'倍数':>6s}")
    for name, p in result["pages"].items():
        ratio = "—" if p["ratio"] is None else f"{p['ratio']:.1f}×"
        theirs = "—" if p["pandas_median_ms"] is None else f"{p['pandas_median_ms']:.0f}"
        print(f"{name:14s} {p['median_ms']:>10.0f} {p['p95_ms']:>9.0f} {theirs:>10s} {ratio:>6s}")
    print(f"峰值内存 RSS {result['rss_mb']:.0f} MB（目标 ≤ {TARGET_RSS_MB} MB）；"
          f"最大图表 JSON {result['max_figure_kb']:.1f} KB（目标 ≤ {TARGET_FIGURE_KB} KB）")
    for label, rate in result["import_rows_per_s"].items():
        print(f"导入 {label}: {rate:,.0f} 行/秒")


# ── `bench --sessions K`: K simultaneous sessions, and an import while they read ────────────────

def _session(page_cycle: list[str], sequence, stop_at: float, out: dict) -> None:
    """One official: opens pages in turn and clicks through the filter steps until `stop_at`."""
    from dangqun import ui

    i = 0
    while time.perf_counter() < stop_at:
        page = page_cycle[i % len(page_cycle)]
        i += 1
        try:
            at = open_app(page)
            for _label, key, value in sequence:
                if time.perf_counter() >= stop_at:
                    break
                _apply(at, key, value)
                t0 = time.perf_counter()
                at.run()
                out["times"].append((time.perf_counter() - t0) * 1000)
                # the version the run's queries were cached under, by when the run started
                out["versions"].append((t0, at.session_state[ui.RUN_VERSION]))
                if errs := _errors(at):
                    out["errors"].extend(errs)
                    break  # the widgets of a failed run are missing: start the session over
        except Exception as exc:  # noqa: BLE001 - a failed session is a finding, counted and reported
            out["errors"].append(repr(exc))


def _runtime_for_threads() -> None:
    """Make AppTest's process-wide state hold for several sessions at once, as the server's does.

    AppTest swaps a mock Runtime into a process-wide slot for each run and empties it afterwards, so
    a session finishing its run would pull the Runtime from under the others: while the slot is empty,
    hand out the last mock seen (they are all alike). It also resets the class-wide
    PagesManager.uses_pages_directory before each run, and compiles the scripts afresh with a
    ScriptCache of its own per run; the server keeps one ScriptCache (which compiles under a lock:
    CPython 3.11's parser is not safe to run in two threads at once) and a fixed pages mode. And each
    run patches streamlit.config.get_option for its duration (global.appTest), so a session ending its
    run unpatched it under another one mid-script (its selectboxes then kept no format_func:
    "KeyError('$$ID-…-f_city')"): here it is patched once for the whole process. Only the bench runs
    AppTests in threads."""
    import contextlib

    from streamlit import config
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.runtime import Runtime
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, util

    config.get_option = util.build_mock_config_get_option({"global.appTest": True})
    app_test.patch_config_options = lambda overrides: contextlib.nullcontext()

    class KeepPagesMode:
        """Stands for PagesManager in app_test: its per-run reset of the pages mode lands on this
        stand-in, while constructing still makes a PagesManager. (A session whose script read the
        mode in the instant of another's reset ran app.py instead of its page: "Could not find page".)"""

        def __call__(self, *args, **kwargs):
            return PagesManager(*args, **kwargs)

    shared_cache = ScriptCache()
    app_test.ScriptCache = lambda: shared_cache
    app_test.PagesManager = KeepPagesMode()
    last = {}

    def instance(cls):
        if cls._instance is not None:
            last["runtime"] = cls._instance
            return cls._instance
        if "runtime" in last:
            return last["runtime"]
        raise RuntimeError("Runtime hasn't been created!")

    Runtime.instance = classmethod(instance)
    Runtime.exists = classmethod(lambda cls: cls._instance is not None or "runtime" in last)


def run_sessions_bench(records: int, sessions: int = 20, seconds: float = 60, import_rows: int = 10_000) -> dict:
    """`sessions` threads, each its own AppTest and drill path, for `seconds`; halfway an import of
    `import_rows` records commits on the app's own connection (one DuckDB file, one process)."""
    import threading

    import streamlit as st

    from dangqun import ingest, ui

    # a copy: the import (and the sessions' audit rows) must not change the cached database other runs time
    path = BENCH_DIR / f"sessions-{records}.duckdb"
    shutil.copy(bench_db(records), path)
    Path(f"{path}.wal").unlink(missing_ok=True)
    os.environ["DANGQUN_DB"] = str(path)
    use_demo_accounts()
    _runtime_for_threads()
    st.cache_resource.clear()
    st.cache_data.clear()
    con = ui.connection()
    centers = [r[0] for r in con.cursor().execute("select center_id from centers order by 1").fetchall()]
    pages = list(PAGE_FILES[:-1])  # 数据导入 is an administrator's page, not the clicking officials'
    start = time.perf_counter()
    stop_at = start + seconds
    outs = [{"times": [], "errors": [], "versions": []} for _ in range(sessions)]
    threads = [threading.Thread(target=_session, daemon=True,
                                args=(pages[i:] + pages[:i], steps(_drill_path(path, i)), stop_at, outs[i]))
               for i in range(sessions)]
    for th in threads:
        th.start()
    time.sleep(seconds / 2)
    version_before = ui.data_version()
    with tempfile.TemporaryDirectory(prefix="dangqun-bench-") as tmp:
        export = Path(tmp) / "records.csv"
        table = records_table(import_rows, centers, seed=int(time.time()))
        # fresh ids, so the rows are new records and not updates of the demo's
        ids = pc.binary_join_element_wise(pa.array(np.full(import_rows, f"BENCH{int(time.time())}-", dtype=object),
                                                   pa.string()), table.column(0), "")
        write_csv(table.set_column(0, table.column_names[0], ids), export)
        t0 = time.perf_counter()
        (report,) = ingest.import_files(con.cursor(), [export], db_path=path)
        committed_at = time.perf_counter()
    version_after = ui.data_version()
    for th in threads:
        th.join()
    times = [t for o in outs for t in o["times"]]
    errors = [e for o in outs for e in o["errors"]]
    seen_after = [v for o in outs for (started, v) in o["versions"] if started > committed_at]
    return {"records": records, "sessions": sessions, "seconds": seconds, "page_runs": len(times),
            "errors": len(errors), "first_errors": errors[:3],
            "median_ms": round(_pct(times, 50), 1), "p95_ms": round(_pct(times, 95), 1),
            "import": {"rows": report.imported, "seconds": round(committed_at - t0, 2),
                       "version_before": version_before, "version_after": version_after,
                       "runs_after_commit": len(seen_after),
                       "runs_after_commit_on_new_version": sum(v == version_after for v in seen_after)}}


def print_sessions(result: dict) -> None:
    imp = result["import"]
    print(f"\n{result['sessions']} 个并发会话 × {result['seconds']:.0f} s，服务记录 {result['records']:,} 条（缓存开启）")
    print(f"页面运行 {result['page_runs']} 次，错误 {result['errors']} 个；中位数 {result['median_ms']:.0f} ms，"
          f"P95 {result['p95_ms']:.0f} ms")
    for e in result["first_errors"]:
        print(f"  错误：{e}")
    print(f"读取期间导入 {imp['rows']:,} 条：{imp['seconds']:.2f} s，数据版本 {imp['version_before']} → "
          f"{imp['version_after']}；提交后 {imp['runs_after_commit']} 次运行中 "
          f"{imp['runs_after_commit_on_new_version']} 次读到新版本")


def main(records: int | None = None, as_json: bool = False, sessions: int = 0, rounds: int = ROUNDS,
         pages=PAGE_FILES, import_rows: int = 1_000_000, seconds: float = 60) -> int:
    """`python -m dangqun bench`: each size in turn (all of SIZES unless `records`)."""
    import contextlib
    import sys

    if not records:
        return _each_size(as_json, sessions, rounds, import_rows, seconds, pages)
    # progress lines go to stderr under --json, so stdout is the one JSON object
    with contextlib.redirect_stdout(sys.stderr) if as_json else contextlib.nullcontext():
        if sessions:
            result = run_sessions_bench(records, sessions, seconds)
        else:
            result = run_pages_bench(records, pages, rounds)
            # after the pages, so the peak RSS reported is the app's, not the importer's
            if import_rows:
                result["import_rows_per_s"] = import_rates(import_rows, import_rows // 10)[1]
    _print(result, as_json)
    return 0 if result.get("errors", 0) == 0 else 1


def _print(result: dict, as_json: bool) -> None:
    import json

    if as_json:
        print(json.dumps(result, ensure_ascii=False))
    elif "sessions" in result:
        print_sessions(result)
    else:
        print_table(result)


def _each_size(as_json, sessions, rounds, import_rows, seconds, pages) -> int:
    """Every size of SIZES, each in a process of its own so its peak RSS is its own; import rates once."""
    import json
    import subprocess
    import sys

    rates = {}
    if import_rows and not sessions:
        rates = import_rates(import_rows, import_rows // 10)[1]
    code = 0
    for n in SIZES:
        cmd = [sys.executable, "-m", "dangqun", "bench", "--records", str(n), "--json", "--import-rows", "0",
               "--rounds", str(rounds), "--seconds", str(seconds), "--pages", *pages] + (["--sessions", str(sessions)] if sessions else [])
        done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        code = code or done.returncode
        result = json.loads(done.stdout.strip().splitlines()[-1])
        if not sessions:
            result["import_rows_per_s"] = rates
        _print(result, as_json)
    return code
