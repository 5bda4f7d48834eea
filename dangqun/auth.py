"""Accounts, passwords, login, lockout and the region scope of an account.

Accounts live in the operational store (dangqun.state), never in the analytics database, so a data file
copied to another machine carries no passwords; the command line (`dangqun user …`) and the 账号管理 page
change them while the dashboard runs, and every server process sees a change at its next run. Passwords are
argon2 hashes. Every login attempt is written to the audit log (dangqun.audit), and the lockout is derived
from it, so it holds across sessions, processes and restarts. An installation of an older release kept its
accounts in a TOML file (config/users.toml, or $DANGQUN_USERS): the store takes them over once
(`load_accounts`), and the file is not read after that (README 账号管理). Streamlit-free: dangqun.ui draws the
form and calls `login`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import tomllib
from pathlib import Path
from typing import Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

import sqlalchemy as sa

from dangqun import audit, db, regions
from dangqun.state import accounts as accounts_table, audit_log, login_guard, meta

DEFAULT_USERS = db.ROOT / "config" / "users.toml"
ROLES = ("admin", "city", "county", "town")
ROLE_LEVEL = {"admin": 0, "city": 1, "county": 2, "town": 3}   # regions.level_of of the account's region
ROLE_LABELS = {"admin": "管理员", "city": "市级", "county": "县级", "town": "乡镇街道"}
NAME_RE = re.compile(r"[A-Za-z0-9_.\-]{1,32}")
MAX_PASSWORD = 256            # longer input is refused before hashing (argon2 of megabytes is slow)
MIN_PASSWORD = 8
# 等保 level 3 asks for complex passwords: at least MIN_PASSWORD characters of at least three of these four
# classes (README 账号管理)
PASSWORD_CLASSES = (("大写字母", re.compile(r"[A-Z]")), ("小写字母", re.compile(r"[a-z]")),
                    ("数字", re.compile(r"[0-9]")), ("符号", re.compile(r"[^A-Za-z0-9]")))
MIN_CLASSES = 3
PASSWORD_RULE = "至少 8 个字符，含大写字母、小写字母、数字、符号中的至少 3 类"

LOCK_FAILURES = 5
LOCK_TIME = dt.timedelta(minutes=15)
# a session unused this long ends (README 部署与安全); $DANGQUN_IDLE_SECONDS shortens it for tests
IDLE_TIME = dt.timedelta(seconds=int(os.environ.get("DANGQUN_IDLE_SECONDS") or 30 * 60))
SESSION_MAX_AGE = dt.timedelta(hours=12)    # a login ends after this long even when in use

# Demo accounts: `python -m dangqun demo` writes them into the operational store marked demo, and
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
    must_change: bool = False     # the password was set by an administrator: the official chooses a new one

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


# ── the accounts ─────────────────────────────────────────────────────────────────────────────

def users_path(path: str | os.PathLike | None = None) -> Path:
    """The accounts file of an older release (imported once by load_accounts)."""
    if path:
        return Path(path)
    return Path(os.environ["DANGQUN_USERS"]) if os.environ.get("DANGQUN_USERS") else DEFAULT_USERS


def read_users_file(path: str | os.PathLike | None = None) -> dict[str, Account]:
    """name → Account of an older release's accounts file; {} when there is none."""
    path = users_path(path)
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    fields = {f.name for f in dataclasses.fields(Account)} - {"name"}
    return {name: Account(name=name, **{k: v for k, v in entry.items() if k in fields})
            for name, entry in data.get("users", {}).items()}


USERS_FILE_KEY = "users_file_imported"


# who the audit log names for what the upgrade itself did (the inbox's imports are 收件箱's likewise)
UPGRADE_USER = "系统升级"


