"""The database file, its path resolution, the named-query runner and its scope views."""
import subprocess
import sys
import textwrap

import pytest

from dangqun import db


def test_path_resolution(monkeypatch, tmp_path):
    monkeypatch.delenv("DANGQUN_DB", raising=False)
    assert db.resolve_path() == db.DEFAULT_DB
    monkeypatch.setenv("DANGQUN_DB", str(tmp_path / "env.duckdb"))
    assert db.resolve_path() == tmp_path / "env.duckdb"
    assert db.resolve_path(tmp_path / "arg.duckdb") == tmp_path / "arg.duckdb"


def test_schema_has_the_contract_tables(tmp_path):
    with db.opened(tmp_path / "x.duckdb") as con:
        names = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert set(db.TABLES) <= names


def test_data_version_counts_up(tmp_path):
    with db.opened(tmp_path / "x.duckdb") as con:
        assert db.data_version(con) == 0
        assert db.bump_data_version(con) == 1
        assert db.bump_data_version(con) == 2
        assert db.data_version(con) == 2


@pytest.fixture()
def two_county_db(tmp_path):
    path = tmp_path / "scope.duckdb"
    with db.opened(path) as con:
        con.execute("""
            insert into centers (center_id, center_name, region_code, center_type) values
              ('C1', '卧龙村党群服务中心', '210681107201', '村级党群服务中心'),
              ('C2', '凤城某村党群服务中心', '210682101201', '村级党群服务中心');
            insert into funds values ('P1', 'C1', 2022, '党费', null, 10.50, '设备购置', null),
                                     ('P2', 'C2', 2022, '党费', null, 99.00, '新建', null);
        """)
    return path


def test_runner_restricts_every_query_to_the_scope(two_county_db):
    with db.opened(two_county_db) as con:
        everything = db.run(con, "loaded_tables").set_index("table_name").row_count
        donggang = db.run(con, "loaded_tables", scope="210681000000").set_index("table_name").row_count
        elsewhere = db.run(con, "loaded_tables", scope="210200000000").set_index("table_name").row_count
        # the connection itself is unaffected by a scoped cursor's views
        assert con.execute("select count(*) from centers").fetchone()[0] == 2
    assert (everything["centers"], everything["funds"]) == (2, 2)
    assert (donggang["centers"], donggang["funds"]) == (1, 1)
    assert (elsewhere["centers"], elsewhere["funds"]) == (0, 0)


def test_runner_refuses_a_hostile_scope(two_county_db):
    from dangqun.regions import BadRegionCode

    with db.opened(two_county_db) as con, pytest.raises(BadRegionCode):
        db.run(con, "loaded_tables", scope="21' or 1=1 --")


def test_runner_names_missing_parameters(two_county_db, monkeypatch):
    monkeypatch.setattr(db, "query_params", lambda name: ["start"])
    with db.opened(two_county_db) as con, pytest.raises(TypeError, match=r"needs parameters \['start'\]"):
        db.run(con, "loaded_tables")


def test_locked_database_is_reported_in_one_line(tmp_path):
    path = tmp_path / "locked.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time, duckdb
        con = duckdb.connect({str(path)!r})
        print('ready', flush=True)
        time.sleep(30)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(db.DatabaseLocked) as info:
            db.connect(path)
        assert str(info.value).startswith(f"数据库文件 {path} 正被另一个进程占用（不是本看板的导入程序）")
        assert "\n" not in str(info.value)
    finally:
        holder.kill()


def test_an_unexpected_error_in_a_command_is_one_line_and_a_log_entry(tmp_path, monkeypatch, capsys):
    from dangqun import cli, dictionaries

    def broken(*a, **k):
        raise KeyError("no such thing")

    monkeypatch.setattr(dictionaries, "load", broken)
    assert cli.main(["init", "--db", str(tmp_path / "x.duckdb")]) == 1
    err = capsys.readouterr().err
    log = tmp_path / "logs" / "dangqun-cli.log"
    assert err == f"出现意外错误（KeyError），命令未完成；详情已写入 {log}\n"
    assert "Traceback" in log.read_text(encoding="utf-8") and (log.stat().st_mode & 0o777) == 0o600
