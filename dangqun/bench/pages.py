"""`python -m dangqun bench [--records N]`: the page times at provincial scale (README 性能).

Each benched page (registry.benched()) runs through Streamlit's AppTest (harness.py) on a fixed sequence
of filter changes, with the data caches cleared before every timed run so the database work is measured;
the same page computed with pandas over one DataFrame of all records (pandas_way.py) is timed on the
same filters, up to PANDAS_MAX_RECORDS. The demo databases, the drill path and the filter steps here are the
sessions bench's too; from FIVE_YEAR_RECORDS on the demo database spans 2018–2022 (demo.build's years).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from dangqun import db, demo, registry
from dangqun.bench import harness, pandas_way

# the cached demo databases (ignored by git); DANGQUN_BENCH_DIR moves them (the tests use a temp dir)
BENCH_DIR = Path(os.environ.get("DANGQUN_BENCH_DIR") or registry.ROOT / ".bench")
SIZES = (1_000_000, 5_000_000, 20_000_000)
PAGE_FILES = tuple(p.file for p in registry.benched())
ROUNDS = 3
# From this size on the bench's demo database spans five years (2018–2022): a province that has run its
# centers for five years, not two years holding 50M+ records (over ten times the demo counties' real rate)
FIVE_YEAR_RECORDS = 50_000_000
# pandas_way loads every record into one DataFrame: above this size it would not fit in the bench machine's
# memory, so the comparison is left out (the table shows "—")
PANDAS_MAX_RECORDS = 20_000_000
# the targets at 20M records (README 性能)
TARGET_MEDIAN_MS, TARGET_P95_MS, TARGET_RATIO, TARGET_RSS_MB, TARGET_FIGURE_KB = 300, 800, 5, 1536, 200


def bench_years(records: int) -> int:
    """How many calendar years (ending 2022) the bench's demo database of `records` records spans."""
    return 5 if records >= FIVE_YEAR_RECORDS else 2


def bench_db(records: int) -> Path:
    """The demo database with `records` service records, built once and kept under .bench/."""
    years = bench_years(records)
    # named by the demo's content, so one built by an older release is not taken for today's
    path = BENCH_DIR / (f"demo-{records}-c{demo.CONTENT}.duckdb" if years == 2
                        else f"demo-{records}-{years}y-c{demo.CONTENT}.duckdb")
    if not path.exists():
        BENCH_DIR.mkdir(exist_ok=True)
        t0 = time.perf_counter()
        _build_apart(path, records, years)
        print(f"生成演示库 {path.name}（{years} 年）: {time.perf_counter() - t0:.0f} s，"
              f"{path.stat().st_size / 1e9:.2f} GB", flush=True)
    return path


def _build_apart(path: Path, records: int, years: int) -> None:
    """demo.build in a process of its own: the memory it held (gigabytes at 100M records) is given back
    before the pages are timed, and the peak RSS the bench reports stays the app's, not the builder's."""
    code = f"from dangqun import demo; demo.build({str(path)!r}, records={records}, years={years})"
    # stdout to nowhere: under --json this process's stdout carries only the result
    subprocess.run([sys.executable, "-c", code], cwd=registry.ROOT, stdout=subprocess.DEVNULL, check=True)


def drill_path(path: Path, county_rank: int = 0) -> dict[str, str]:
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


def use_demo_accounts(path: Path) -> None:
    """The demo accounts (the login gate) in the operational store beside the bench's database `path`."""
    from dangqun import auth, state

    os.environ.pop("DANGQUN_STATE_URL", None)
    auth.add_demo_accounts(state.open_store(db_path=path))


def _step_params(at) -> tuple[dict, dict | None, int]:
    """The bound query parameters the page just used: now, the comparison period's, child_digits."""
    from dangqun import filters, regions

    f = at.session_state["_filters"]
    before = f.params(f.compare_period, regions.PROVINCE) if f.compare_period else None
    return f.params(None, regions.PROVINCE), before, filters.child_digits(f.region(regions.PROVINCE))


def views(pages=PAGE_FILES) -> list[tuple[str, str, str | None]]:
    """(row name, page file, tab) of each timed view: every page as it opens (its first tab), and each
    further tab of a page with tabs (registry.Page.tabs) as "page·tab": only the open tab runs."""
    out = []
    for file in pages:
        page = registry.by_file(file)
        out.append((page.name, file, None))
        out += [(f"{page.name}·{tab}", file, tab) for tab in page.tabs[1:]]
    return out


