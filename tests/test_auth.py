"""Accounts, passwords, login, lockout, idle sessions and the `user` command line (dangqun.auth)."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from dangqun import auth, cli, db

T0 = dt.datetime(2024, 3, 1, 9, 0)
PASSWORD = "correct-horse-1"


@pytest.fixture()
def accounts(store):
    """The store (SQLite and PostgreSQL) holding one county account, dg."""
    auth.add_account(store, "dg", "county", "210681", PASSWORD, "东港市委组织部", by="test")
    return store


def audit_rows(store, user=None):
    from tests.test_audit import rows

    return [r for r in rows(store) if user is None or r[0] == user]


# ── the accounts ──

def test_an_account_keeps_only_a_hash(accounts):
    from tests.test_audit import rows

    acc = auth.load_accounts(accounts)["dg"]
    assert PASSWORD not in acc.password_hash and acc.password_hash.startswith("$argon2id$")
    assert (acc.role, acc.region, acc.scope, acc.display_name) == ("county", "210681000000", "210681000000", "东港市委组织部")
    assert rows(accounts, "account") == [("test", "account", "dg", "新建 role=county region=210681000000", "ok")]


def test_an_older_releases_accounts_file_is_taken_over_once(store, tmp_path):
    from tests.conftest import demo_account_list, write_users_file

    import sqlalchemy as sa

    from dangqun import state

    with store.writing() as conn:        # the store as a new release finds it: nothing taken over yet
        conn.execute(sa.delete(state.meta))
    old = tmp_path / "users.toml"
    write_users_file(old, demo_account_list())
    assert auth.import_users_file(store, old) == ["admin", "dandong", "donggang", "lizhou"]
    loaded = auth.load_accounts(store)
    assert [(a.name, a.role, a.region, a.demo) for a in loaded.values()] == [
        ("admin", "admin", "210000000000", True), ("dandong", "city", "210600000000", True),
        ("donggang", "county", "210681000000", True), ("lizhou", "town", "211324002000", True)]
    # the file is not read again, whatever it holds now
    write_users_file(old, [])
    assert auth.import_users_file(store, old) == []
    assert list(auth.load_accounts(store)) == ["admin", "dandong", "donggang", "lizhou"]


def test_users_path_default_and_override(monkeypatch, tmp_path):
    monkeypatch.delenv("DANGQUN_USERS", raising=False)
    assert auth.users_path() == db.ROOT / "config" / "users.toml"
    monkeypatch.setenv("DANGQUN_USERS", str(tmp_path / "u.toml"))
    assert auth.users_path() == tmp_path / "u.toml"


@pytest.mark.parametrize("name, role, region, password, message", [
    ("a b", "county", "210681", PASSWORD, "用户名应为 1–32 个字母、数字、点、下划线或连字符"),
    ("x" * 33, "county", "210681", PASSWORD, "用户名应为 1–32 个字母、数字、点、下划线或连字符"),
    ("ok", "boss", "210681", PASSWORD, "角色应为 admin / city / county / town 之一：boss"),
    ("ok", "county", "210600", PASSWORD, "角色 county 的区划代码应为县级（辽宁省内）：210600000000"),
    ("ok", "town", "220381", PASSWORD, "角色 town 的区划代码应为乡镇街道级（辽宁省内）：220381000000"),
    ("ok", "admin", "21' or '1'='1", PASSWORD, "区划代码应为 6 位或 12 位数字：21' or '1'='1"),
    ("ok", "county", "210681", "short", "密码长度应为 8–256 个字符"),
    ("ok", "county", "210681", "p" * 257, "密码长度应为 8–256 个字符"),
    ("ok", "county", "210681", "longlowercase", "密码应至少包含大写字母、小写字母、数字、符号中的 3 类（现有：小写字母）"),
    ("ok", "county", "210681", "Lower12345", None),      # three classes: accepted
    ("dg", "county", "210681", PASSWORD, "用户 dg 已存在"),
])
def test_bad_accounts_are_refused(accounts, name, role, region, password, message):
    if message is None:
        auth.add_account(accounts, name, role, region, password)
        assert set(auth.load_accounts(accounts)) == {"dg", name}
        return
    with pytest.raises(auth.AccountError) as info:
        auth.add_account(accounts, name, role, region, password)
    assert str(info.value) == message
    assert list(auth.load_accounts(accounts)) == ["dg"]


def test_demo_accounts_never_replace_an_operators_account(store):
    auth.add_account(store, "admin", "admin", "210000000000", PASSWORD)
    assert auth.add_demo_accounts(store) == ["dandong", "donggang", "lizhou"]
    loaded = auth.load_accounts(store)
    assert not loaded["admin"].demo and loaded["donggang"].demo
    assert [(a.role, a.region) for a in loaded.values() if a.demo] == [
        ("city", "210600000000"), ("county", "210681000000"), ("town", "211324002000")]


def test_a_reset_password_must_be_changed_and_both_are_audited(accounts):
    auth.set_password(accounts, "dg", "Temp-pass-1", by="boss", must_change=True)
    acc = auth.get_account(accounts, "dg")
    assert acc.must_change and auth.login(accounts, "dg", "Temp-pass-1", False, T0)[0].must_change
    auth.set_password(accounts, "dg", "Own-pass-22", by="dg")
    assert not auth.get_account(accounts, "dg").must_change
    assert [r[0] + ":" + r[3] for r in audit_rows(accounts) if r[1] == "account"][1:] == [
        "boss:重置密码（下次登录须修改）", "dg:修改密码"]


# ── login, lockout, idle ──

def test_login_succeeds_and_is_audited(accounts):
    acc, message = auth.login(accounts, "dg", PASSWORD, demo_db=False, at=T0)
    assert acc.name == "dg" and message == ""
    assert audit_rows(accounts, "dg") == [("dg", "login_ok", "county", "210681000000", "ok")]


@pytest.mark.parametrize("name, password", [("dg", "wrong-password"), ("nobody", PASSWORD), ("DG", PASSWORD),
                                            ("", "")])
def test_wrong_credentials_get_one_neutral_message(accounts, name, password):
    assert auth.login(accounts, name, password, demo_db=False, at=T0) == (None, "用户名或密码错误")
    assert audit_rows(accounts, name) == [(name, "login_failed", "", "", "bad_credentials")]


def test_a_disabled_account_cannot_log_in(accounts):
    auth.change(accounts, "dg", disabled=True)
    assert auth.login(accounts, "dg", PASSWORD, demo_db=False, at=T0) == (None, "用户名或密码错误")


def test_demo_accounts_work_only_on_the_demo_database(scratch_con, store):
    auth.add_demo_accounts(store)
    assert auth.is_demo_db(scratch_con)
    assert auth.login(store, "donggang", auth.DEMO_PASSWORD, auth.is_demo_db(scratch_con), T0)[0]
    db.set_meta(scratch_con, "demo", "false")            # real data imported over it: no default password
    assert auth.login(store, "donggang", auth.DEMO_PASSWORD, auth.is_demo_db(scratch_con),
                      T0) == (None, "用户名或密码错误")


def test_five_failures_lock_for_fifteen_minutes(accounts):
    for minute in range(4):
        assert auth.login(accounts, "dg", "wrong", False, T0 + dt.timedelta(minutes=minute))[1] \
            == "用户名或密码错误"
    assert auth.login(accounts, "dg", "wrong", False, T0 + dt.timedelta(minutes=4))[1] \
        == "登录失败次数过多，请 15 分钟后再试"
    locked_at = T0 + dt.timedelta(minutes=4)
    # the right password does not help while locked, nor in another session (the lock is in the store)
    assert auth.login(accounts, "dg", PASSWORD, False, locked_at + dt.timedelta(minutes=14, seconds=59)) \
        == (None, "登录失败次数过多，请 15 分钟后再试")
    assert auth.locked(accounts, "dg", locked_at + dt.timedelta(minutes=14))
    assert not auth.locked(accounts, "dg", locked_at + dt.timedelta(minutes=15, seconds=1))
    acc, _ = auth.login(accounts, "dg", PASSWORD, False, locked_at + dt.timedelta(minutes=15, seconds=1))
    assert acc.name == "dg"
    actions = [r[1] + ":" + r[4] for r in audit_rows(accounts, "dg")]
    assert actions == ["login_failed:bad_credentials"] * 5 + ["lockout:ok", "login_failed:locked", "login_ok:ok"]


def test_failures_count_only_in_a_row(accounts):
    for minute in range(4):
        auth.login(accounts, "dg", "wrong", False, T0 + dt.timedelta(minutes=minute))
    assert auth.login(accounts, "dg", PASSWORD, False, T0 + dt.timedelta(minutes=5))[0]
    for minute in range(4):
        assert auth.login(accounts, "dg", "wrong", False, T0 + dt.timedelta(minutes=6 + minute))[1] \
            == "用户名或密码错误"


def test_unknown_names_lock_too_so_the_lock_reveals_nothing(accounts):
    for _ in range(5):
        message = auth.login(accounts, "ghost", "x", False, T0)[1]
    assert message == "登录失败次数过多，请 15 分钟后再试"


def test_idle_after_thirty_minutes():
    assert not auth.idle(T0, T0 + dt.timedelta(minutes=30))
    assert auth.idle(T0, T0 + dt.timedelta(minutes=30, seconds=1))


# ── URL parameters and the scope ──

@pytest.mark.parametrize("query, scope, expected", [
    ({"county": "210682000000"}, None, {"county": "210682000000"}),
    ({"city": "210600000000", "county": "210681000000", "town": "210681107000"}, "210681000000",
     {"town": "210681107000"}),
    ({"city": "210600000000"}, "210681000000", {}),                    # the city above: implied
    ({"county": "210682000000"}, "210681000000", None),                # a neighbouring county
    ({"city": "210200000000", "county": "210681000000"}, "210681000000", None),   # deepest in, but …
    ({"town": "211324002000"}, "210681000000", None),
    ({"city": "220100000000"}, "210600000000", None),
    ({"county": "21' or 1=1 --"}, "210681000000", {"county": "21' or 1=1 --"}),  # left for the notice
])
def test_scoped_query(query, scope, expected):
    assert auth.scoped_query(query, scope) == expected


# ── python -m dangqun user … ──

def run_cli(monkeypatch, capsys, args, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_user_commands(monkeypatch, capsys, tmp_path):
    """The `user` commands write the operational store beside the database (no dashboard to stop)."""
    from dangqun import state

    dbp = tmp_path / "a.duckdb"
    common = ["--db", str(dbp)]
    monkeypatch.delenv("DANGQUN_STATE_URL", raising=False)
    monkeypatch.setenv("DANGQUN_USERS", str(tmp_path / "none.toml"))
    assert run_cli(monkeypatch, capsys, ["user", "add", "boss", "--role", "admin", "--region", "210000000000",
                                         "--password-stdin", *common], PASSWORD + "\n")[0] == 0
    code, out, err = run_cli(monkeypatch, capsys, ["user", "add", "dg", "--role", "county", "--region", "210681",
                                                   "--display-name", "东港", "--password-stdin", *common], "pass-word-2\n")
    assert (code, out) == (0, "账号 dg：新建 role=county region=210681000000\n")
    assert run_cli(monkeypatch, capsys, ["user", "disable", "dg", *common])[0] == 0
    assert run_cli(monkeypatch, capsys, ["user", "passwd", "boss", "--password-stdin", *common], "new-pass-3\n")[0] == 0
    assert run_cli(monkeypatch, capsys, ["user", "scope", "dg", "--role", "town", "--region", "210681107000",
                                         *common])[0] == 0
    code, out, _ = run_cli(monkeypatch, capsys, ["user", "list", *common])
    assert out.splitlines() == ["boss\tboss\tadmin\t210000000000\t启用", "dg\t东港\ttown\t210681107000\t停用"]
    store = state.open_store(db_path=dbp)
    assert auth.login(store, "boss", "new-pass-3", False, T0)[0]
    assert auth.login(store, "dg", "pass-word-2", False, T0)[1] == "用户名或密码错误"
    changes = [(r[0].startswith("cli:"),) + r[1:4] for r in audit_rows(store) if r[1] == "account"]
    assert changes == [(True, "account", "boss", "新建 role=admin region=210000000000"),
                       (True, "account", "dg", "新建 role=county region=210681000000"),
                       (True, "account", "dg", "停用"), (True, "account", "boss", "修改密码"),
                       (True, "account", "dg", "范围改为 town 210681107000")]


def test_user_add_refuses_and_changes_nothing(monkeypatch, capsys, tmp_path):
    from dangqun import state

    monkeypatch.delenv("DANGQUN_STATE_URL", raising=False)
    monkeypatch.setenv("DANGQUN_USERS", str(tmp_path / "none.toml"))
    code, out, err = run_cli(monkeypatch, capsys, ["user", "add", "x", "--role", "county", "--region", "210600",
                                                   "--password-stdin", "--db", str(tmp_path / "a.duckdb")],
                             PASSWORD + "\n")
    assert (code, err) == (2, "未修改：角色 county 的区划代码应为县级（辽宁省内）：210600000000\n")
    assert auth.load_accounts(state.open_store(db_path=tmp_path / "a.duckdb")) == {}
