"""Backup and restore of both stores (dangqun.backup): a backup taken while the published version is being
read restores into an empty target as the same data (the same 总览 figures, row counts, salt, accounts
and audit log in its order); a target that holds data, a changed file and a non-empty folder are refused.
The operational store's cases run on SQLite and PostgreSQL (the `store` fixture)."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
import sqlalchemy as sa

from dangqun import alerts, audit, auth, backup, cli, db, privacy, publish, state
from tests.conftest import fresh_store

T0 = dt.datetime(2024, 3, 1, 9, 0, 0, 123456)
KPI = {"region": "210681", "start": dt.date(2022, 1, 1), "end": dt.date(2022, 12, 31), "category": "", "channel": "", "as_of": None}
AUDIT_COLUMNS = ("user_name", "action", "target", "detail", "result", "logged_at")


@pytest.fixture()
def source(demo_db, tmp_path):
    """A published copy of the demo database with its salt, in a folder of its own."""
    folder = tmp_path / "src"
    folder.mkdir()
    path = folder / "dangqun.duckdb"
    shutil.copy(demo_db, path)
    if not (demo_db.parent / (demo_db.name + ".salt")).exists():
        privacy.salt_for(path)          # the demo build imports nothing, so it may have made no salt
    else:
        shutil.copy(str(demo_db) + ".salt", str(path) + ".salt")
    publish.prepare(path)
    return path


@pytest.fixture()
def no_state_url(monkeypatch):
    """The command line's operational store is SQLite beside --db; the stores it opened are dropped after."""
    monkeypatch.delenv("DANGQUN_STATE_URL", raising=False)
    yield
    state.forget()


def fill(store) -> None:
    """Accounts, audit rows (one with None-like empty text, microseconds) and an alert status with its row."""
    auth.add_demo_accounts(store)
    audit.record(store, "admin", "login_ok", at=T0)
    audit.record(store, "donggang", "page_view", target="总览", detail="county=210681000000",
                 at=T0 + dt.timedelta(minutes=1))
    audit.record(store, "x" * 64, "login_failed", result="bad_credentials", at=T0 + dt.timedelta(minutes=2))
    alert = {"alert_key": "late|210681001001|某中心|2022-12", "rule": "late", "unit_code": "210681001001",
             "subject": "某中心", "period": "2022-12"}
    alerts.set_status(store, alerts.status_params(alert, "已核实", "电话核实", "donggang",
                                                  at=T0 + dt.timedelta(minutes=3)))
    with store.writing() as conn:
        conn.execute(sa.insert(state.sessions).values(session_id="ab" * 32, user_name="admin", created_at=T0,
                                                      last_seen=T0, ended_at=None, end_reason=None))
        conn.execute(sa.insert(state.login_guard).values(user_name="admin"))
    store.set_meta("users_file_imported", "test")


def audit_rows(store) -> list[tuple]:
    log = state.audit_log
    with store.reading() as conn:
        return [tuple(r) for r in conn.execute(sa.select(*(log.c[c] for c in AUDIT_COLUMNS))
                                               .order_by(log.c.audit_id))]


def table_rows(store, name) -> list[tuple]:
    table = state.metadata.tables[name]
    with store.reading() as conn:
        return [tuple(r) for r in conn.execute(sa.select(table).order_by(*table.primary_key.columns))]


def kind(store) -> str:
    return "sqlite" if store.sqlite else "postgresql"


def published_facts(path):
    reader = db.Reader(publish.current(path))
    try:
        kpi = db.run(reader, "kpi_summary", KPI)
        counts = {t: reader.cursor().execute(f"select count(*) from {t}").fetchone()[0]
                  for t in backup.ANALYTICS_TABLES}
        return kpi, counts, db.data_version(reader.cursor())
    finally:
        reader.close()


