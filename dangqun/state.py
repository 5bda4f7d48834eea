"""The operational store: what officials write while they use the dashboard (README 「两个存储」).

Accounts, login sessions, the audit log (from which lockouts are derived), the guard rows that make
login attempts on one name take turns, and the statuses and notes of alerts. The records and everything
derived from them live in the analytics store (DuckDB, dangqun.publish), which the server processes
only read; this store is written by every server process and by the command line at once, so it is a
database made for many writers:

- embedded default: SQLite in WAL mode beside the data (data/dangqun.state.sqlite for
  data/dangqun.duckdb): nothing to install, several processes on one machine may write;
- `DANGQUN_STATE_URL=postgresql://…` (or postgresql+psycopg://…): PostgreSQL, for servers on several
  machines.

One code path for both: the tables are SQLAlchemy Core tables, and every statement is built from them
(sqlalchemy renders each dialect's SQL), so nothing here is written twice. Writers that must not
interleave (a login attempt's check and its rows) take `writing()`: SQLite's BEGIN IMMEDIATE (the
database's write lock for the transaction) and, on PostgreSQL, a row lock (SELECT … FOR UPDATE) on the
name's guard row. Streamlit-free.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
import time
from pathlib import Path

import sqlalchemy as sa

STATE_SUFFIX = ".state.sqlite"

metadata = sa.MetaData()
_big_id = sa.BigInteger().with_variant(sa.Integer, "sqlite")     # SQLite's rowid alias must be INTEGER

# grain: one row per setting of the store itself (users_file_imported, converted_from, …)
meta = sa.Table(
    "state_meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# grain: one row per account. Passwords are argon2 hashes; an administrator's reset sets must_change, and
# the official then chooses a new password at the next login.
accounts = sa.Table(
    "accounts", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),             # admin / city / county / town
    sa.Column("region", sa.String(12), nullable=False),           # 12-digit code: the account's scope
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("demo", sa.Boolean, nullable=False, default=False),
    sa.Column("must_change", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

# grain: one row per login (dangqun.sessions): the browser holds a random token in a cookie, this table
# only its SHA-256, the account, and when the login began, was last used and ended (and why).
sessions = sa.Table(
    "sessions", metadata,
    sa.Column("session_id", sa.String(64), primary_key=True),    # hex SHA-256 of the cookie token
    sa.Column("user_name", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_seen", sa.DateTime, nullable=False),
    sa.Column("ended_at", sa.DateTime),
    sa.Column("end_reason", sa.String(32)),                        # logout / idle / expired / account_unusable
)

# grain: one row per audited event (dangqun.audit). Only ever appended to: nothing deletes its rows.
audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("audit_id", _big_id, primary_key=True, autoincrement=True),
    sa.Column("logged_at", sa.DateTime, nullable=False),
    sa.Column("user_name", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),            # dangqun.audit.ACTIONS
    sa.Column("target", sa.String(200)),                           # page, table, file or account
    sa.Column("detail", sa.Text),                                  # filters (as the URL query), row counts, changes
    sa.Column("result", sa.String(64), nullable=False),            # ok / bad_credentials / locked / refused / …
    sa.Index("audit_log_user", "user_name", "audit_id"),
    sa.Index("audit_log_time", "logged_at"),
)

# grain: one row per login name ever tried: the row a login attempt locks so that attempts on one name take
# turns across every server process (dangqun.auth.login)
login_guard = sa.Table(
    "login_guard", metadata,
    sa.Column("user_name", sa.String(64), primary_key=True),
)

# grain: one row per alert (rule, unit, subject and month) an official has acted on. The alerts are
# recomputed from the records; what was done about them lives here under the alert's key.
alert_status = sa.Table(
    "alert_status", metadata,
    sa.Column("alert_key", sa.String(300), primary_key=True),     # rule|unit_code|subject|period
    sa.Column("rule", sa.String(32), nullable=False),
    sa.Column("unit_code", sa.String(12), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("period", sa.String(7), nullable=False),             # YYYY-MM
    sa.Column("status", sa.String(16), nullable=False),            # 待处理 / 已核实 / 已处理
    sa.Column("note", sa.Text),
    sa.Column("updated_by", sa.String(64), nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Index("alert_status_period", "period"),
)

TABLES = tuple(metadata.tables)


def default_url(db_path=None) -> str:
    """$DANGQUN_STATE_URL, else a SQLite file beside the analytics database (data/dangqun.state.sqlite)."""
    if os.environ.get("DANGQUN_STATE_URL"):
        return normalise_url(os.environ["DANGQUN_STATE_URL"])
    from dangqun import db

    path = db.resolve_path(db_path)
    return f"sqlite:///{path.with_name(path.stem + STATE_SUFFIX)}"


def normalise_url(url: str) -> str:
    """postgresql://… (as libpq writes it) is driven by psycopg 3, the driver the requirements pin."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


