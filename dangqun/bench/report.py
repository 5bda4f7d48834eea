"""`python -m dangqun bench report`: how long a county's monthly 通报 takes as Word and as PDF, the way
the 通报 page builds it (the named queries, then gbt9704.render) on the bench's demo database.

Issue 13's targets at 20M records: the docx in at most 5 s, the PDF in at most 15 s. The first file of a
process also starts the charts' Chromium (dangqun.charts.report keeps it per process, and the 通报 page
starts it when it opens), so that start is reported apart: `cold` is the first docx, `median` the
rounds after it."""
from __future__ import annotations

import contextlib
import json
import statistics
import sys
import time

from dangqun import alerts, db, gbt9704
from dangqun.bench.pages import bench_db, drill_path

TARGET_S = {"docx": 5.0, "pdf": 15.0}


def run(records: int, period: str = "2022-12", rounds: int = 3, as_json: bool = False) -> int:
    from dangqun.views import report

    # under --json the database build's progress line goes to stderr: stdout is the one JSON object
    with contextlib.redirect_stdout(sys.stderr) if as_json else contextlib.nullcontext():
        path = bench_db(records)
    con = db.connect(path)
    try:
        region = drill_path(path)["county"]
        name = db.run(con, "region_options", {}).set_index("region_code")["region_name"][region]
        rp = report.parse_period(period)

        def one(fmt: str) -> tuple[float, float, int]:
            t0 = time.perf_counter()
            rep = report.build(lambda q, params: db.run(con, q, params), region, name, rp, "yoy",
                               store=lambda period: alerts.ensure(con, period))
            t1 = time.perf_counter()
            data = gbt9704.render(rep, fmt)
            return t1 - t0, time.perf_counter() - t0, len(data)

        cold = one("docx")
        result = {"records": records, "region": f"{region} {name}", "period": period,
                  "cold_docx_s": round(cold[1], 2), "formats": {}}
        for fmt in ("docx", "pdf"):
            runs = [one(fmt) for _ in range(rounds)]
            total = statistics.median(r[1] for r in runs)
            result["formats"][fmt] = {"queries_s": round(statistics.median(r[0] for r in runs), 2),
                                      "median_s": round(total, 2), "bytes": runs[-1][2],
                                      "target_s": TARGET_S[fmt], "met": total <= TARGET_S[fmt]}
    finally:
        con.close()
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"通报基准：{result['region']} {period}，{records:,} 条记录；首份 Word（含启动 Chromium）"
              f"{result['cold_docx_s']:.2f} s")
        print(f"{'格式':<6}{'查询(s)':>10}{'合计中位数(s)':>16}{'目标(s)':>10}{'大小(KB)':>12}  达标")
        for fmt, r in result["formats"].items():
            print(f"{fmt:<6}{r['queries_s']:>10.2f}{r['median_s']:>16.2f}{r['target_s']:>10.0f}"
                  f"{r['bytes'] / 1024:>12,.0f}  {'是' if r['met'] else '否'}")
    return 0 if all(r["met"] for r in result["formats"].values()) else 1
