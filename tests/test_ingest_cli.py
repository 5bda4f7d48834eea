"""`python -m dangqun import`: the --json lines, exit codes, a locked database, a killed import."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dangqun import db
from dangqun.bench import imports as bench

ROOT = Path(__file__).resolve().parent.parent
KEYS = ["file", "kind", "encoding", "rows_read", "imported", "updated", "duplicates", "quarantined", "errors", "notes"]
HEAD = "受理编号,中心编码,受理时间,事项编码,办理状态,服务对象,联系电话,评分\n"


def make_db(path: Path) -> Path:
    with db.opened(path) as con:
        con.execute("insert into catalog select * from read_csv($p, all_varchar = true, header = true)",
                    {"p": str(ROOT / "sample_data" / "catalog.csv")})
        con.execute("insert into regions values ('210681107201', '某村', '村社区', '210681107000')")
        con.execute("insert into centers (center_id, center_name, region_code, center_type) values "
                    "('C001', '某村党群服务中心', '210681107201', '村级党群服务中心')")
    return path


def cli(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "dangqun", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})


def counts(path):
    with db.opened(path, read_only=True) as con:
        return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in db.TABLES}


def test_json_lines_and_exit_codes(tmp_path):
    dbp = make_db(tmp_path / "t.duckdb")
    good = tmp_path / "good.csv"
    good.write_text(HEAD + "R1,C001,2022-03-05 09:07,0101,已办结,张三,13812345678,5\n"
                           "R2,C001,2022-03-05 09:07,0101,已办结,李四,13812345679,7\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("编号,名称\n1,2\n", encoding="utf-8")

    p = cli("import", good, "--db", dbp, "--json")
    assert p.returncode == 0, p.stderr
    (line,) = p.stdout.splitlines()
    out = json.loads(line)
    assert list(out) == KEYS
    assert out == {"file": str(good), "kind": "service_records", "encoding": "utf-8", "rows_read": 2, "imported": 1,
                   "updated": 0, "duplicates": 0, "quarantined": 1,
                   "errors": [{"row": 3, "column": "评分", "reason": "评分「7」应在 1–5 之间"}], "notes": []}

    before = counts(dbp)
    p = cli("import", good, bad, "--db", dbp, "--json")
    assert p.returncode == 2, p.stderr
    first, second = (json.loads(x) for x in p.stdout.splitlines())
    assert (first["duplicates"], first["quarantined"], first["imported"]) == (1, 1, 0)
    assert list(second) == KEYS
    assert (second["kind"], second["rows_read"], second["imported"], second["quarantined"]) == (None, 0, 0, 0)
    assert second["errors"][0]["reason"].startswith("表头无法识别")
    after = counts(dbp)
    assert after["service_records"] == before["service_records"]
    assert after["import_log"] == before["import_log"] + 2     # both attempts are logged, 已处理 and 已拒绝

    p = cli("import", good, "--db", dbp)   # the plain summary
    assert p.returncode == 0 and "重复 1" in p.stdout and "隔离 1" in p.stdout


def test_locked_database_gives_one_line_and_no_traceback(tmp_path):
    dbp = make_db(tmp_path / "t.duckdb")
    f = tmp_path / "r.csv"
    f.write_text(HEAD + "R1,C001,2022-03-05 09:07,0101,已办结,张三,13812345678,5\n", encoding="utf-8")
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\n"
                               "con = duckdb.connect(sys.argv[1])\nprint('holding', flush=True)\ntime.sleep(60)", str(dbp)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        p = cli("import", f, "--db", dbp, "--json")
    finally:
        holder.kill()
        holder.wait()
    assert p.returncode != 0 and p.stdout == ""
    assert "Traceback" not in p.stderr
    (line,) = p.stderr.strip().splitlines()
    assert "正被另一个进程" in line and "is locked by another process" in line


@pytest.fixture(scope="module")
def big_export(tmp_path_factory):
    """A 300,000-row service-records export: seconds to import, so a kill lands midway."""
    path = tmp_path_factory.mktemp("big") / "records.csv"
    bench.write_csv(bench.records_table(300_000, ["C001"]), path)
    return path


# Runs the CLI with the commit of a file's transaction replaced by "say so and wait to be killed".
STALL_AT_COMMIT = """
import sys, time
import dangqun.ingest as ingest
def stall(con):
    print("inside the transaction, all rows written", flush=True)
    time.sleep(120)
ingest._commit = stall
from dangqun.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _killed(tmp_path, big_export, script_args, wait):
    dbp = make_db(tmp_path / "t.duckdb")
    f = tmp_path / "first.csv"
    f.write_text(HEAD + "R1,C001,2022-03-05 09:07,0101,已办结,张三,13812345678,5\n", encoding="utf-8")
    assert cli("import", f, "--db", dbp).returncode == 0
    before = counts(dbp)
    with open(tmp_path / "stderr.txt", "w") as err:
        proc = subprocess.Popen([sys.executable, *script_args, "import", str(big_export), "--db", str(dbp)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=err, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            wait(proc)
            assert proc.poll() is None, (tmp_path / "stderr.txt").read_text()   # still importing
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert counts(dbp) == before
    with db.opened(dbp, read_only=True) as con:
        assert db.data_version(con) == 1
    # and the database still takes the import afterwards
    p = cli("import", big_export, "--db", dbp, "--json", timeout=300)
    assert p.returncode == 0 and json.loads(p.stdout)["imported"] == 300_000


def test_import_killed_after_a_second_leaves_the_database_as_it_was(tmp_path, big_export):
    _killed(tmp_path, big_export, ["-m", "dangqun"], lambda proc: time.sleep(1.0))


def test_import_killed_inside_its_transaction_leaves_the_database_as_it_was(tmp_path, big_export):
    def wait(proc):
        assert proc.stdout.readline().strip() == "inside the transaction, all rows written"

    _killed(tmp_path, big_export, ["-c", STALL_AT_COMMIT], wait)