def import_users_file(store, path: str | os.PathLike | None = None, by: str = UPGRADE_USER) -> list[str]:
    """Take over an older release's accounts file, once per store: the accounts the store lacks are
    added (an account of the same name in the store wins), each with an audit row; after that the file is
    not read again, whatever it holds. Returns the names added."""
    if store.get_meta(USERS_FILE_KEY) is not None:
        return []
    file = users_path(path)
    found = read_users_file(file)
    added = []
    try:
        with store.writing() as conn:
            if conn.execute(sa.select(meta.c.value).where(meta.c.key == USERS_FILE_KEY)).first():
                return []        # another process took it over meanwhile
            have = set(conn.execute(sa.select(accounts_table.c.name)).scalars())
            for acc in found.values():
                if acc.name not in have:
                    _insert(conn, acc)
                    added.append(acc.name)
            if added:
                audit.record_rows(store, [audit.row(by, "account", target=n, detail=f"自账号文件 {file} 导入")
                                          for n in added], conn)
            store.set_meta(USERS_FILE_KEY, f"{file} · {now():%Y-%m-%d %H:%M:%S}", conn)
    except sa.exc.IntegrityError:     # PostgreSQL: two first starts at once; the other one's rows stand
        return []
    return added


def _insert(conn, acc: Account) -> None:
    at = now()
    conn.execute(sa.insert(accounts_table).values(**dataclasses.asdict(acc), created_at=at, updated_at=at))


def _account(row) -> Account:
    return Account(**{f.name: getattr(row, f.name) for f in dataclasses.fields(Account)})


_imported: set[str] = set()      # the stores whose takeover of the accounts file this process has seen done


def load_accounts(store) -> dict[str, Account]:
    """name → Account, read from the store on every call (a disabled account takes effect at once). The
    first call on a store takes over an older release's accounts file (import_users_file)."""
    if store.url not in _imported:
        import_users_file(store)
        _imported.add(store.url)
    with store.reading() as conn:
        rows = conn.execute(sa.select(accounts_table).order_by(accounts_table.c.name)).all()
    return {r.name: _account(r) for r in rows}


def get_account(store, name: str) -> Account | None:
    return load_accounts(store).get(name or "")


# ── account changes (the `user` command and the 账号管理 page) ──────────────────────────────────

def hash_password(password: str) -> str:
    check_password(password)
    return _hasher.hash(password)


