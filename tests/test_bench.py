"""`python -m dangqun bench` end to end on a small demo database: the JSON it prints has the documented
shape and plausible contents. Never a timed assertion (targets are the benchmark's job, README 性能)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dangqun import demo

ROOT = Path(__file__).resolve().parent.parent


def _bench(tmp_path, *args) -> dict:
    env = dict(os.environ, DANGQUN_BENCH_DIR=str(tmp_path))
    env.pop("DANGQUN_DB", None)
    env.pop("DANGQUN_USERS", None)
    done = subprocess.run([sys.executable, "-m", "dangqun", "bench", "--records", "20000", "--json", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    (line,) = done.stdout.strip().splitlines()
    return json.loads(line)


def test_pages_bench_prints_one_json_object(tmp_path):
    out = _bench(tmp_path, "--pages", "app_pages/overview.py", "--rounds", "1", "--import-rows", "2000")
    assert set(out) == {"records", "pages", "rss_mb", "max_figure_kb", "import_rows_per_s"}
    assert out["records"] == 20000
    assert list(out["pages"]) == ["overview"]
    page = out["pages"]["overview"]
    assert set(page) == {"median_ms", "p95_ms", "pandas_median_ms", "ratio"}
    assert 0 < page["median_ms"] <= page["p95_ms"]
    assert page["pandas_median_ms"] > 0 and page["ratio"] > 0
    assert out["rss_mb"] > 0 and out["max_figure_kb"] > 0
    assert set(out["import_rows_per_s"]) == {"UTF-8 CSV", "GBK CSV", "XLSX"}
    assert (tmp_path / f"demo-20000-c{demo.CONTENT}.duckdb").exists()


def test_report_bench_times_a_county_report_as_word_and_pdf(tmp_path):
    out = _bench(tmp_path, "report", "--rounds", "1")
    assert out["records"] == 20000 and out["period"] == "2022-12"
    assert out["cold_docx_s"] > 0
    assert list(out["formats"]) == ["docx", "pdf"]
    for fmt, target in (("docx", 5.0), ("pdf", 15.0)):
        r = out["formats"][fmt]
        assert 0 < r["queries_s"] <= r["median_s"] and r["bytes"] > 10_000
        assert r["target_s"] == target and r["met"] == (r["median_s"] <= target)


def test_sessions_bench_reads_through_an_import(tmp_path):
    out = _bench(tmp_path, "--sessions", "2", "--seconds", "10")
    assert out["errors"] == 0, out["first_errors"]
    assert out["page_runs"] > 0
    imp = out["import"]
    assert imp["rows"] == 10_000
    # a new published version (file name : data version), one data version on
    (file_before, data_before), (file_after, data_after) = (v.split(":") for v in (imp["version_before"],
                                                                                 imp["version_after"]))
    assert file_after > file_before and int(data_after) == int(data_before) + 1
    assert 0 < imp["seconds"] <= imp["published_seconds"]
    # the version each run's queries used: every run begun after the publish uses the new one
    assert imp["runs_after_commit"] > 0
    assert imp["runs_after_commit"] == imp["runs_after_commit_on_new_version"]


def test_load_bench_serves_officials_through_the_proxy(tmp_path):
    """Three simulated officials and one in Chromium for 20 s, with 1 and then 2 workers behind HAProxy."""
    env = dict(os.environ, DANGQUN_BENCH_DIR=str(tmp_path))
    env.pop("DANGQUN_DB", None)
    env.pop("DANGQUN_USERS", None)
    done = subprocess.run([sys.executable, "-m", "dangqun", "bench", "load", "--records", "20000", "--json",
                           "--users", "3", "--think", "2", "--minutes", "0.35", "--workers", "1,2", "--browsers", "1"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:] + done.stdout[-2000:]
    one, two = (json.loads(line) for line in done.stdout.strip().splitlines())
    assert (one["workers"], two["workers"]) == (1, 2) and one["users"] == two["users"] == 3
    for r in (one, two):
        assert r["errors"] == 0, r["first_errors"]
        assert r["runs"] == sum(p["runs"] for p in r["pages"].values()) > 3
        assert r["pages"]["登录"]["runs"] == 3
        assert all(0 < p["p50_ms"] <= p["p95_ms"] <= p["max_ms"] for p in r["pages"].values())
        assert len(r["cpu_percent_per_worker"]) == r["workers"]
        assert all(t["runs"] > 0 for t in r["browser_pages"].values())
        # after the arrival: the last of 3 officials came 0.6 s in (0.2 s apart), then one mean think time (2 s)
        assert r["settled_after_s"] == 2.6
        assert 0 < sum(p["runs"] for p in r["settled_pages"].values()) < r["runs"]
        assert all(p["runs"] <= r["pages"][label]["runs"] for label, p in r["settled_pages"].items())


def test_bench_db_spans_five_years_from_50m_records(tmp_path, monkeypatch):
    """No build here: which database a size gets, under which name (the demo's content in it: an older
    release's cache is not taken for today's)."""
    from dangqun.bench import pages

    built = []

    def fake_build(path, records, years):
        built.append((path.name, records, years))
        path.write_bytes(b"x")

    monkeypatch.setattr(pages, "BENCH_DIR", tmp_path)
    monkeypatch.setattr(pages, "_build_apart", fake_build)
    c = demo.CONTENT
    assert pages.bench_db(20_000_000).name == f"demo-20000000-c{c}.duckdb"
    assert pages.bench_db(pages.FIVE_YEAR_RECORDS).name == f"demo-{pages.FIVE_YEAR_RECORDS}-5y-c{c}.duckdb"
    assert pages.bench_db(100_000_000).name == f"demo-100000000-5y-c{c}.duckdb"
    pages.bench_db(100_000_000)     # cached: not built again
    assert built == [(f"demo-20000000-c{c}.duckdb", 20_000_000, 2), (f"demo-{pages.FIVE_YEAR_RECORDS}-5y-c{c}.duckdb",
                     pages.FIVE_YEAR_RECORDS, 5), (f"demo-100000000-5y-c{c}.duckdb", 100_000_000, 5)]


def test_no_pandas_comparison_above_20m_records(tmp_path, monkeypatch, capsys):
    """pandas_way holds every record in one DataFrame: at 100M that does not fit, so it is not run."""
    from dangqun.bench import pages

    def no_pandas(*args):
        raise AssertionError("pandas comparison run above PANDAS_MAX_RECORDS")

    monkeypatch.setattr(pages, "bench_db", lambda records: tmp_path / "demo.duckdb")
    monkeypatch.setattr(pages, "time_pages",
                        lambda path, files, rounds: ({"overview": [10.0, 20.0]}, {"app_pages/overview.py": []}, 1.0))
    monkeypatch.setattr(pages, "time_pandas", no_pandas)
    result = pages.run_pages_bench(100_000_000, pages=("app_pages/overview.py",), rounds=1)
    assert result["pages"]["overview"]["pandas_median_ms"] is None and result["pages"]["overview"]["ratio"] is None
    pages.print_table(result)
    assert "—" in capsys.readouterr().out
