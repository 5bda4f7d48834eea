"""Lockout races and login floods (README 登录锁定与会话): simultaneous
submissions on one name check at most LOCK_FAILURES passwords per lockout window, none succeeds once
the name is locked, and a flood on a locked name writes a bounded number of audit rows — through
the library from many threads (on SQLite and PostgreSQL), from several processes at once, and through the
served app from many websocket sessions at once."""
from __future__ import annotations

import datetime as dt
import shutil
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from dangqun import auth, state

from dangqun.bench.stclient import Served

T0 = dt.datetime(2024, 3, 1, 9, 0)
PASSWORD = "correct-horse-1"
WRONG, LOCKED = "用户名或密码错误", "登录失败次数过多，请 15 分钟后再试"


@pytest.fixture()
def accounts(store):
    auth.add_account(store, "dg", "county", "210681", PASSWORD, "东港市委组织部")
    return store


@pytest.fixture()
def verifications(monkeypatch):
    """Every password argon2 checks, in order (the login path's only call of verify)."""
    seen = []
    real = auth._hasher

    class Counting:
        def verify(self, hash_, password):
            seen.append(password)
            return real.verify(hash_, password)

    monkeypatch.setattr(auth, "_hasher", Counting())
    return seen


def login_rows(store, user):
    from tests.test_audit import rows

    return [(a, r, d) for u, a, _, d, r in rows(store) if u == user and a in ("login_ok", "login_failed", "lockout")]


def assert_lockout_held(rows):
    """Replay the login rows of one name: never more than LOCK_FAILURES wrong passwords between two
    resets (a success or a lockout), and no success after a lockout (all attempts here fall within
    one lockout window)."""
    failures, locked = 0, False
    for action, result, _ in rows:
        if action == "login_ok":
            assert not locked, f"a login succeeded after the lockout: {rows}"
            failures = 0
        elif action == "lockout":
            locked, failures = True, 0
        elif result == "bad_credentials":
            assert not locked, f"a password was checked after the lockout: {rows}"
            failures += 1
            assert failures <= auth.LOCK_FAILURES, f"more than {auth.LOCK_FAILURES} failures in a row: {rows}"


def burst(n, attempt):
    """n calls of attempt(i) released at the same moment; their results in order of i."""
    barrier = threading.Barrier(n)

    def go(i):
        barrier.wait()
        return attempt(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(go, range(n)))


# ── the library, from threads ──

def test_a_burst_of_wrong_passwords_checks_five(accounts, verifications):
    messages = burst(20, lambda i: auth.login(accounts, "dg", f"wrong-{i}", False, T0)[1])
    assert len(verifications) == auth.LOCK_FAILURES
    assert Counter(messages) == {WRONG: 4, LOCKED: 16}
    assert Counter((a, r) for a, r, _ in login_rows(accounts, "dg")) == {
        ("login_failed", "bad_credentials"): 5, ("lockout", "ok"): 1, ("login_failed", "locked"): auth.REFUSED_ROWS}


def test_the_right_password_inside_a_burst_never_succeeds_once_locked(accounts, verifications):
    for minute in range(3):                        # three failures already: two more lock the name
        auth.login(accounts, "dg", "wrong", False, T0 - dt.timedelta(minutes=minute + 1))
    results = burst(20, lambda i: auth.login(accounts, "dg", PASSWORD if i == 10 else f"w{i}",
                                             False, T0))
    assert_lockout_held(login_rows(accounts, "dg"))
    succeeded = [r for r in results if r[0] is not None]
    # the right password either came before the lockout (at most one more wrong one before it; the count then
    # starts again, and five more lock the name) or is refused
    before = auth.LOCK_FAILURES - 3 - 1
    assert len(verifications) <= 3 + (2 if not succeeded else before + 1 + auth.LOCK_FAILURES)


def test_a_flood_on_a_locked_name_writes_a_row_a_minute(accounts):
    for _ in range(5):
        auth.login(accounts, "dg", "wrong", False, T0)
    for second in range(0, 150):                   # 150 attempts in 150 seconds
        assert auth.login(accounts, "dg", PASSWORD, False, T0 + dt.timedelta(seconds=second)) \
            == (None, LOCKED)
    refused = [(r, d) for a, r, d in login_rows(accounts, "dg") if r == "locked"]
    # the first three one by one (seconds 0–2), then one a minute carrying the attempts since the last row
    assert refused == [("locked", "")] * 3 + [("locked", "锁定期间 60 次尝试（自 09:00:02 起）"),
                                              ("locked", "锁定期间 60 次尝试（自 09:01:02 起）")]


