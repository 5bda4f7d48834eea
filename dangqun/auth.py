"""Accounts, passwords, login, lockout and the region scope of an account (issue 4).

Accounts live in a TOML file (config/users.toml, or $DANGQUN_USERS), never in the database, so a
database copied to another machine carries no passwords. Passwords are argon2 hashes. Every login
attempt is written to the audit log (dangqun.audit), and the lockout is derived from it, so it holds
across sessions and restarts. Streamlit-free: dangqun.ui draws the form and calls `login`.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
import threading
import tomllib
from pathlib import Path
from typing import Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dangqun import audit, db, regions

DEFAULT_USERS = db.ROOT / "config" / "users.toml"
ROLES = ("admin", "city", "county", "town")
ROLE_LEVEL = {"admin": 0, "city": 1, "county": 2, "town": 3}   # regions.level_of of the account's region
ROLE_LABELS = {"admin": "管理员", "city": "市级", "county": "县级", "town": "乡镇街道"}
NAME_RE = re.compile(r"[A-Za-z0-9_.\-]{1,32}")
MAX_PASSWORD = 256            # longer input is refused before hashing (argon2 of megabytes is slow)
MIN_PASSWORD = 8

LOCK_FAILURES = 5
LOCK_TIME = dt.timedelta(minutes=15)
# a session unused this long ends (README 部署与安全); $DANGQUN_IDLE_SECONDS shortens it for tests
IDLE_TIME = dt.timedelta(seconds=int(os.environ.get("DANGQUN_IDLE_SECONDS") or 30 * 60))
SESSION_MAX_AGE = dt.timedelta(hours=12)    # a login ends after this long even when in use

# Demo accounts: `python -m dangqun demo` writes them into the accounts file marked demo = true, and
# they log in only while the database is the demo (meta 'demo' = 'true', set by dangqun.demo.build),
# so an install that switches to real data has no default password.
DEMO_PASSWORD = "demo2022"
DEMO_ACCOUNTS = (
    ("admin", "演示管理员", "admin", regions.PROVINCE),
    ("dandong", "丹东市委组织部（演示）", "city", "210600000000"),
    ("donggang", "东港市委组织部（演示）", "county", "210681000000"),
    ("lizhou", "喀左县利州街道（演示）", "town", "211324002000"),
)

WRONG_CREDENTIALS = "用户名或密码错误"
LOCKED = "登录失败次数过多，请 15 分钟后再试"

_hasher = PasswordHasher()


class AccountError(ValueError):
    """A bad account change (name, role, region, password): the message is for the operator."""


@dataclasses.dataclass(frozen=True)
class Account:
    name: str
    display_name: str
    role: str
    region: str
    password_hash: str
    disabled: bool = False
    demo: bool = False

    @property
    def scope(self) -> str | None:
        """The region code every query of this account is restricted to; None (everything) for admins."""
        return None if self.role == "admin" else self.region

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def now() -> dt.datetime:
    """The clock of logins, lockouts and idle sessions; tests replace it instead of waiting."""
    return dt.datetime.now()


# ── the accounts file ────────────────────────────────────────────────────────────────────────

def users_path(path: str | os.PathLike | None = None) -> Path:
    if path:
        return Path(path)
    return Path(os.environ["DANGQUN_USERS"]) if os.environ.get("DANGQUN_USERS") else DEFAULT_USERS


def load_accounts(path: str | os.PathLike | None = None) -> dict[str, Account]:
    """name → Account; {} when the file does not exist."""
    path = users_path(path)
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    fields = {f.name for f in dataclasses.fields(Account)} - {"name"}
    return {name: Account(name=name, **{k: v for k, v in entry.items() if k in fields})
            for name, entry in data.get("users", {}).items()}


def save_accounts(accounts: Mapping[str, Account], path: str | os.PathLike | None = None) -> None:
    """Rewrite the file whole (readable by its owner only), through a temporary file so a reader never
    sees half of it."""
    path = users_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# 党群服务数据看板 accounts: edit with `python -m dangqun user …`, not by hand.", ""]
    for acc in accounts.values():
        lines.append(f"[users.{_toml_str(acc.name)}]")
        for f in dataclasses.fields(Account):
            value = getattr(acc, f.name)
            if f.name != "name":
                lines.append(f"{f.name} = {_toml_value(value)}")
        lines.append("")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_value(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else _toml_str(str(value))


# ── account changes (the `user` CLI) ─────────────────────────────────────────────────────────

def hash_password(password: str) -> str:
    check_password(password)
    return _hasher.hash(password)


def check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError(f"密码长度应为 {MIN_PASSWORD}–{MAX_PASSWORD} 个字符")


def check_region(role: str, code: str) -> str:
    """The account's region as a 12-digit code at the level its role needs."""
    if role not in ROLES:
        raise AccountError(f"角色应为 {' / '.join(ROLES)} 之一：{role[:40]}")
    try:
        code = regions.normalise_code(code)
    except regions.BadRegionCode as exc:
        raise AccountError(str(exc)) from exc
    if regions.level_of(code) != ROLE_LEVEL[role] or not code.startswith(regions.PROVINCE[:2]):
        raise AccountError(f"角色 {role} 的区划代码应为{('省', '市', '县', '乡镇街道')[ROLE_LEVEL[role]]}级（辽宁省内）：{code}")
    return code