def time_pages(path: Path, pages=PAGE_FILES, rounds: int = ROUNDS) -> tuple[dict, dict, float]:
    """Per view (views()) the script times (ms) of `rounds` passes over the filter steps, per page the
    parameters each step used (for the pandas run, which computes a page's first tab) and the largest
    figure sent."""
    os.environ["DANGQUN_DB"] = str(path)
    use_demo_accounts(path)
    harness.clear_caches(data=False, resources=True)
    sequence = steps(drill_path(path))
    times, used, max_kb = {}, {}, 0.0
    for row, page, tab in views(pages):
        times[row] = []
        if tab is None:
            used[page] = []
        for _ in range(rounds):
            at = harness.open_app(page)
            if tab is not None:
                at.session_state[registry.by_file(page).tab_key] = tab
            for label, key, value in sequence:
                harness.choose(at, key, value)
                harness.clear_caches()
                t0 = time.perf_counter()
                at.run()
                times[row].append((time.perf_counter() - t0) * 1000)
                if errs := harness.errors(at):
                    raise RuntimeError(f"{row} {label}: {errs[0]}")
                max_kb = max(max_kb, harness.figure_kb(at))
                if tab is None:
                    used[page].append(_step_params(at))
    return times, used, max_kb


def time_pandas(path: Path, used: dict) -> dict[str, list[float]]:
    """The same steps computed the pandas way, over frames loaded once (load time not counted)."""
    con = db.connect(path)
    try:
        data = pandas_way.load(con)
    finally:
        con.close()
    out = {}
    for page, steps_used in used.items():
        fn = pandas_way.PAGES[page]
        out[page] = []
        for params, before, child_digits in steps_used:
            t0 = time.perf_counter()
            fn(data, params, before, child_digits)
            out[page].append((time.perf_counter() - t0) * 1000)
    return out


def percentile(values: list[float], q: float) -> float:
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


def run_pages_bench(records: int, pages=PAGE_FILES, rounds: int = ROUNDS, with_pandas: bool = True) -> dict:
    """One size: the JSON object of `bench --json`."""
    path = bench_db(records)
    times, used, max_kb = time_pages(path, pages, rounds)
    rss = peak_rss_mb()  # before pandas loads its frames: the app's own footprint
    pandas_times = time_pandas(path, used) if with_pandas and records <= PANDAS_MAX_RECORDS else {}
    result = {"records": records, "pages": {}, "rss_mb": round(rss, 1), "max_figure_kb": round(max_kb, 1),
              "import_rows_per_s": {}}
    for row, page, tab in views(pages):
        ours = percentile(times[row], 50)
        # the yardstick computes what a page shows as it opens: a further tab has none
        theirs = percentile(pandas_times.get(page, []), 50) if tab is None else float("nan")
        yardstick = bool(pandas_times) and tab is None
        result["pages"][row] = {
            "median_ms": round(ours, 1), "p95_ms": round(percentile(times[row], 95), 1),
            "pandas_median_ms": round(theirs, 1) if yardstick else None,
            "ratio": round(theirs / ours, 1) if yardstick and ours else None}
    return result


def print_table(result: dict) -> None:
    print(f"\n服务记录 {result['records']:,} 条（每页按 6 次筛选的序列运行，每次运行前清空缓存）")
    print(f"{'页面':24s} {'中位数 ms':>10s} {'P95 ms':>9s} {'pandas ms':>10s} {'倍数':>6s}")
    for name, p in result["pages"].items():
        ratio = "—" if p["ratio"] is None else f"{p['ratio']:.1f}×"
        theirs = "—" if p["pandas_median_ms"] is None else f"{p['pandas_median_ms']:.0f}"
        print(f"{name:24s} {p['median_ms']:>10.0f} {p['p95_ms']:>9.0f} {theirs:>10s} {ratio:>6s}")
    print(f"峰值内存 RSS {result['rss_mb']:.0f} MB（目标 ≤ {TARGET_RSS_MB} MB）；"
          f"最大图表 JSON {result['max_figure_kb']:.1f} KB（目标 ≤ {TARGET_FIGURE_KB} KB）")
    for label, rate in result["import_rows_per_s"].items():
        print(f"导入 {label}: {rate:,.0f} 行/秒")
