"""Upgrade without loss (README 「升级」): an installation of the release before the two stores — one DuckDB
file holding the records, the audit log, the sessions and the alert statuses, and config/users.toml holding
the accounts — converts itself on the first start of this release. The installation is the fixture
tests/fixtures/older_release, written by that release's own code (tests/fixtures/make_older_release.py);
every count is checked against the old file read directly, before the conversion."""
from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from dangqun import alerts, auth, publish, state

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "older_release"


@pytest.fixture()
def older_install(tmp_path, monkeypatch):
    """(database path, the old file's own rows) of a fresh copy of the older release's installation."""
    data = tmp_path / "data"
    data.mkdir()
    path = data / "dangqun.duckdb"
    with gzip.open(FIXTURE / "dangqun.duckdb.gz", "rb") as src, open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    shutil.copy(FIXTURE / "dangqun.duckdb.salt", data / "dangqun.duckdb.salt")
    users = tmp_path / "config" / "users.toml"
    users.parent.mkdir()
    shutil.copy(FIXTURE / "users.toml", users)
    monkeypatch.setenv("DANGQUN_USERS", str(users))
    monkeypatch.delenv("DANGQUN_STATE_URL", raising=False)
    with duckdb.connect(str(path), read_only=True) as con:
        old = {
            "audit_log": con.execute("select logged_at, user_name, action, target, detail, result from audit_log "
                                     "order by audit_id").fetchall(),
            "alert_status": con.execute("select alert_key, rule, unit_code, subject, period, status, note, updated_by, "
                                        "updated_at from alert_status").fetchall(),
            "sessions": con.execute("select count(*) from sessions").fetchone()[0],
            "records": {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                        for t in ("service_records", "centers", "funds", "activities", "import_log", "regions")},
        }
    return path, old


def test_the_first_start_converts_an_older_installation_without_loss(older_install):
    path, old = older_install
    assert len(old["audit_log"]) >= 10 and len(old["alert_status"]) == 1 and old["sessions"] == 1
    reader = publish.Readers(path).get()          # what a server process does at its first run
    store = state.open_store(db_path=path)
    # the records travel with the data, into the first published version
    cur = reader.cursor()
    assert {t: cur.execute(f"select count(*) from {t}").fetchone()[0] for t in old["records"]} == old["records"]
    # the audit log, in its order, and the alert statuses are in the operational store
    from tests.test_audit import rows

    log = state.audit_log.c
    with store.reading() as conn:
        moved = conn.execute(sa.select(log.logged_at, log.user_name, log.action, log.target, log.detail, log.result)
                             .order_by(log.audit_id)).all()
    assert [tuple(r) for r in moved[:len(old["audit_log"])]] == [tuple(r) for r in old["audit_log"]]
    statuses = alerts.statuses(store, "2022-12", None)
    assert list(statuses.itertuples(index=False, name=None)) == [
        (k, s, n, by, at) for k, _, _, _, _, s, n, by, at in old["alert_status"]]
    assert alerts.statuses(store, "2022-12", "210681000000")["note"].tolist() == ["已电话联系镇里"]
    # the accounts come from users.toml, with their passwords and states; the sessions are dropped
    accounts = auth.load_accounts(store)
    assert [(a.name, a.role, a.region, a.disabled) for a in accounts.values()] == [
        ("boss", "admin", "210000000000", False), ("dg", "county", "210681000000", False),
        ("gone", "town", "210681107000", True)]
    assert auth.login(store, "dg", "Dg-pass-22", False)[0].name == "dg"
    assert auth.login(store, "gone", "Gone-pass-3", False)[0] is None
    assert store.counts()["sessions"] == 0
    taken = [r for r in rows(store, "account") if r[0] == auth.UPGRADE_USER]
    assert [r[2] for r in taken] == ["boss", "dg", "gone"]
    # the published version and the working copy hold no operational table any more
    for file in (publish.current(path), path):
        with duckdb.connect(str(file), read_only=True) as con:
            names = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        assert not names & {"audit_log", "sessions", "alert_status"}, file


def test_a_second_start_converts_nothing_again(older_install):
    path, old = older_install
    publish.Readers(path).get()
    store = state.open_store(db_path=path)
    first = store.counts()
    publish.prepare(path)                          # a later start: a version exists, nothing to convert
    with publish.importing(path, who="test"):      # an import opens the working copy again
        pass
    assert store.counts()["audit_log"] == first["audit_log"] and store.counts()["alert_status"] == 1
    assert len(auth.load_accounts(store)) == 3