class Store:
    """One operational store: its engine, its tables created on first use."""

    def __init__(self, url: str):
        self.url = normalise_url(url)
        self.sqlite = self.url.startswith("sqlite")
        self.path = None
        if self.sqlite:
            path = self.path = Path(self.url.split("///", 1)[1])
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            made = not path.exists()
            self.engine = sa.create_engine(self.url, connect_args={"timeout": 30})
            sa.event.listen(self.engine, "connect", _sqlite_connect)
            sa.event.listen(self.engine, "begin", _sqlite_begin)
            # BEGIN IMMEDIATE: two processes making the store at once would otherwise both read, then one fail
            # to write ("database is locked" at once: SQLite does not wait for a reader turned writer)
            with self.writing() as conn:
                metadata.create_all(conn)
            if made:
                for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    if name.exists():
                        name.chmod(0o600)      # accounts' hashes and the audit log: the owner only
        else:
            self.engine = sa.create_engine(self.url, pool_pre_ping=True)
            for attempt in range(3):
                try:
                    metadata.create_all(self.engine)
                    break
                except sa.exc.DBAPIError:      # another server creating the same tables at the same moment
                    if attempt == 2:
                        raise
                    time.sleep(0.5)

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)})"

    @contextlib.contextmanager
    def reading(self):
        """A connection in a transaction for reads, seeing one snapshot throughout (SQLite's transactions do;
        PostgreSQL's default, READ COMMITTED, does not: REPEATABLE READ does)."""
        options = {} if self.sqlite else {"isolation_level": "REPEATABLE READ"}
        with self.engine.connect().execution_options(**options) as conn:
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def writing(self):
        """A transaction that writes: on SQLite it holds the write lock from its first statement (BEGIN
        IMMEDIATE), so a read-then-write cannot interleave with another writer's."""
        with self.engine.connect().execution_options(immediate=True) as conn:
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def name_lock(self, name: str):
        """Login attempts on one name take turns across the processes of this machine (SQLite's store is one
        machine's): an exclusive lock on one of 256 files beside the store, chosen by the name's hash."""
        import fcntl
        import hashlib

        folder = self.path.with_name(self.path.name + ".locks")
        folder.mkdir(mode=0o700, exist_ok=True)
        bucket = hashlib.sha256(name.encode("utf-8", "replace")).hexdigest()[:2]
        fd = os.open(folder / bucket, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)          # closing lets go of the lock

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        with self.reading() as conn:
            value = conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar()
        return default if value is None else value

    def set_meta(self, key: str, value: str, conn=None) -> None:
        if conn is None:
            with self.writing() as conn:
                return self.set_meta(key, value, conn)
        conn.execute(sa.delete(meta).where(meta.c.key == key))
        conn.execute(sa.insert(meta).values(key=key, value=value))

    def counts(self) -> dict[str, int]:
        """table → rows (backup, upgrade and their tests)."""
        with self.reading() as conn:
            return {t: conn.execute(sa.select(sa.func.count()).select_from(metadata.tables[t])).scalar()
                    for t in TABLES}

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_connect(dbapi_connection, _record):
    # SQLAlchemy's own transaction control (the "begin" event below) instead of pysqlite's, which defers
    # BEGIN and cannot say IMMEDIATE; WAL lets readers go on while one process writes
    import sqlite3

    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("pragma busy_timeout = 30000")
    cur.execute("pragma synchronous = full")     # an acknowledged audit row survives a power cut too
    # WAL is a property of the file, set once; switching takes the file alone, which SQLite does not wait
    # for: two processes opening a new store at once retry instead of failing ("database is locked")
    deadline = time.monotonic() + 30
    while cur.execute("pragma journal_mode").fetchone()[0].lower() != "wal":
        try:
            cur.execute("pragma journal_mode = wal")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    cur.close()


def _sqlite_begin(conn):
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("immediate") else "BEGIN")


def now() -> dt.datetime:
    return dt.datetime.now()


_stores: dict[str, Store] = {}
_stores_lock = threading.Lock()


def open_store(url: str | None = None, db_path=None) -> Store:
    """The process's Store for `url` (default_url when None), made once per URL."""
    url = normalise_url(url) if url else default_url(db_path)
    with _stores_lock:
        if url not in _stores:
            _stores[url] = Store(url)
        return _stores[url]


def forget(url: str | None = None) -> None:
    """Drop the process's Store(s) (tests that start over on a new file)."""
    with _stores_lock:
        for key in ([normalise_url(url)] if url else list(_stores)):
            store = _stores.pop(key, None)
            if store is not None:
                store.dispose()


LEGACY_KEY = "converted_from"


def take_legacy_rows(store: Store, con, source: str) -> dict[str, int]:
    """An older release's DuckDB file (`con`, read-write) held the audit log, the alert statuses and the
    sessions: the audit log's rows (in their order) and the statuses come here; sessions are not taken (their
    officials log in again). Done once per store and file: the tables are dropped afterwards by the caller
    (dangqun.publish), so a second run finds nothing. Returns table → rows taken."""
    taken = {}
    have = {r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
    with store.writing() as conn:
        if "audit_log" in have:
            rows = con.execute("select logged_at, user_name, action, target, detail, result from audit_log "
                               "order by audit_id").fetchall()
            cols = ("logged_at", "user_name", "action", "target", "detail", "result")
            for start in range(0, len(rows), 5000):
                conn.execute(sa.insert(audit_log), [dict(zip(cols, r)) for r in rows[start:start + 5000]])
            taken["audit_log"] = len(rows)
        if "alert_status" in have:
            cols = [c.name for c in alert_status.columns]
            rows = con.execute(f"select {', '.join(cols)} from alert_status").fetchall()
            keys = [r[0] for r in rows]
            for start in range(0, len(keys), 500):
                conn.execute(sa.delete(alert_status).where(alert_status.c.alert_key.in_(keys[start:start + 500])))
            if rows:
                conn.execute(sa.insert(alert_status), [dict(zip(cols, r)) for r in rows])
            taken["alert_status"] = len(rows)
        store.set_meta(LEGACY_KEY, f"{source} · {now():%Y-%m-%d %H:%M:%S} · "
                       + "，".join(f"{t} {n}" for t, n in taken.items()), conn)
    return taken