def test_backup_while_reading_restores_the_same_data(source, store, tmp_path):
    fill(store)
    reader = db.Reader(publish.current(source))          # a server process reading the current version
    try:
        manifest = backup.make_backup(source, tmp_path / "bk", store)
        assert db.run(reader, "kpi_summary", KPI).received.iloc[0] > 0      # the reader is undisturbed
    finally:
        reader.close()
    kpi, counts, data_version = published_facts(source)
    assert manifest["version"] == publish.current(source).name
    assert manifest["data_version"] == data_version
    assert manifest["counts"]["analytics"] == counts
    assert manifest["counts"]["state"] == store.counts()
    assert manifest["counts"]["state"]["audit_log"] == 4 and manifest["counts"]["state"]["alert_status"] == 1

    target = tmp_path / "dst" / "dangqun.duckdb"
    (tmp_path / "dst").mkdir()
    with fresh_store(kind(store), tmp_path / "dst") as restored:
        result = backup.restore(tmp_path / "bk", target, restored)
        assert result["state"] == store.counts()
        assert restored.counts() == store.counts()
        assert audit_rows(restored) == audit_rows(store)
        assert audit_rows(restored)[0] == ("admin", "login_ok", "", "", "ok", T0)
        for name in ("accounts", "sessions", "login_guard", "alert_status", "state_meta"):
            assert table_rows(restored, name) == table_rows(store, name), name
        assert auth.get_account(restored, "admin").password_hash == auth.get_account(store, "admin").password_hash
        # new rows after the restore follow the restored ones (on PostgreSQL: the sequence did not collide)
        audit.record(restored, "admin", "logout", at=T0 + dt.timedelta(hours=1))
        assert audit_rows(restored)[-1][:2] == ("admin", "logout") and len(audit_rows(restored)) == 5

    new_kpi, new_counts, new_data_version = published_facts(target)
    pd_testing = pytest.importorskip("pandas.testing")
    pd_testing.assert_frame_equal(new_kpi, kpi)
    assert new_counts == counts and new_data_version == data_version
    assert result["version"] == publish.current(target).name
    assert (tmp_path / "dst" / "dangqun.duckdb.salt").read_text() == (tmp_path / "src" / "dangqun.duckdb.salt").read_text()
    assert target.exists()