def add_account(accounts: dict[str, Account], name: str, role: str, region: str, password: str,
                display_name: str = "") -> Account:
    if not NAME_RE.fullmatch(name or ""):
        raise AccountError("用户名应为 1–32 个字母、数字、点、下划线或连字符")
    if name in accounts:
        raise AccountError(f"用户 {name} 已存在")
    acc = Account(name=name, display_name=display_name.strip()[:40] or name, role=role,
                  region=check_region(role, region), password_hash=hash_password(password))
    accounts[name] = acc
    return acc


def change(accounts: dict[str, Account], name: str, **changes) -> Account:
    if name not in accounts:
        raise AccountError(f"没有用户 {name[:40]}")
    accounts[name] = dataclasses.replace(accounts[name], **changes)
    return accounts[name]


def add_demo_accounts(path: str | os.PathLike | None = None) -> list[str]:
    """Write the demo accounts into the accounts file (their passwords are DEMO_PASSWORD), keeping
    every other account; an operator's account of the same name is never replaced."""
    accounts = load_accounts(path)
    written = []
    for name, display, role, region in DEMO_ACCOUNTS:
        if name in accounts and not accounts[name].demo:
            continue
        accounts[name] = Account(name, display, role, region, _hasher.hash(DEMO_PASSWORD), demo=True)
        written.append(name)
    save_accounts(accounts, path)
    return written


# ── login ────────────────────────────────────────────────────────────────────────────────────

def usable(acc: Account | None, demo_db: bool) -> bool:
    return acc is not None and not acc.disabled and (demo_db or not acc.demo)


def is_demo_db(con) -> bool:
    # its own cursor: the app's one connection is shared by every session's thread
    cur = con.cursor()
    try:
        return db.get_meta(cur, "demo") == "true"
    finally:
        cur.close()


def locked(con, name: str, at: dt.datetime) -> bool:
    """Locked while a lockout of `name` is younger than LOCK_TIME (a name that is no account locks
    too, so the lock tells nothing about which names exist)."""
    return _is_locked(_login_state(con, name), at)


def _login_state(con, name: str):
    return db.run(con, "audit_login_state", {"user_name": name}).iloc[0]


def _is_locked(state, at: dt.datetime) -> bool:
    locked_at = state.locked_at
    return locked_at == locked_at and locked_at is not None and at - locked_at.to_pydatetime() < LOCK_TIME


