"""Accounts, passwords, login, lockout, idle sessions and the `user` command line (dangqun.auth)."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from dangqun import auth, cli, db

T0 = dt.datetime(2024, 3, 1, 9, 0)
PASSWORD = "correct-horse-1"


@pytest.fixture()
def accounts():
    accs: dict[str, auth.Account] = {}
    auth.add_account(accs, "dg", "county", "210681", PASSWORD, "东港市委组织部")
    return accs


def audit_rows(con, user=None):
    rows = con.execute("select user_name, action, target, detail, result from audit_log order by audit_id").fetchall()
    return [r for r in rows if user is None or r[0] == user]


# ── the accounts file ──

def test_accounts_file_round_trip_keeps_only_a_hash(tmp_path, accounts):
    path = tmp_path / "users.toml"
    auth.save_accounts(accounts, path)
    text = path.read_text(encoding="utf-8")
    assert PASSWORD not in text and "$argon2id$" in text
    assert (path.stat().st_mode & 0o777) == 0o600
    assert auth.load_accounts(path) == accounts
    acc = auth.load_accounts(path)["dg"]
    assert (acc.role, acc.region, acc.scope, acc.display_name) == ("county", "210681000000", "210681000000", "东港市委组织部")


def test_no_accounts_file_means_no_accounts(tmp_path):
    assert auth.load_accounts(tmp_path / "missing.toml") == {}


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
    ("dg", "county", "210681", PASSWORD, "用户 dg 已存在"),
])
def test_bad_accounts_are_refused(accounts, name, role, region, password, message):
    with pytest.raises(auth.AccountError) as info:
        auth.add_account(accounts, name, role, region, password)
    assert str(info.value) == message
    assert list(accounts) == ["dg"]


def test_demo_accounts_never_replace_an_operators_account(tmp_path):
    path = tmp_path / "users.toml"
    mine: dict[str, auth.Account] = {}
    auth.add_account(mine, "admin", "admin", "210000000000", PASSWORD)
    auth.save_accounts(mine, path)
    assert auth.add_demo_accounts(path) == ["dandong", "donggang", "lizhou"]
    loaded = auth.load_accounts(path)
    assert not loaded["admin"].demo and loaded["donggang"].demo
    assert [(a.role, a.region) for a in loaded.values() if a.demo] == [
        ("city", "210600000000"), ("county", "210681000000"), ("town", "211324002000")]


# ── login, lockout, idle ──

def test_login_succeeds_and_is_audited(scratch_con, accounts):
    acc, message = auth.login(scratch_con, accounts, "dg", PASSWORD, demo_db=False, at=T0)
    assert acc.name == "dg" and message == ""
    assert audit_rows(scratch_con) == [("dg", "login_ok", "county", "210681000000", "ok")]


@pytest.mark.parametrize("name, password", [("dg", "wrong-password"), ("nobody", PASSWORD), ("DG", PASSWORD),
                                            ("", "")])
def test_wrong_credentials_get_one_neutral_message(scratch_con, accounts, name, password):
    assert auth.login(scratch_con, accounts, name, password, demo_db=False, at=T0) == (None, "用户名或密码错误")
    assert audit_rows(scratch_con) == [(name, "login_failed", "", "", "bad_credentials")]


def test_a_disabled_account_cannot_log_in(scratch_con, accounts):
    auth.change(accounts, "dg", disabled=True)
    assert auth.login(scratch_con, accounts, "dg", PASSWORD, demo_db=False, at=T0) == (None, "用户名或密码错误")


def test_demo_accounts_work_only_on_the_demo_database(scratch_con, tmp_path):
    path = tmp_path / "users.toml"
    auth.add_demo_accounts(path)
    accounts = auth.load_accounts(path)
    assert auth.is_demo_db(scratch_con)
    assert auth.login(scratch_con, accounts, "donggang", auth.DEMO_PASSWORD, auth.is_demo_db(scratch_con), T0)[0]
    db.set_meta(scratch_con, "demo", "false")            # real data imported over it: no default password
    assert auth.login(scratch_con, accounts, "donggang", auth.DEMO_PASSWORD, auth.is_demo_db(scratch_con),
                      T0) == (None, "用户名或密码错误")


def test_five_failures_lock_for_fifteen_minutes(scratch_con, accounts):
    for minute in range(4):
        assert auth.login(scratch_con, accounts, "dg", "wrong", False, T0 + dt.timedelta(minutes=minute))[1] \
            == "用户名或密码错误"
    assert auth.login(scratch_con, accounts, "dg", "wrong", False, T0 + dt.timedelta(minutes=4))[1] \
        == "登录失败次数过多，请 15 分钟后再试"
    locked_at = T0 + dt.timedelta(minutes=4)
    # the right password does not help while locked, nor in another session (the lock is in the database)
    assert auth.login(scratch_con, accounts, "dg", PASSWORD, False, locked_at + dt.timedelta(minutes=14, seconds=59)) \
        == (None, "登录失败次数过多，请 15 分钟后再试")
    assert auth.locked(scratch_con, "dg", locked_at + dt.timedelta(minutes=14))
    assert not auth.locked(scratch_con, "dg", locked_at + dt.timedelta(minutes=15, seconds=1))
    acc, _ = auth.login(scratch_con, accounts, "dg", PASSWORD, False, locked_at + dt.timedelta(minutes=15, seconds=1))
    assert acc.name == "dg"
    actions = [r[1] + ":" + r[4] for r in audit_rows(scratch_con, "dg")]
    assert actions == ["login_failed:bad_credentials"] * 5 + ["lockout:ok", "login_failed:locked", "login_ok:ok"]


def test_failures_count_only_in_a_row(scratch_con, accounts):
    for minute in range(4):
        auth.login(scratch_con, accounts, "dg", "wrong", False, T0 + dt.timedelta(minutes=minute))
    assert auth.login(scratch_con, accounts, "dg", PASSWORD, False, T0 + dt.timedelta(minutes=5))[0]
    for minute in range(4):
        assert auth.login(scratch_con, accounts, "dg", "wrong", False, T0 + dt.timedelta(minutes=6 + minute))[1] \
            == "用户名或密码错误"


def test_unknown_names_lock_too_so_the_lock_reveals_nothing(scratch_con, accounts):
    for _ in range(5):
        message = auth.login(scratch_con, accounts, "ghost", "x", False, T0)[1]
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
    users, dbp = tmp_path / "users.toml", tmp_path / "a.duckdb"
    common = ["--users", str(users), "--db", str(dbp)]
    assert run_cli(monkeypatch, capsys, ["user", "add", "boss", "--role", "admin", "--region", "210000000000",
                                         "--password-stdin", *common], PASSWORD + "\n")[0] == 0
    code, out, err = run_cli(monkeypatch, capsys, ["user", "add", "dg", "--role", "county", "--region", "210681",
                                                   "--display-name", "东港", "--password-stdin", *common], "pass-word-2\n")
    assert (code, out) == (0, f"账号 dg：新建 role=county region=210681000000（{users}）\n")
    assert run_cli(monkeypatch, capsys, ["user", "disable", "dg", *common])[0] == 0
    assert run_cli(monkeypatch, capsys, ["user", "passwd", "boss", "--password-stdin", *common], "new-pass-3\n")[0] == 0
    code, out, _ = run_cli(monkeypatch, capsys, ["user", "list", "--users", str(users)])
    assert out.splitlines() == ["boss\tboss\tadmin\t210000000000\t启用", "dg\t东港\tcounty\t210681000000\t停用"]
    accounts = auth.load_accounts(users)
    with db.opened(dbp) as con:
        assert auth.login(con, accounts, "boss", "new-pass-3", False, T0)[0]
        assert auth.login(con, accounts, "dg", "pass-word-2", False, T0)[1] == "用户名或密码错误"
        changes = [r[1:4] for r in audit_rows(con) if r[1] == "account"]
    assert changes == [("account", "boss", "新建 role=admin region=210000000000"),
                       ("account", "dg", "新建 role=county region=210681000000"),
                       ("account", "dg", "停用"), ("account", "boss", "修改密码")]


def test_user_add_refuses_and_leaves_the_file_alone(monkeypatch, capsys, tmp_path):
    users = tmp_path / "users.toml"
    code, out, err = run_cli(monkeypatch, capsys, ["user", "add", "x", "--role", "county", "--region", "210600",
                                                   "--password-stdin", "--users", str(users), "--db",
                                                   str(tmp_path / "a.duckdb")], PASSWORD + "\n")
    assert (code, err) == (2, "未修改：角色 county 的区划代码应为县级（辽宁省内）：210600000000\n")
    assert not users.exists()