def test_backup_files_are_the_owners_and_checksummed(source, store, tmp_path):
    fill(store)
    out = tmp_path / "bk"
    manifest = backup.make_backup(source, out, store)
    assert out.stat().st_mode & 0o777 == 0o700
    assert (out / "state").stat().st_mode & 0o777 == 0o700
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == sorted(["analytics.duckdb", "analytics.duckdb.salt", "manifest.json"]
                           + [f"state/{t}.jsonl" for t in state.TABLES])
    assert all((out / f).stat().st_mode & 0o777 == 0o600 for f in files)
    assert set(manifest["files"]) == set(files) - {"manifest.json"}
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == manifest
    assert manifest["source_db"] == str(source.resolve())
    first = json.loads((out / "state" / "audit_log.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["logged_at"] == T0.isoformat() and first["user_name"] == "admin"
    account = json.loads((out / "state" / "accounts.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert account["demo"] is True and account["disabled"] is False


def test_backup_rereads_current_when_the_version_was_pruned(source, store, tmp_path, monkeypatch):
    """An import may delete the version CURRENT named just before the backup opens it: CURRENT is read again."""
    real = publish.current(source)
    answers = iter([real.with_name("v999999.duckdb")])
    monkeypatch.setattr(publish, "current", lambda path=None: next(answers, real))
    manifest = backup.make_backup(source, tmp_path / "bk", store)
    assert manifest["version"] == real.name


def test_restore_into_a_target_with_data_is_refused_without_force(source, tmp_path, capsys, no_state_url):
    assert cli.main(["backup", "--out", str(tmp_path / "bk"), "--db", str(source)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("已备份：发布版本 v000001") and str(tmp_path / "bk") in out
    assert (tmp_path / "src" / "dangqun.state.sqlite").exists()        # SQLite beside the database

    target = tmp_path / "dst" / "dangqun.duckdb"
    target.parent.mkdir()
    shutil.copy(source, target)                                           # a working copy is there
    assert cli.main(["restore", str(tmp_path / "bk"), "--db", str(target)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"未恢复：目标已有数据（数据库 {target} 已存在），确认覆盖请加 --force"]
    assert publish.current(target) is None                                # nothing was published

    assert cli.main(["restore", str(tmp_path / "bk"), "--db", str(target), "--force"]) == 0
    assert capsys.readouterr().out.startswith(f"已恢复：{target}（新发布版本 v000001")
    assert publish.current(target).name == "v000001.duckdb"


def test_restore_into_a_store_with_accounts_is_refused(source, store, tmp_path):
    fill(store)
    backup.make_backup(source, tmp_path / "bk", store)
    target = tmp_path / "dst" / "dangqun.duckdb"
    (tmp_path / "dst").mkdir()
    with fresh_store(kind(store), tmp_path / "dst") as other:
        auth.add_demo_accounts(other)
        audit.record(other, "someone", "login_ok", at=T0)
        with pytest.raises(backup.Refused, match=r"^未恢复：目标已有数据（账号 \d+ 个，审计日志 1 条），确认覆盖请加 --force$"):
            backup.restore(tmp_path / "bk", target, other)
        assert not target.exists() and other.counts()["audit_log"] == 1

        # --force replaces the target's rows with the backup's
        backup.restore(tmp_path / "bk", target, other, force=True)
        assert other.counts() == store.counts()
        assert audit_rows(other) == audit_rows(store)


def test_tampered_backup_is_refused(source, store, tmp_path, capsys, no_state_url):
    fill(store)
    backup.make_backup(source, tmp_path / "bk", store)
    dump = tmp_path / "bk" / "state" / "audit_log.jsonl"
    dump.write_text(dump.read_text(encoding="utf-8").replace("login_failed", "login_ok"), encoding="utf-8")
    target = tmp_path / "dst" / "dangqun.duckdb"
    assert cli.main(["restore", str(tmp_path / "bk"), "--db", str(target)]) == 2
    assert capsys.readouterr().err.strip() == ("未恢复：校验失败：state/audit_log.jsonl 的 sha256 与备份清单不符"
                                               "（文件已损坏或被改动）")
    assert not target.parent.exists()                 # the target was not even opened


def test_restore_of_a_folder_that_is_no_backup_is_refused(tmp_path, capsys, no_state_url):
    assert cli.main(["restore", str(tmp_path / "nothing"), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert capsys.readouterr().err.strip() == f"未恢复：没有备份目录：{tmp_path / 'nothing'}"
    (tmp_path / "empty").mkdir()
    assert cli.main(["restore", str(tmp_path / "empty"), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert capsys.readouterr().err.strip() == f"未恢复：{tmp_path / 'empty'} 不是完整的备份（没有 manifest.json）"


def test_backup_into_a_non_empty_folder_is_refused(source, tmp_path, capsys, no_state_url):
    out = tmp_path / "bk"
    out.mkdir()
    (out / "old.txt").write_text("x")
    assert cli.main(["backup", "--out", str(out), "--db", str(source)]) == 2
    assert capsys.readouterr().err.strip() == f"未备份：备份目录 {out} 已存在且不是空目录，请指定新目录"
    assert sorted(p.name for p in out.iterdir()) == ["old.txt"]

    (tmp_path / "empty").mkdir()                      # an empty folder is fine
    assert cli.main(["backup", "--out", str(tmp_path / "empty"), "--db", str(source)]) == 0
    assert (tmp_path / "empty" / "manifest.json").exists()


def test_backup_without_a_database_is_refused(tmp_path, capsys, no_state_url):
    missing = tmp_path / "none" / "dangqun.duckdb"
    assert cli.main(["backup", "--out", str(tmp_path / "bk"), "--db", str(missing)]) == 2
    assert capsys.readouterr().err.strip() == f"未备份：没有数据库：{missing}"
    assert not (tmp_path / "bk").exists()