def login(con, accounts: Mapping[str, Account], name: str, password: str, demo_db: bool,
          at: dt.datetime | None = None) -> tuple[Account | None, str]:
    """(account, "") on success, else (None, the one message to show). Writes the audit rows: the
    attempt, and a lockout at the LOCK_FAILURES-th failure in a row.

    Attempts on one name run one at a time, from reading the lockout state to writing their rows:
    otherwise a burst of simultaneous submissions each passes the "locked?" check before any failure
    is written, and far more than LOCK_FAILURES passwords get tried (issue 16). Only the dashboard's
    process writes login rows (DuckDB lets one process open the file read-write), so a lock in the
    process is enough."""
    at = at or now()
    name = str(name or "").strip()[:64]
    password = str(password or "")
    with _one_attempt_at_a_time(name):
        state = _login_state(con, name)
        if _is_locked(state, at):
            _record_refused(con, name, state, at)
            return None, LOCKED
        acc = accounts.get(name)
        if _verify(acc.password_hash if usable(acc, demo_db) else None, password):
            audit.record(con, name, "login_ok", target=acc.role, detail=acc.region, at=at)
            return acc, ""
        failures = int(state.failures) + 1
        rows = [audit.row(name, "login_failed", result="bad_credentials", at=at)]
        if failures >= LOCK_FAILURES:
            rows.append(audit.row(name, "lockout", detail=f"{failures} 次失败", at=at))
        audit.record_rows(con, rows)
        return None, LOCKED if failures >= LOCK_FAILURES else WRONG_CREDENTIALS


_names_lock = threading.Lock()
_name_locks: dict[str, list] = {}        # name → [its lock, attempts holding or waiting for it]


@contextlib.contextmanager
def _one_attempt_at_a_time(name: str):
    # one lock per name, dropped when no attempt holds it: a flood on one name does not wait on
    # another, and a spray of names does not grow the table
    with _names_lock:
        entry = _name_locks.setdefault(name, [threading.Lock(), 0])
        entry[1] += 1
    try:
        with entry[0]:
            yield
    finally:
        with _names_lock:
            entry[1] -= 1
            if entry[1] == 0:
                del _name_locks[name]


# A flood of submissions on a locked name must not grow the audit log at its own pace: the first
# REFUSED_ROWS refused attempts after a lockout get a row each, later ones one row a minute at most,
# carrying how many attempts it stands for.
REFUSED_ROWS = 3
REFUSED_EVERY = dt.timedelta(minutes=1)
# name → (its lockout and last refused row, refused attempts since that row), in this process
_unrecorded: dict[str, tuple[tuple, int]] = {}


def _record_refused(con, name: str, state, at: dt.datetime) -> None:
    # called under the name's lock
    if int(state.refused_rows) < REFUSED_ROWS:
        audit.record(con, name, "login_failed", result="locked", at=at)
        return
    last = state.last_refused_at
    since = (state.locked_at, last)     # a count belongs to the row it follows, in this database
    seen, count = _unrecorded.pop(name, (since, 0))
    count = (count if seen == since else 0) + 1
    if at - last.to_pydatetime() < REFUSED_EVERY:
        _unrecorded[name] = (since, count)
        return
    audit.record(con, name, "login_failed", detail=f"锁定期间 {count} 次尝试（自 {last:%H:%M:%S} 起）",
                 result="locked", at=at)


_DUMMY_HASH = _hasher.hash("not a password of anyone")


def _verify(password_hash: str | None, password: str) -> bool:
    # an unknown name costs one hash too, so timing does not tell which part was wrong
    if len(password) > MAX_PASSWORD:
        return False
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def idle(last_seen: dt.datetime, at: dt.datetime | None = None) -> bool:
    return (at or now()) - last_seen > IDLE_TIME


# ── scope of URL parameters ──────────────────────────────────────────────────────────────────

def scoped_query(query: Mapping[str, str], scope: str | None) -> dict[str, str] | None:
    """The URL parameters an account with `scope` may use, or None when the deepest region asked for
    lies outside the scope ("无权查看该区域"). Levels at or above the scope's root (丹东 in a 东港 link
    for a 东港 official) are dropped: they are implied. Codes that do not parse are left for
    filters.from_query, which names them in a notice."""
    from dangqun.filters import LEVEL_KEYS

    query = dict(query)
    if scope is None:
        return query
    deepest = None
    for key in LEVEL_KEYS:
        try:
            code = regions.normalise_code(str(query.get(key, "") or "").strip()[:64])
        except regions.BadRegionCode:
            continue
        if regions.contains(code, scope):      # the scope's root or above it
            query.pop(key)
        else:
            deepest = code
    if deepest is not None and not regions.contains(scope, deepest):
        return None
    return query