def check_password(password: str) -> None:
    """The password rule (README 账号管理): refuses with the reason in Chinese."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError(f"密码长度应为 {MIN_PASSWORD}–{MAX_PASSWORD} 个字符")
    have = [label for label, pattern in PASSWORD_CLASSES if pattern.search(password)]
    if len(have) < MIN_CLASSES:
        raise AccountError(f"密码应至少包含大写字母、小写字母、数字、符号中的 {MIN_CLASSES} 类"
                           f"（现有：{'、'.join(have) or '无'}）")


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


def add_account(store, name: str, role: str, region: str, password: str, display_name: str = "",
                by: str = "", must_change: bool = False) -> Account:
    """A new account, with its audit row by `by` (an administrator, or cli:user)."""
    if not NAME_RE.fullmatch(name or ""):
        raise AccountError("用户名应为 1–32 个字母、数字、点、下划线或连字符")
    acc = Account(name=name, display_name=display_name.strip()[:40] or name, role=role,
                  region=check_region(role, region), password_hash=hash_password(password), must_change=must_change)
    with store.writing() as conn:
        if conn.execute(sa.select(accounts_table.c.name).where(accounts_table.c.name == name)).first():
            raise AccountError(f"用户 {name} 已存在")
        _insert(conn, acc)
        audit.record_rows(store, [audit.row(by or audit.cli_user(), "account", target=name,
                                            detail=f"新建 role={role} region={acc.region}")], conn)
    return acc


def change(store, name: str, by: str = "", detail: str = "", **changes) -> Account:
    """Change fields of account `name` (password_hash, disabled, role, region, display_name, must_change),
    with its audit row; `detail` says what changed in words (the fields' names when empty)."""
    with store.writing() as conn:
        row = conn.execute(sa.select(accounts_table).where(accounts_table.c.name == name)
                           .with_for_update()).first()
        if row is None:
            raise AccountError(f"没有用户 {str(name)[:40]}")
        acc = dataclasses.replace(_account(row), **changes)
        if "role" in changes or "region" in changes:
            acc = dataclasses.replace(acc, region=check_region(acc.role, acc.region))
        conn.execute(sa.update(accounts_table).where(accounts_table.c.name == name)
                     .values(**{k: getattr(acc, k) for k in changes}, updated_at=now()))
        audit.record_rows(store, [audit.row(by or audit.cli_user(), "account", target=name,
                                            detail=detail or "、".join(sorted(changes)))], conn)
    return acc


def set_password(store, name: str, password: str, by: str = "", must_change: bool = False) -> Account:
    """A new password for `name`: set by an administrator for someone else (must_change: the official
    chooses their own at the next login), or by the official themselves."""
    return change(store, name, by=by, detail="重置密码（下次登录须修改）" if must_change else "修改密码",
                  password_hash=hash_password(password), must_change=must_change)


def add_demo_accounts(store) -> list[str]:
    """Write the demo accounts into the store (their passwords are DEMO_PASSWORD), keeping every other
    account; an operator's account of the same name is never replaced."""
    written = []
    with store.writing() as conn:
        have = {r.name: r.demo for r in conn.execute(sa.select(accounts_table.c.name, accounts_table.c.demo))}
        for name, display, role, region in DEMO_ACCOUNTS:
            if name in have and not have[name]:
                continue
            conn.execute(sa.delete(accounts_table).where(accounts_table.c.name == name))
            _insert(conn, Account(name, display, role, region, _demo_hash(), demo=True))
            written.append(name)
    return written


def _demo_hash() -> str:
    global _DEMO_HASH
    if _DEMO_HASH is None:
        _DEMO_HASH = _hasher.hash(DEMO_PASSWORD)
    return _DEMO_HASH


_DEMO_HASH = None


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


def locked(store, name: str, at: dt.datetime) -> bool:
    """Locked while a lockout of `name` is younger than LOCK_TIME (a name that is no account locks
    too, so the lock tells nothing about which names exist)."""
    with store.reading() as conn:
        return _is_locked(login_state(conn, name), at)


@dataclasses.dataclass(frozen=True)
class LoginState:
    locked_at: dt.datetime | None      # the name's last lockout
    failures: int                      # wrong passwords in a row since its last success or lockout
    refused_rows: int                  # rows of refused attempts since the last lockout
    last_refused_at: dt.datetime | None


def login_state(conn, name: str) -> LoginState:
    """The lockout state of one login name, from its audit rows (login_ok, login_failed, lockout)."""
    log = audit_log.c
    mine = sa.and_(log.user_name == name, log.action.in_(("login_ok", "login_failed", "lockout")))
    reset_id, lockout_id, locked_at = conn.execute(
        sa.select(sa.func.max(log.audit_id).filter(log.action.in_(("login_ok", "lockout"))),
                  sa.func.max(log.audit_id).filter(log.action == "lockout"),
                  sa.func.max(log.logged_at).filter(log.action == "lockout")).where(mine)).one()
    failures = conn.execute(sa.select(sa.func.count()).where(
        mine, log.action == "login_failed", log.result == "bad_credentials", log.audit_id > (reset_id or 0))).scalar()
    refused, last = conn.execute(sa.select(sa.func.count(), sa.func.max(log.logged_at)).where(
        mine, log.action == "login_failed", log.result == "locked", log.audit_id > (lockout_id or 0))).one()
    return LoginState(locked_at, int(failures), int(refused) if lockout_id else 0, last if lockout_id else None)


def _is_locked(state: LoginState, at: dt.datetime) -> bool:
    return state.locked_at is not None and at - state.locked_at < LOCK_TIME


def login(store, name: str, password: str, demo_db: bool,
          at: dt.datetime | None = None) -> tuple[Account | None, str]:
    """(account, "") on success, else (None, the one message to show). Writes the audit rows: the
    attempt, and a lockout at the LOCK_FAILURES-th failure in a row.

    Attempts on one name run one at a time, from reading the lockout state to writing their rows, in
    every process at once: otherwise a burst of simultaneous submissions each passes the "locked?" check
    before any failure is written, and far more than LOCK_FAILURES passwords get tried. On PostgreSQL the
    attempt's transaction locks the name's row of login_guard; on SQLite, whose write lock is the whole
    store's, a lock file of the name's (state.Store.name_lock) keeps attempts on one name in turn, and the
    password is checked outside any transaction, so a slow hash holds up nobody else's writes."""
    at = at or now()
    name = str(name or "").strip()[:64]
    password = str(password or "")
    acc = load_accounts(store).get(name)
    if store.sqlite:
        with store.name_lock(name):
            with store.reading() as conn:
                state = login_state(conn, name)
            result, rows = _attempt(name, password, acc, demo_db, state, at)
            if rows:
                audit.record_rows(store, rows)
            return result
    _guard_row(store, name)
    with store.writing() as conn:
        conn.execute(sa.select(login_guard.c.user_name).where(login_guard.c.user_name == name).with_for_update())
        result, rows = _attempt(name, password, acc, demo_db, login_state(conn, name), at)
        if rows:
            audit.record_rows(store, rows, conn)
        return result


def _attempt(name: str, password: str, acc: Account | None, demo_db: bool, state: LoginState,
             at: dt.datetime) -> tuple[tuple[Account | None, str], list[dict]]:
    """The outcome of one attempt on `name` in `state` and the audit rows it writes (called in the name's turn)."""
    if _is_locked(state, at):
        return (None, LOCKED), _refused_rows(name, state, at)
    if _verify(acc.password_hash if usable(acc, demo_db) else None, password):
        return (acc, ""), [audit.row(name, "login_ok", target=acc.role, detail=acc.region, at=at)]
    failures = state.failures + 1
    rows = [audit.row(name, "login_failed", result="bad_credentials", at=at)]
    if failures >= LOCK_FAILURES:
        rows.append(audit.row(name, "lockout", detail=f"{failures} 次失败", at=at))
    return (None, LOCKED if failures >= LOCK_FAILURES else WRONG_CREDENTIALS), rows


def _guard_row(store, name: str) -> None:
    """The name's login_guard row, made in a transaction of its own: two first attempts at once both try to
    make it, and the one that loses only needs it to exist."""
    with store.reading() as conn:
        if conn.execute(sa.select(login_guard.c.user_name).where(login_guard.c.user_name == name)).first():
            return
    try:
        with store.writing() as conn:
            conn.execute(sa.insert(login_guard).values(user_name=name))
    except sa.exc.IntegrityError:
        pass


# A flood of submissions on a locked name must not grow the audit log at its own pace: the first
# REFUSED_ROWS refused attempts after a lockout get a row each, later ones one row a minute at most,
# carrying how many attempts it stands for.
REFUSED_ROWS = 3
REFUSED_EVERY = dt.timedelta(minutes=1)
# name → (its lockout and last refused row, refused attempts since that row), in this process: the rows a
# minute apart count this process's attempts (each server process its own, README 登录锁定与会话)
_unrecorded: dict[str, tuple[tuple, int]] = {}


def _refused_rows(name: str, state: LoginState, at: dt.datetime) -> list[dict]:
    # called in the name's turn
    if state.refused_rows < REFUSED_ROWS:
        return [audit.row(name, "login_failed", result="locked", at=at)]
    last = state.last_refused_at
    since = (state.locked_at, last)     # a count belongs to the row it follows, in this store
    seen, count = _unrecorded.pop(name, (since, 0))
    count = (count if seen == since else 0) + 1
    if at - last < REFUSED_EVERY:
        _unrecorded[name] = (since, count)
        return []
    return [audit.row(name, "login_failed", detail=f"锁定期间 {count} 次尝试（自 {last:%H:%M:%S} 起）",
                      result="locked", at=at)]


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
