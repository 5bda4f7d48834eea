"""The shipped example exports import cleanly into a fresh database holding only the dictionaries
(`init`), and what lands equals the demo rows they were exported from."""
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ["centers.csv", "service_records_gbk.csv", "service_records.xlsx", "funds.csv", "activities.csv"]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "dangqun", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    path = tmp_path_factory.mktemp("samples") / "fresh.duckdb"
    init = cli("init", "--db", path)
    assert init.returncode == 0, init.stderr
    assert init.stdout.startswith("已载入字典：区划 45,547 条，服务事项 120 项")   # national to towns + the demo area
    run = cli("import", *(ROOT / "sample_data" / name for name in SAMPLES), "--db", path, "--json")
    assert run.returncode == 0, run.stderr
    return path, [json.loads(line) for line in run.stdout.splitlines()]


def test_every_example_export_imports_without_error(imported):
    _, reports = imported
    assert [(Path(r["file"]).name, r["kind"], r["encoding"]) for r in reports] == [
        ("centers.csv", "centers", "utf-8-sig"), ("service_records_gbk.csv", "service_records", "gbk"),
        ("service_records.xlsx", "service_records", "xlsx"), ("funds.csv", "funds", "utf-8"),
        ("activities.csv", "activities", "utf-8")]
    for r in reports:
        assert r["rows_read"] > 0
        assert (r["imported"], r["updated"], r["duplicates"], r["quarantined"], r["errors"]) == \
            (r["rows_read"], 0, 0, 0, [])


def test_imported_rows_equal_the_demo_rows_they_came_from(imported, demo_db):
    path, _ = imported
    con = duckdb.connect(str(path), read_only=True)
    con.execute(f"attach '{demo_db}' as demo (read_only)")
    # the GBK export writes times as platforms do, to the minute (2022/3/5 9:07): compare at that precision
    minute = lambda c: f"date_trunc('minute', {c}) as {c}"  # noqa: E731
    columns = ", ".join(["center_id", minute("received_at"), "channel", "origin", "item_code", "group_tag",
                         "is_proxy", minute("dispatched_at"), minute("accepted_at"), minute("replied_at"),
                         "promised_days", "due_on", minute("closed_at"), "status", "in_assessment", "survey_valid",
                         "contacted", "solved", "satisfaction", "score", "dissatisfaction_reason"])
    differing = con.execute(f"""
        select count(*) from (
            select record_id, {columns} from service_records
            except
            select record_id, {columns} from demo.service_records
            where record_id in (select record_id from service_records))""").fetchone()[0]
    assert con.execute("select count(*) from service_records").fetchone()[0] == 2605 + 470
    assert differing == 0
    for table, key in (("centers", "center_id"), ("funds", "project_id"), ("activities", "activity_id")):
        assert con.execute(f"""select count(*) from (select * from {table} except
                               select * from demo.{table} where {key} in (select {key} from {table}))""").fetchone()[0] == 0
    con.close()


def test_reimporting_the_examples_adds_nothing(imported):
    path, first = imported
    run = cli("import", *(ROOT / "sample_data" / name for name in SAMPLES), "--db", path, "--json")
    again = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(r["imported"], r["updated"], r["duplicates"]) for r in again] == \
        [(0, 0, r["rows_read"]) for r in first]