def test_a_burst_on_one_name_does_not_hold_up_another(accounts):
    auth.add_account(accounts, "dd", "city", "210600", PASSWORD, "丹东市委组织部")
    results = burst(10, lambda i: auth.login(accounts, "dd" if i % 2 else "dg",
                                             PASSWORD if i % 2 else "wrong", False, T0))
    assert [r[0].name for r in results[1::2]] == ["dd"] * 5
    assert Counter(r[1] for r in results[0::2]) == {WRONG: 4, LOCKED: 1}


# ── the served app, from websocket sessions ──

@pytest.fixture()
def served(demo_db, accounts_file, tmp_path):
    path = tmp_path / "served.duckdb"
    shutil.copy(demo_db, path)
    srv = Served(path, tmp_path / "streamlit.log")
    yield srv
    srv.stop()


def served_login_rows(srv, user):
    # the operational store beside the served database, read while the server runs
    return login_rows(state.open_store(db_path=srv.db_path), user)


def test_attempts_from_several_processes_check_five_passwords(tmp_path):
    """Two server processes share the operational store: the lockout holds across them."""
    import subprocess
    import sys
    import textwrap

    dbp = tmp_path / "p.duckdb"
    store = state.open_store(db_path=dbp)
    auth.add_account(store, "dg", "county", "210681", PASSWORD, "东港市委组织部")
    script = textwrap.dedent(f"""
        import sys, threading, datetime as dt
        from dangqun import auth, state
        store = state.open_store(db_path={str(dbp)!r})
        at = dt.datetime(2024, 3, 1, 9, 0)
        out = []
        ts = [threading.Thread(target=lambda i=i: out.append(auth.login(store, "dg", f"w{{sys.argv[1]}}-{{i}}", False, at)[1]))
              for i in range(8)]
        [t.start() for t in ts]; [t.join() for t in ts]
        print("\\n".join(out))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(n)], stdout=subprocess.PIPE, text=True,
                              cwd=str(state.Path(__file__).resolve().parent.parent)) for n in range(3)]
    messages = [line for p in procs for line in p.communicate(timeout=120)[0].splitlines()]
    assert Counter(messages) == {WRONG: 4, LOCKED: 20}
    assert Counter((a, r) for a, r, _ in login_rows(store, "dg")) == {
        ("login_failed", "bad_credentials"): 5, ("lockout", "ok"): 1, ("login_failed", "locked"): auth.REFUSED_ROWS}


def test_twenty_sessions_submitting_at_once_check_five_passwords(served):
    sessions = [served.session() for _ in range(20)]
    answers = burst(20, lambda i: sessions[i].rerun(sessions[i].login_states("donggang", f"wrong-{i}")))
    assert Counter(a[0] for a in answers) == {WRONG: 4, LOCKED: 16}
    rows = served_login_rows(served, "donggang")
    assert Counter((a, r) for a, r, _ in rows) == {
        ("login_failed", "bad_credentials"): 5, ("lockout", "ok"): 1, ("login_failed", "locked"): auth.REFUSED_ROWS}


def test_the_right_password_in_a_served_burst_never_succeeds_once_locked(served):
    sessions = [served.session() for _ in range(20)]
    answers = burst(20, lambda i: sessions[i].rerun(
        sessions[i].login_states("dandong", auth.DEMO_PASSWORD if i == 19 else f"wrong-{i}")))
    rows = served_login_rows(served, "dandong")
    assert_lockout_held(rows)
    assert Counter(a for a, _, _ in rows)["login_ok"] == sum(1 for a in answers if not a)


def test_a_login_flood_on_a_locked_served_name_writes_few_rows(served):
    s = served.session()
    answers = [s.rerun(s.login_states("lizhou", f"wrong-{i}")) for i in range(45)]
    assert answers[:4] == [[WRONG]] * 4 and answers[4:] == [[LOCKED]] * 41
    rows = served_login_rows(served, "lizhou")
    assert Counter((a, r) for a, r, _ in rows) == {
        ("login_failed", "bad_credentials"): 5, ("lockout", "ok"): 1, ("login_failed", "locked"): auth.REFUSED_ROWS}
