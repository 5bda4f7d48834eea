"""`python -m dangqun bench --records N --sessions K`: K officials clicking through the pages at once, and
an import publishing a new version while they read (the importer writes the working copy, the sessions read
the published version and switch at their next run, as in the server).

Each session is a thread with its own AppTest (harness.py, patched to run in threads) and drill path,
cycling through the benched pages an official opens (not the administrators' pages) with the data caches
on, as in the server. Every error is counted; each run records the data version its queries used.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dangqun import ingest, publish, registry, state, ui
from dangqun.bench import harness, imports
from dangqun.bench import pages as page_bench


def _session(page_cycle: list[str], sequence, deadline: dict, out: dict) -> None:
    """One official: opens pages in turn and clicks through the filter steps until `deadline["stop_at"]`
    (read each time: the bench moves it when the import publishes late)."""
    i = 0
    while time.perf_counter() < deadline["stop_at"]:
        page = page_cycle[i % len(page_cycle)]
        i += 1
        try:
            at = harness.open_app(page)
            for _label, key, value in sequence:
                if time.perf_counter() >= deadline["stop_at"]:
                    break
                harness.choose(at, key, value)
                t0 = time.perf_counter()
                at.run()
                out["times"].append((time.perf_counter() - t0) * 1000)
                # the version the run's queries were cached under, by when the run started
                out["versions"].append((t0, at.session_state[ui.RUN_VERSION]))
                if errs := harness.errors(at):
                    out["errors"].extend(errs)
                    break  # the widgets of a failed run are missing: start the session over
        except Exception as exc:  # noqa: BLE001 - a failed session is a finding, counted and reported
            out["errors"].append(repr(exc))


def run_sessions_bench(records: int, sessions: int = 20, seconds: float = 60, import_rows: int = 10_000) -> dict:
    """`sessions` threads, each its own AppTest and drill path, for `seconds` (longer when the import
    publishes late: half of `seconds` is read after it); halfway an import of
    `import_rows` records is published by the importer (the working copy, under its lock) while they read."""
    # a copy: the import must not change the cached database other runs time; its versions and operational
    # store of an earlier run go with the old copy
    path = page_bench.BENCH_DIR / f"sessions-{records}.duckdb"
    shutil.copy(page_bench.bench_db(records), path)
    Path(f"{path}.wal").unlink(missing_ok=True)
    shutil.rmtree(publish.versions_dir(path), ignore_errors=True)
    Path(state.default_url(path).split("///", 1)[1]).unlink(missing_ok=True)
    os.environ["DANGQUN_DB"] = str(path)
    page_bench.use_demo_accounts(path)
    harness.run_in_threads()
    harness.clear_caches(resources=True)
    con = ui.connection()
    centers = [r[0] for r in con.cursor().execute("select center_id from centers order by 1").fetchall()]
    pages = [p.file for p in registry.benched() if not p.admin]
    start = time.perf_counter()
    # no end until the import has published: the runs after it are what the bench checks
    deadline = {"stop_at": float("inf")}
    outs = [{"times": [], "errors": [], "versions": []} for _ in range(sessions)]
    threads = [threading.Thread(target=_session, daemon=True,
                                args=(pages[i:] + pages[:i], page_bench.steps(page_bench.drill_path(path, i)),
                                      deadline, outs[i]))
               for i in range(sessions)]
    for th in threads:
        th.start()
    time.sleep(seconds / 2)
    version_before = ui.data_version()
    with tempfile.TemporaryDirectory(prefix="dangqun-bench-") as tmp:
        export = Path(tmp) / "records.csv"
        table = imports.records_table(import_rows, centers, seed=int(time.time()))
        # fresh ids, so the rows are new records and not updates of the demo's
        ids = pc.binary_join_element_wise(pa.array(np.full(import_rows, f"BENCH{int(time.time())}-", dtype=object),
                                                   pa.string()), table.column(0), "")
        imports.write_csv(table.set_column(0, table.column_names[0], ids), export)
        t0 = time.perf_counter()
        with publish.importing(path, who="bench") as working:
            (report,) = ingest.import_files(working, [export], db_path=path)
            imported_at = time.perf_counter()
        committed_at = time.perf_counter()       # published: the sessions' next runs read the new version
    deadline["stop_at"] = max(start + seconds, committed_at + seconds / 2)
    version_after = ui.data_version()
    for th in threads:
        th.join()
    times = [t for o in outs for t in o["times"]]
    errors = [e for o in outs for e in o["errors"]]
    seen_after = [v for o in outs for (started, v) in o["versions"] if started > committed_at]
    return {"records": records, "sessions": sessions, "seconds": round(time.perf_counter() - start, 1),
            "page_runs": len(times),
            "errors": len(errors), "first_errors": errors[:3],
            "median_ms": round(page_bench.percentile(times, 50), 1),
            "p95_ms": round(page_bench.percentile(times, 95), 1),
            "import": {"rows": report.imported, "seconds": round(imported_at - t0, 2),
                       "published_seconds": round(committed_at - t0, 2),
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
